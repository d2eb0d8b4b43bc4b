"""The dashboard's sign-in sessions: a random cookie value, kept server-side as its SHA-256 (``web_sessions``).

A session lasts SESSION_HOURS from sign-in; signing out deletes it; a revoked user, a cadre, or a user whose role
no longer opens the dashboard has no session (the user is looked up on every request, like a token). Each session
carries its own CSRF token, which every POST form of the dashboard must send back.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, select

from sync.server.db import read_session, write_session
from sync.server.models import User, WebSession, as_utc
from sync.server.users import DASHBOARD_ROLES, UserInfo, as_info

__all__ = ["SESSION_HOURS", "Signed", "end_session", "new_session", "session_for"]

#: how long a sign-in lasts
SESSION_HOURS = 12


@dataclass(frozen=True, slots=True)
class Signed:
    """A signed-in browser: its user and the CSRF token its forms carry."""

    user: UserInfo
    csrf: str


def _key(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def new_session(engine: Engine, user: UserInfo) -> tuple[str, Signed]:
    """Open a session for *user* (already checked); returns the cookie's value and the session."""
    value, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    with write_session(engine) as session:
        session.execute(delete(WebSession).where(WebSession.expires_at < now))  # tidy: ended sessions go
        session.add(
            WebSession(
                id=_key(value),
                user_id=user.id,
                csrf=csrf,
                created_at=now,
                expires_at=now + timedelta(hours=SESSION_HOURS),
            )
        )
    return value, Signed(user, csrf)


def session_for(engine: Engine, value: str) -> Signed | None:
    """The live session whose cookie is *value*, or None (unknown, ended, or its user may no longer sign in)."""
    if not value or len(value) > 100:
        return None
    with read_session(engine) as session:
        row = session.execute(
            select(WebSession, User)
            .join(User, User.id == WebSession.user_id)
            .where(WebSession.id == _key(value))
        ).first()
        if row is None:
            return None
        web, user = row
        expires = as_utc(web.expires_at)
        if expires is None or expires <= datetime.now(UTC):
            return None
        if user.revoked_at is not None or user.role not in DASHBOARD_ROLES or user.password_hash is None:
            return None
        return Signed(as_info(user), web.csrf)


def end_session(engine: Engine, value: str) -> None:
    """Sign out: the session *value* is gone (nothing happens when it is unknown)."""
    with write_session(engine) as session:
        session.execute(delete(WebSession).where(WebSession.id == _key(value)))
