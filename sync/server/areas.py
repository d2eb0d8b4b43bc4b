"""Areas (phân công địa bàn): which wards each user works, and which single enterprises are assigned to them.

An area is a set of wards plus enterprises assigned directly (big firms, whatever their ward). A ward may be in
several users' areas. Wards are compared by ``fieldapp.core.wards.ward_key`` (folded, unit word dropped), so
"thanh nhan", "P. Thanh Nhàn" and "Phường Thanh Nhàn" are one ward. Assigning an enterprise also writes its
``assigned_to`` as a new version, so every laptop sees who has it on its next pull.

Each change is all or nothing: a ward that cannot be assigned (empty, too long, control characters) or removed (not
in the area) refuses the whole command, naming it, and nothing changes. The dashboard assigns only wards the
server knows (``known_only``: a ward of the registry or of an area, typed as the laptop folds text); the CLI may
assign a ward before its enterprises arrive, and warns. Each refusal carries a ``Problem`` (field and code) so the
dashboard can word it in the reader's language.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Engine, delete, func, or_, select
from sqlalchemy.orm import Session, aliased

from fieldapp.core.errors import Problem
from fieldapp.core.records import Enterprise
from fieldapp.core.taxcode import normalise_tax_code
from fieldapp.core.text import control_characters, nfc
from fieldapp.core.wards import closest_wards, typed_keys, ward_key
from sync.server.changeseq import write_alone
from sync.server.db import read_session, write_session
from sync.server.models import AreaWard, EnterpriseAssignee, Record, User
from sync.server.recordstore import Batch, bump_scopes, load_states
from sync.server.users import clean_name

__all__ = [
    "Area",
    "AreaError",
    "AreaNotFound",
    "AssignedEnterprise",
    "AreaScope",
    "assign_directly",
    "area_of",
    "load_area",
    "in_area",
    "known_wards",
    "visible_to",
    "assign_enterprise",
    "assign_wards",
    "list_areas",
    "registry_ward_keys",
    "unassign_wards",
]

MAX_WARD = 100


class AreaError(Exception):
    """An area command cannot be done: a ward that is not valid or not assigned, a viewer given an area.

    ``problem``: the same refusal as a field problem (field ``ward`` or ``user``), worded by the catalog."""

    def __init__(self, message: str, problem: Problem | None = None) -> None:
        super().__init__(message)
        self.problem = problem


class AreaNotFound(AreaError):
    """The user or the enterprise named does not exist."""


@dataclass(frozen=True, slots=True)
class AssignedEnterprise:
    id: str
    tax_code: str | None
    name: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "tax_code": self.tax_code, "name": self.name}


@dataclass(frozen=True, slots=True)
class Area:
    """A user's area: their wards (as first written) and the enterprises assigned to them directly."""

    user: str
    full_name: str | None
    role: str
    wards: list[str] = field(default_factory=list)
    enterprises: list[AssignedEnterprise] = field(default_factory=list)
    #: wards of this command that no enterprise of the registry is in (yet): perhaps a typing mistake
    unknown_wards: list[str] = field(default_factory=list)

    @property
    def ward_keys(self) -> frozenset[str]:
        return frozenset(ward_key(w) for w in self.wards)

    def to_dict(self) -> dict[str, Any]:
        return {
            "user": self.user,
            "full_name": self.full_name,
            "wards": list(self.wards),
            "enterprises": [e.to_dict() for e in self.enterprises],
        }


def _clean_ward(ward: str) -> tuple[str, str]:
    label = " ".join(nfc(ward).split())
    if control_characters(label):
        raise AreaError(
            f"ward {ward!r}: control characters are not allowed",
            Problem(
                "ward",
                "control_character",
                {"value": ", ".join(f"U+{ord(c):04X}" for c in control_characters(label))},
            ),
        )
    if not label or len(label) > MAX_WARD:
        raise AreaError(
            f"ward {ward!r}: a ward must have 1 to {MAX_WARD} characters",
            Problem("ward", "too_long", {"limit": MAX_WARD}) if label else Problem("ward", "blank", {}),
        )
    key = ward_key(label)
    if not key:
        raise AreaError(
            f"ward {ward!r}: only a unit word, no ward name",
            Problem("ward", "unknown_area_ward_no_suggestion", {"value": label}),
        )
    return key, label


