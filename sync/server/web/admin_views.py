"""What the dashboard's admin pages show: cadres with their areas, and the conflicts waiting for a person.

Read with the functions the API and the CLI use (``areas.list_areas``, ``areas.in_area``, ``admin.list_conflicts``):
the page shows what a laptop's next pull and ``GET /api/v1/conflicts`` would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select

from sync.server.admin import list_conflicts
from sync.server.areas import Area, in_area, known_wards, list_areas
from sync.server.db import read_session
from sync.server.models import Record, RecordVersion, User, as_utc
from sync.server.schemas import ConflictOut
from sync.server.users import UserInfo

__all__ = ["CadreRow", "Clash", "ConflictRow", "cadre_rows", "conflict_rows", "known_ward_labels"]


@dataclass(frozen=True, slots=True)
class CadreRow:
    """One user who may work an area (a cadre, or an admin given one)."""

    area: Area
    #: live enterprises of the registry in the area: in one of its wards or assigned directly
    enterprises: int
    #: when a device of theirs last sent a change the server stored (None: never)
    last_sent: datetime | None


def cadre_rows(engine: Engine) -> list[CadreRow]:
    """Every cadre (with an area or not yet) and every admin given an area, by name, with the size of the area."""
    areas = [a for a in list_areas(engine) if a.role == "cadre" or a.wards or a.enterprises]
    with read_session(engine) as session:
        ids = dict(session.execute(select(User.name, User.id)).tuples().all())
        last = dict(
            session.execute(
                select(RecordVersion.created_by, func.max(RecordVersion.created_at))
                .where(RecordVersion.device_id.is_not(None))
                .group_by(RecordVersion.created_by)
            )
            .tuples()
            .all()
        )
        rows = []
        for area in areas:
            count = session.scalar(
                select(func.count())
                .select_from(Record)
                .where(Record.kind == "enterprise", Record.deleted.is_(False), in_area(ids[area.user]))
            )
            rows.append(CadreRow(area, int(count or 0), as_utc(last.get(area.user))))
        return rows


def known_ward_labels(engine: Engine) -> list[str]:
    """The wards the server knows (the registry's and the areas'), as written, for the ward field's suggestions."""
    with read_session(engine) as session:
        return sorted(known_wards(session).values())


@dataclass(frozen=True, slots=True)
class Clash:
    """One field both sides changed: the server's value and the laptop's."""

    field: str
    server: Any
    laptop: Any


@dataclass(frozen=True, slots=True)
class ConflictRow:
    """A conflict as the page shows it: what it is about, the clashing fields, and who last changed the server's."""

    conflict: ConflictOut
    #: the enterprise's name and id (the record's, or the visit's or case's enterprise)
    title: str
    enterprise_id: str
    clashes: list[Clash]
    server_by: str | None
    server_at: datetime | None


def conflict_rows(engine: Engine, user: UserInfo) -> list[ConflictRow]:
    """The open conflicts *user* may see (an admin or a viewer: all of them), oldest first."""
    with read_session(engine) as session:
        page = list_conflicts(session, user)
        ids = {c.record_id for c in page.items}
        changed = {
            (kind, rid): (by, at)
            for kind, rid, by, at in session.execute(
                select(Record.kind, Record.id, Record.updated_by, Record.updated_at).where(
                    Record.id.in_(sorted(ids))
                )
            ).tuples()
        }
        firm_ids = {
            str(record.get("enterprise_id"))
            for c in page.items
            if c.kind != "enterprise"
            for record in (c.server_record or c.client_record,)
        }
        names = {
            rid: str(content.get("name", ""))
            for rid, content in session.execute(
                select(Record.id, Record.content).where(
                    Record.kind == "enterprise", Record.id.in_(sorted(firm_ids))
                )
            ).tuples()
        }
    rows = []
    for c in page.items:
        server = c.server_record or {}
        record = c.server_record or c.client_record
        firm = c.record_id if c.kind == "enterprise" else str(record.get("enterprise_id"))
        title = str(record.get("name", "")) if c.kind == "enterprise" else names.get(firm, "")
        by, at = changed.get((c.kind, c.record_id), (None, None))
        clashes = [Clash(f, server.get(f), c.client_record.get(f)) for f in c.fields]
        rows.append(ConflictRow(c, title, firm, clashes, by, as_utc(at)))
    return rows
