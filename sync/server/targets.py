"""The office's yearly targets: new CĐCS and new members, for the federation, a ward or a cadre (docs/office.md).

One target row per year and scope: setting a target again changes the figures given and keeps the others. A ward
is matched as areas match it (``fieldapp.core.wards.ward_key``) and must be known: a ward of the registry or of
someone's area. A cadre is a user by name. Every refusal names the option and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from fieldapp.core.i18n import N_, Message
from fieldapp.core.text import control_characters, nfc
from fieldapp.core.wards import ward_key
from sync.server.areas import registry_ward_keys
from sync.server.choices import MAX_YEAR, MIN_YEAR
from sync.server.db import read_session, write_session
from sync.server.models import AreaWard, Target, User, as_utc
from sync.server.users import UserError, clean_name

__all__ = [
    "MAX_FIGURE",
    "MAX_YEAR",
    "MIN_YEAR",
    "Scope",
    "TargetError",
    "TargetInfo",
    "delete_target",
    "list_targets",
    "resolve_scope",
    "set_target",
]

MAX_FIGURE = 1_000_000


class TargetError(Exception):
    """A target cannot be set, listed or deleted: a bad year or figure, an unknown ward or user."""


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose figures: the federation (no ward, no user), one ward (its key and label) or one cadre (user name)."""

    ward_key: str | None = None
    ward: str | None = None
    user: str | None = None

    @property
    def key(self) -> str:
        if self.ward_key is not None:
            return f"ward:{self.ward_key}"
        if self.user is not None:
            return f"user:{self.user}"
        return "federation"

    @property
    def kind(self) -> str:
        return "ward" if self.ward_key is not None else "user" if self.user is not None else "federation"

    def to_dict(self) -> dict[str, Any]:
        return {"scope": self.kind, "ward": self.ward, "ward_key": self.ward_key, "user": self.user}


@dataclass(frozen=True, slots=True)
class TargetInfo:
    year: int
    scope: Scope
    new_unions: int | None
    new_members: int | None
    updated_at: datetime
    updated_by: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            **self.scope.to_dict(),
            "new_unions": self.new_unions,
            "new_members": self.new_members,
            "updated_at": self.updated_at.isoformat(),
            "updated_by": self.updated_by,
        }


def check_year(year: int, option: str = "YEAR") -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise TargetError(
            Message(
                N_("{option} must be a year from {first} to {last}, not {year}"),
                {"option": option, "first": MIN_YEAR, "last": MAX_YEAR, "year": year},
            )
        )
    return year


def _check_figure(value: int | None, option: str) -> int | None:
    if value is not None and not 0 <= value <= MAX_FIGURE:
        raise TargetError(
            Message(
                N_("{option} must be a whole number from 0 to {last}, not {value}"),
                {"option": option, "last": f"{MAX_FIGURE:,}", "value": value},
            )
        )
    return value


def resolve_scope(session: Session, ward: str | None, user: str | None) -> Scope:
    """The scope named by --ward or --user (neither: the federation). Raises TargetError for both, an empty or
    unknown ward, or an unknown user."""
    if ward is not None and user is not None:
        raise TargetError(Message(N_("give --ward or --user, not both")))
    if ward is not None:
        label = " ".join(nfc(ward).split())
        key = ward_key(label)
        if not key or len(label) > 100 or control_characters(label):
            raise TargetError(Message(N_("--ward: {ward} is not a ward name"), {"ward": repr(ward)}))
        known = registry_ward_keys(session) | set(session.scalars(select(AreaWard.ward_key).distinct()))
        if key not in known:
            raise TargetError(
                Message(
                    N_(
                        "--ward: no enterprise of the registry and no area is in ward {ward}; check the spelling"
                    ),
                    {"ward": repr(ward)},
                )
            )
        stored = session.scalar(select(Target.ward).where(Target.ward_key == key).limit(1))
        return Scope(ward_key=key, ward=stored or label)
    if user is not None:
        try:
            name = clean_name(user)
        except UserError as exc:
            raise TargetError(Message(N_("--user: {reason}"), {"reason": exc.args[0]})) from None
        if session.scalar(select(User.id).where(User.name == name)) is None:
            raise TargetError(Message(N_("--user: there is no user named {name}"), {"name": repr(user)}))
        return Scope(user=name)
    return Scope()


def _info(row: Target) -> TargetInfo:
    scope = (
        Scope(ward_key=row.ward_key, ward=row.ward)
        if row.ward_key is not None
        else Scope(user=row.scope_key.removeprefix("user:"))
        if row.user_id is not None
        else Scope()
    )
    updated = as_utc(row.updated_at)
    assert updated is not None
    return TargetInfo(row.year, scope, row.new_unions, row.new_members, updated, row.updated_by)


def set_target(
    engine: Engine,
    year: int,
    *,
    new_unions: int | None = None,
    new_members: int | None = None,
    ward: str | None = None,
    user: str | None = None,
    by: str,
) -> TargetInfo:
    """Set *year*'s targets for the scope; the figures not given keep their value. Raises TargetError."""
    check_year(year)
    _check_figure(new_unions, "--new-unions")
    _check_figure(new_members, "--new-members")
    if new_unions is None and new_members is None:
        raise TargetError(Message(N_("give --new-unions or --new-members (or both)")))
    with write_session(engine) as session:
        scope = resolve_scope(session, ward, user)
        row = session.scalar(select(Target).where(Target.year == year, Target.scope_key == scope.key))
        now = datetime.now(UTC)
        if row is None:
            user_id = (
                session.scalar(select(User.id).where(User.name == scope.user))
                if scope.user is not None
                else None
            )
            row = Target(
                year=year,
                scope_key=scope.key,
                ward=scope.ward,
                ward_key=scope.ward_key,
                user_id=user_id,
                updated_at=now,
                updated_by=by,
            )
            session.add(row)
        if new_unions is not None:
            row.new_unions = new_unions
        if new_members is not None:
            row.new_members = new_members
        row.updated_at, row.updated_by = now, by
        session.flush()
        return _info(row)


def targets_of(session: Session, year: int | None = None) -> list[TargetInfo]:
    """The targets (of *year*), by year, then the federation's, the wards', the cadres'."""
    stmt = select(Target)
    if year is not None:
        stmt = stmt.where(Target.year == year)
    order = {"federation": 0, "ward": 1, "user": 2}
    infos = [_info(row) for row in session.scalars(stmt)]
    return sorted(infos, key=lambda t: (t.year, order[t.scope.kind], t.scope.ward or t.scope.user or ""))


def list_targets(engine: Engine, year: int | None = None) -> list[TargetInfo]:
    if year is not None:
        check_year(year, "--year")
    with read_session(engine) as session:
        return targets_of(session, year)


def delete_target(
    engine: Engine, year: int, *, ward: str | None = None, user: str | None = None
) -> TargetInfo:
    """Delete *year*'s target of the scope. Raises TargetError when there is none."""
    check_year(year)
    with write_session(engine) as session:
        scope = resolve_scope(session, ward, user)
        row = session.scalar(select(Target).where(Target.year == year, Target.scope_key == scope.key))
        if row is None:
            raise TargetError(
                Message(
                    N_("there is no target for {year} for {scope}"), {"year": year, "scope": _describe(scope)}
                )
            )
        info = _info(row)
        session.execute(delete(Target).where(Target.id == row.id))
        return info


def _describe(scope: Scope) -> Message:
    if scope.ward is not None:
        return Message(N_("ward {ward}"), {"ward": repr(scope.ward)})
    if scope.user is not None:
        return Message(N_("user {user}"), {"user": repr(scope.user)})
    return Message(N_("the federation"))
