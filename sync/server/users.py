"""Accounts, bearer tokens and dashboard passwords. A token is shown once when made; only its SHA-256 is stored.

A password (``user passwd``) opens the web dashboard only, and only for the office: admins and viewers. A cadre
gets no password (``set_password`` refuses): cadres work from their laptops with their token, and a token never opens
the dashboard. Passwords are kept as argon2id hashes (argon2-cffi's defaults, RFC 9106's low-memory profile).
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from fieldapp.core.i18n import N_, Message
from fieldapp.core.text import nfc
from sync.server.choices import ROLES
from sync.server.db import make_engine, read_session, write_session
from sync.server.models import User, as_utc

__all__ = [
    "DASHBOARD_ROLES",
    "MIN_PASSWORD",
    "ROLES",
    "UserError",
    "UserInfo",
    "add_user",
    "as_info",
    "hash_token",
    "list_users",
    "new_token",
    "revoke_user",
    "set_password",
    "user_for_password",
]

#: the roles that may sign in to the web dashboard ("office leaders and admins")
DASHBOARD_ROLES: frozenset[str] = frozenset({"admin", "viewer"})
#: the shortest password ``set_password`` accepts (characters)
MIN_PASSWORD = 10
_MAX_PASSWORD = 1000
_HASHER = PasswordHasher()
#: verified against when the user is unknown, so a wrong name costs as long as a wrong password
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


class UserError(Exception):
    """A user command cannot be done (name taken, unknown user, bad name); its argument is a ``Message`` (``str``
    of the error: English; the command line words it in the run's language)."""


@dataclass(frozen=True, slots=True)
class UserInfo:
    """A user as shown by ``user list`` and used by the API (never the token)."""

    name: str
    role: str
    full_name: str | None
    created_at: datetime
    revoked_at: datetime | None
    #: the database row's id (areas refer to it)
    id: int = 0
    #: moves whenever what the user's area holds changes (see sync/server/areas.py)
    scope_version: int = 0

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_viewer(self) -> bool:
        """Read-only (office leaders): sees everything, pushes nothing."""
        return self.role == "viewer"

    @property
    def sees_everything(self) -> bool:
        """Admins and viewers read the whole federation; a cadre reads their area."""
        return self.role in ("admin", "viewer")

    def to_dict(self) -> dict[str, str | None]:
        return {
            "name": self.name,
            "role": self.role,
            "full_name": self.full_name,
            "created_at": self.created_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


def new_token() -> str:
    """A fresh bearer token: 256 random bits, URL-safe text after a ``fa_`` prefix.

    The prefix keeps a token from starting with "-", which a command line (``fieldapp config set token …``) would
    read as an option, and lets a token found in a log or a chat be recognised as fieldapp's."""
    return "fa_" + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The stored form of a token (SHA-256, hex): a leaked database gives no usable token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def clean_name(name: str) -> str:
    """A user name as stored: NFC, trimmed; it must equal the ``cadre`` of the visits the user logs."""
    cleaned = " ".join(nfc(name).split())
    if not cleaned or len(cleaned) > 100:
        raise UserError(Message(N_("a user name must have 1 to 100 characters")))
    return cleaned


def _info(user: User) -> UserInfo:
    created = as_utc(user.created_at)
    assert created is not None
    return UserInfo(
        user.name,
        user.role,
        user.full_name,
        created,
        as_utc(user.revoked_at),
        user.id,
        user.scope_version or 0,
    )


def as_info(user: User) -> UserInfo:
    """The UserInfo of a ``users`` row read in an open session."""
    return _info(user)


def _engine(target: str | Engine) -> tuple[Engine, bool]:
    return (make_engine(target), True) if isinstance(target, str) else (target, False)


def add_user(target: str | Engine, name: str, *, role: str = "cadre", full_name: str | None = None) -> str:
    """Create a user; returns the new token (the only time it exists in clear). Raises UserError."""
    if role not in ROLES:
        raise UserError(
            Message(
                N_("role must be one of {roles}, not {role}"), {"roles": ", ".join(ROLES), "role": repr(role)}
            )
        )
    name = clean_name(name)
    token = new_token()
    engine, own = _engine(target)
    try:
        with write_session(engine) as session:
            if session.scalar(select(User.id).where(User.name == name)) is not None:
                raise UserError(Message(N_("a user named {name} already exists"), {"name": repr(name)}))
            session.add(
                User(
                    name=name,
                    full_name=full_name or None,
                    role=role,
                    token_hash=hash_token(token),
                    created_at=datetime.now(UTC),
                    revoked_at=None,
                )
            )
    except IntegrityError as exc:  # a concurrent add of the same name
        raise UserError(Message(N_("a user named {name} already exists"), {"name": repr(name)})) from exc
    finally:
        if own:
            engine.dispose()
    return token


def list_users(target: str | Engine) -> list[UserInfo]:
    """Every user, by name."""
    engine, own = _engine(target)
    try:
        with read_session(engine) as session:
            return [_info(u) for u in session.scalars(select(User).order_by(User.name))]
    finally:
        if own:
            engine.dispose()


def revoke_user(target: str | Engine, name: str) -> UserInfo:
    """Revoke a user's token at once (the next request with it gets 401). Raises UserError when unknown."""
    engine, own = _engine(target)
    try:
        with write_session(engine) as session:
            user = session.scalar(select(User).where(User.name == clean_name(name)))
            if user is None:
                raise UserError(Message(N_("there is no user named {name}"), {"name": repr(name)}))
            if user.revoked_at is None:
                user.revoked_at = datetime.now(UTC)
            session.flush()
            return _info(user)
    finally:
        if own:
            engine.dispose()


def user_for_token(engine: Engine, token: str) -> UserInfo | None:
    """The active user holding *token*, or None (unknown or revoked); checked in the database every time."""
    with read_session(engine) as session:
        user = session.scalar(
            select(User).where(User.token_hash == hash_token(token), User.revoked_at.is_(None))
        )
        return _info(user) if user else None


def _password_text(password: str) -> str:
    # NFC, so "ệ" typed precomposed on one keyboard and decomposed on another is one password
    return unicodedata.normalize("NFC", password)


def set_password(target: str | Engine, name: str, password: str) -> UserInfo:
    """Give an admin or a viewer a dashboard password (replacing any). Raises UserError: unknown or revoked
    user, a cadre, a password shorter than MIN_PASSWORD characters."""
    password = _password_text(password)
    if len(password) < MIN_PASSWORD:
        raise UserError(
            Message(N_("the password must have at least {count} characters"), {"count": MIN_PASSWORD})
        )
    if len(password) > _MAX_PASSWORD:
        raise UserError(
            Message(N_("the password must have at most {count} characters"), {"count": _MAX_PASSWORD})
        )
    engine, own = _engine(target)
    try:
        with write_session(engine) as session:
            user = session.scalar(select(User).where(User.name == clean_name(name)))
            if user is None:
                raise UserError(Message(N_("there is no user named {name}"), {"name": repr(name)}))
            if user.revoked_at is not None:
                raise UserError(Message(N_("the user {name} is revoked"), {"name": repr(user.name)}))
            if user.role not in DASHBOARD_ROLES:
                raise UserError(
                    Message(
                        N_("{name} is a {role}: only admins and viewers sign in to the dashboard"),
                        {"name": repr(user.name), "role": user.role},
                    )
                )
            user.password_hash = _HASHER.hash(password)
            session.flush()
            return _info(user)
    finally:
        if own:
            engine.dispose()


def user_for_password(engine: Engine, name: str, password: str) -> UserInfo | None:
    """The active admin or viewer *name* when *password* is theirs, else None (whatever was wrong)."""
    try:
        cleaned = clean_name(name)
    except UserError:
        cleaned = ""
    password = _password_text(password)[:_MAX_PASSWORD]
    with read_session(engine) as session:
        user = session.scalar(select(User).where(User.name == cleaned)) if cleaned else None
        stored = user.password_hash if user is not None else None
        try:
            _HASHER.verify(stored or _DUMMY_HASH, password)
        except (VerificationError, InvalidHashError):
            return None
        if user is None or stored is None or user.revoked_at is not None or user.role not in DASHBOARD_ROLES:
            return None
        return _info(user)