def _user(session: Session, name: str) -> User:
    user = session.scalar(select(User).where(User.name == clean_name(name)))
    if user is None:
        raise AreaNotFound(
            f"there is no user named {name!r}", Problem("user", "unknown_user", {"value": name})
        )
    return user


def registry_ward_keys(session: Session) -> set[str]:
    """The ward keys of every enterprise the registry holds (not deleted)."""
    # records.ward_key holds each enterprise's key already (indexed): no content is read
    keys = session.scalars(
        select(Record.ward_key).distinct().where(Record.kind == "enterprise", Record.deleted.is_(False))
    )
    return {key for key in keys if key}


def _area(session: Session, user: User, unknown: Sequence[str] = ()) -> Area:
    wards = session.scalars(select(AreaWard.ward).where(AreaWard.user_id == user.id).order_by(AreaWard.id))
    ids = list(
        session.scalars(select(EnterpriseAssignee.enterprise_id).where(EnterpriseAssignee.user_id == user.id))
    )
    states = load_states(session, "enterprise", ids)
    enterprises = sorted(
        (
            AssignedEnterprise(rid, s.content.get("tax_code"), s.content.get("name", ""))
            for (_kind, rid), s in states.items()
            if not s.deleted
        ),
        key=lambda e: (e.name, e.id),
    )
    return Area(user.name, user.full_name, user.role, list(wards), enterprises, list(unknown))


def _refuse_viewer(user: User) -> None:
    if user.role == "viewer":
        raise AreaError(
            f"{user.name!r} is a viewer (read-only): a viewer has no area, and sees everything",
            Problem("user", "viewer_area", {"value": user.name}),
        )


def known_wards(session: Session) -> dict[str, str]:
    """Every ward the server knows, key -> label: the wards of the registry's enterprises (as one of them writes
    it) and of everyone's areas."""
    first = dict(
        session.execute(
            select(Record.ward_key, func.min(Record.id))
            .where(Record.kind == "enterprise", Record.deleted.is_(False), Record.ward_key.is_not(None))
            .group_by(Record.ward_key)
        )
        .tuples()
        .all()
    )
    labels: dict[str, str] = {}
    for content in session.scalars(
        select(Record.content).where(Record.kind == "enterprise", Record.id.in_(sorted(first.values())))
    ):
        label = str(content.get("ward") or "")
        if ward_key(label):
            labels.setdefault(ward_key(label), label)
    for key, label in session.execute(
        select(AreaWard.ward_key, AreaWard.ward).order_by(AreaWard.id)
    ).tuples():
        labels.setdefault(key, label)
    return labels


def _known(session: Session, ward: str, cleaned: tuple[str, str]) -> tuple[str, str]:
    """The known ward *ward* names (its key and label); AreaError naming the closest known wards if none."""
    labels = known_wards(session)
    for key in typed_keys(cleaned[1]):
        if key in labels:
            return key, labels[key]
    close = closest_wards(ward, sorted(labels.values(), key=ward_key))
    code = "unknown_area_ward" if close else "unknown_area_ward_no_suggestion"
    choices = ", ".join(close)
    raise AreaError(
        f"ward {ward!r} is no ward of the registry or of anyone's area"
        + (f"; the closest: {choices}" if close else "")
        + "; nothing was changed",
        Problem("ward", code, {"value": cleaned[1], "choices": choices}),
    )


def assign_wards(
    engine: Engine, name: str, wards: Iterable[str], *, by: str, known_only: bool = False
) -> Area:
    """Add *wards* to *name*'s area (those already there are kept as they are).

    *known_only* (the dashboard): each ward must be one the server knows (``known_wards``), typed as the laptop
    folds text, and is stored as the server writes it; a ward matching none refuses the whole change, naming the
    closest."""
    typed = list(wards)
    cleaned = [_clean_ward(w) for w in typed]
    if not cleaned:
        raise AreaError("name at least one ward", Problem("ward", "missing", {}))
    with write_session(engine) as session:
        user = _user(session, name)
        _refuse_viewer(user)
        if known_only:
            cleaned = [_known(session, w, c) for w, c in zip(typed, cleaned, strict=True)]
        have = set(session.scalars(select(AreaWard.ward_key).where(AreaWard.user_id == user.id)))
        now = datetime.now(UTC)
        added = False
        for key, label in cleaned:
            if key not in have:
                session.add(
                    AreaWard(user_id=user.id, ward_key=key, ward=label, assigned_at=now, assigned_by=by)
                )
                have.add(key)
                added = True
        if added:
            bump_scopes(session, [user.id])
        session.flush()
        known = registry_ward_keys(session)
        return _area(session, user, [label for key, label in cleaned if key not in known])


def unassign_wards(engine: Engine, name: str, wards: Iterable[str]) -> Area:
    """Remove *wards* from *name*'s area; refuses (changing nothing) if one of them is not in it."""
    cleaned = [_clean_ward(w) for w in wards]
    if not cleaned:
        raise AreaError("name at least one ward")
    with write_session(engine) as session:
        user = _user(session, name)
        have = set(session.scalars(select(AreaWard.ward_key).where(AreaWard.user_id == user.id)))
        missing = [label for key, label in cleaned if key not in have]
        if missing:
            raise AreaError(
                f"not in {user.name!r}'s area: {', '.join(missing)}; nothing was changed",
                Problem("ward", "not_in_area", {"value": ", ".join(missing), "other": user.name}),
            )
        session.execute(
            delete(AreaWard).where(
                AreaWard.user_id == user.id, AreaWard.ward_key.in_([k for k, _ in cleaned])
            )
        )
        bump_scopes(session, [user.id])
        session.flush()
        return _area(session, user)


def _find_enterprise(session: Session, ref: str) -> str:
    text = ref.strip()
    try:
        return str(uuid.UUID(text))
    except ValueError:
        pass
    try:
        code = normalise_tax_code(text)
    except ValueError:
        raise AreaError(f"{ref!r} is neither an enterprise id nor a tax code") from None
    found = session.scalar(
        select(Record.id).where(
            Record.kind == "enterprise", Record.tax_code == code, Record.deleted.is_(False)
        )
    )
    if found is None:
        raise AreaNotFound(f"there is no enterprise with tax code {code}")
    return found


def assign_enterprise(engine: Engine, ref: str, name: str, *, by: str) -> Area:
    """Assign one enterprise (by id or tax code) to *name* directly; its ``assigned_to`` becomes their name."""
    with write_session(engine) as session:
        write_alone(session)
        user = _user(session, name)
        _refuse_viewer(user)
        batch = Batch(now=datetime.now(UTC), user=by, device_id=None)
        enterprise_id = _find_enterprise(session, ref)
        state = load_states(session, "enterprise", [enterprise_id]).get(("enterprise", enterprise_id))
        if state is None or state.deleted:
            raise AreaNotFound(f"there is no enterprise with id {enterprise_id}")
        row = session.get(EnterpriseAssignee, enterprise_id)
        bump_scopes(session, [user.id] + ([row.user_id] if row is not None else []))
        if row is None:
            session.add(
                EnterpriseAssignee(
                    enterprise_id=enterprise_id, user_id=user.id, assigned_at=batch.now, assigned_by=by
                )
            )
        else:
            row.user_id, row.assigned_at, row.assigned_by = user.id, batch.now, by
        if state.content.get("assigned_to") != user.name:
            record = Enterprise.parse({**state.content, "assigned_to": user.name})
            batch.write(("enterprise", enterprise_id), record.content(), record.content_hash, state)
            batch.flush(session)
        session.flush()
        return _area(session, user)


def list_areas(engine: Engine) -> list[Area]:
    """Every user who is not a viewer, with their area, by name (users with no area too: they pull nothing)."""
    with read_session(engine) as session:
        users = session.scalars(
            select(User).where(User.revoked_at.is_(None), User.role != "viewer").order_by(User.name)
        )
        return [_area(session, u) for u in users]


def area_of(session: Session, name: str) -> Area:
    """The area of the user *name* (for ``/me``)."""
    return _area(session, _user(session, name))


def in_area(user_id: int, record: type[Record] | Any = Record) -> ColumnElement[bool]:
    """SQL: the enterprise row *record* is in the area of the user *user_id* (its ward, or assigned directly)."""
    return or_(
        record.ward_key.in_(select(AreaWard.ward_key).where(AreaWard.user_id == user_id)),
        record.id.in_(select(EnterpriseAssignee.enterprise_id).where(EnterpriseAssignee.user_id == user_id)),
    )


def visible_to(user_id: int) -> ColumnElement[bool]:
    """SQL: the row of ``records`` is an enterprise of the user's area, or a visit (anyone's) or a founding case of
    one of them."""
    enterprise = aliased(Record)
    area_ids = select(enterprise.id).where(enterprise.kind == "enterprise", in_area(user_id, enterprise))
    return or_(
        (Record.kind == "enterprise") & in_area(user_id),
        (Record.kind != "enterprise") & Record.enterprise_id.in_(area_ids),
    )


@dataclass
class AreaScope:
    """A cadre's area as a push checks it: ward keys and enterprises assigned directly (and claimed in this push)."""

    user_id: int
    ward_keys: frozenset[str]
    enterprise_ids: set[str]
    claimed: list[str] = field(default_factory=list)

    def holds(self, enterprise_id: str, key: str) -> bool:
        """Is the enterprise (whose ward has *key*) in the area."""
        return (bool(key) and key in self.ward_keys) or enterprise_id in self.enterprise_ids

    def claim(self, enterprise_id: str) -> None:
        """A new enterprise with no ward, found by this cadre: assigned to them directly."""
        self.enterprise_ids.add(enterprise_id)
        self.claimed.append(enterprise_id)

    def save_claims(self, session: Session, now: datetime) -> None:
        if not self.claimed:
            return
        user = session.get(User, self.user_id)
        by = user.name if user is not None else ""
        for enterprise_id in self.claimed:
            session.merge(
                EnterpriseAssignee(
                    enterprise_id=enterprise_id, user_id=self.user_id, assigned_at=now, assigned_by=by
                )
            )
        self.claimed.clear()


def load_area(session: Session, user_id: int) -> AreaScope:
    """The user's area for checking a push."""
    keys = frozenset(session.scalars(select(AreaWard.ward_key).where(AreaWard.user_id == user_id)))
    ids = set(
        session.scalars(select(EnterpriseAssignee.enterprise_id).where(EnterpriseAssignee.user_id == user_id))
    )
    return AreaScope(user_id, keys, ids)


def assign_directly(session: Session, assignees: dict[str, str | None], *, by: str, now: datetime) -> None:
    """The office set ``assigned_to`` on these enterprises (a push or an import by an admin): that is their direct
    assignment. A name that is no user assigns to nobody. The users who lose or gain a firm pull their area again."""
    names = {name for name in assignees.values() if name}
    ids = dict(session.execute(select(User.name, User.id).where(User.name.in_(sorted(names)))).tuples().all())
    rows = {
        row.enterprise_id: row
        for row in session.scalars(
            select(EnterpriseAssignee).where(EnterpriseAssignee.enterprise_id.in_(sorted(assignees)))
        )
    }
    moved: set[int] = set()
    for enterprise_id, name in assignees.items():
        row = rows.get(enterprise_id)
        user_id = ids.get(name) if name else None
        if row is not None and row.user_id != user_id:
            moved.add(row.user_id)
            session.delete(row)
        if user_id is not None and (row is None or row.user_id != user_id):
            session.add(
                EnterpriseAssignee(
                    enterprise_id=enterprise_id, user_id=user_id, assigned_at=now, assigned_by=by
                )
            )
            moved.add(user_id)
    session.flush()
    if moved:
        bump_scopes(session, sorted(moved))
