"""Reads for the API: the change feed (pull) and the paged listings.

A cadre sees the enterprises of their area (its wards, and those assigned to them directly), every visit to them,
whoever logged it, and their founding cases; admins and viewers see everything (sync/server/areas.py). A pull
names the kinds it wants; one that names none gets the kinds of protocol 3 (enterprises and visits), so a laptop
that predates founding cases is never handed one. Each pull page carries the
user's scope version: when it moves, the laptop pulls its area again from the start and drops what left it.
Every pull page names the database (its epoch) and its newest sequence number (head), so a laptop can tell that
its cursor belongs to another database (see sync/server/identity.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, func, or_, select, true
from sqlalchemy.orm import Session

from sync.protocol import CURSOR_AHEAD, PROTOCOL_3_KINDS, Change, Kind, PullResponse, RecordRef
from sync.server.areas import visible_to
from sync.server.changeseq import horizon
from sync.server.errors import ApiError
from sync.server.identity import epoch
from sync.server.models import SEQ_COUNTER, Counter, Record, RecordVersion, User, as_utc
from sync.server.schemas import RecordOut, RecordPage, VersionOut, VersionPage
from sync.server.users import UserInfo

__all__ = ["changes", "head", "list_records", "record_versions"]


def _visible(user: UserInfo) -> ColumnElement[bool]:
    if user.sees_everything:
        return true()
    return visible_to(user.id)


def _served(below: int | None) -> list[ColumnElement[bool]]:
    """The rows a pull may hand out: on PostgreSQL those written by transactions older than *below*, the oldest
    one in flight (rows from before migration 0007 have no xid: long committed). See sync/server/changeseq.py."""
    return [] if below is None else [or_(Record.xid.is_(None), Record.xid < below)]


def head(session: Session, below: int | None = None) -> int:
    """The newest sequence number a pull may serve: the counter on SQLite (one writer at a time, it moves with its
    records); on PostgreSQL the newest row's written by a transaction older than *below* (default: the oldest one in
    flight now)."""
    if session.connection().dialect.name != "postgresql":
        return int(session.execute(select(Counter.value).where(Counter.name == SEQ_COUNTER)).scalar_one())
    if below is None:
        below = horizon(session)
    return int(session.scalar(select(func.max(Record.seq)).where(*_served(below))) or 0)


def changes(
    session: Session,
    user: UserInfo,
    since: int,
    limit: int,
    kinds: Sequence[Kind] = PROTOCOL_3_KINDS,
    *,
    naive: bool = False,
    held: bool = False,
) -> PullResponse:
    """The changes after *since* to records of *kinds*, in seq order: each record once, at its latest change
    (deletions included). On PostgreSQL only changes below the horizon of the oldest writer in flight, so a change
    still to commit is never passed over; ``naive`` drops that horizon (the race's baseline in the tests).
    With *held*, the last page also lists the live records of the user's view beyond its cursor (``_held``).

    Raises ApiError 409 ``cursor_ahead`` when *since* is beyond the newest sequence number: the laptop's cursor
    comes from another database, or from this one before it was restored from a backup.
    """
    # taken before the rows: a transaction older than it had ended before the rows' (later) snapshot, so all its
    # rows are read; the head is read after the rows with the same horizon, so it is never below a change served
    below = None if naive else horizon(session)
    cols = (Record.seq, Record.kind, Record.id, Record.version, Record.deleted, Record.content)
    where = [Record.seq > since, _visible(user), Record.kind.in_(sorted(set(kinds))), *_served(below)]
    stmt = select(*cols).where(*where).order_by(Record.seq).limit(limit + 1)
    rows = session.execute(stmt).all()
    newest = int(session.scalar(select(func.max(Record.seq))) or 0) if naive else head(session, below)
    if since > newest:
        raise ApiError(
            409,
            CURSOR_AHEAD,
            f"cursor {since} is beyond this database's newest change ({newest}): it comes from another database "
            "or from before a restore; pull again from 0",
        )
    page = rows[:limit]
    out = [
        Change(
            seq=seq,
            kind=kind,
            id=rid,
            op="delete" if deleted else "upsert",
            server_version=version,
            record=None if deleted else content,
        )
        for seq, kind, rid, version, deleted, content in page
    ]
    cursor, has_more = page[-1][0] if page else since, len(rows) > limit
    # left unset unless asked for: the route leaves unset fields out, and a laptop of protocol 4 refuses the key
    listed = {"held": _held(session, user, cursor, kinds)} if held and not has_more else {}
    return PullResponse(
        changes=out,
        next_cursor=cursor,
        has_more=has_more,
        epoch=epoch(session),
        head=newest,
        scope=_scope(session, user),
        **listed,
    )


def _held(session: Session, user: UserInfo, cursor: int, kinds: Sequence[Kind]) -> list[RecordRef]:
    """The live records of the user's view (of *kinds*) beyond *cursor*, read after the last page's rows.

    On the last page every change of the view after the pull's cursor was served, so a record here was written
    behind a transaction still in flight (or committed since the page was read): the pull could not hand it out,
    and a later one will. Any record of the view not served by the pull's pages is here, as of this statement,
    which comes after every write the laptop was answered for: a laptop that completes a new scope drops only
    what is in neither, what the server has said is outside the view as of a moment after its last write. The
    seq index bounds the scan to the few rows beyond the cursor."""
    stmt = (
        select(Record.kind, Record.id)
        .where(
            Record.seq > cursor,
            Record.deleted.is_(False),
            _visible(user),
            Record.kind.in_(sorted(set(kinds))),
        )
        .order_by(Record.seq)
    )
    return [RecordRef(kind=kind, id=rid) for kind, rid in session.execute(stmt).tuples()]


def _scope(session: Session, user: UserInfo) -> str:
    if user.sees_everything:
        return "all"
    version = session.scalar(select(User.scope_version).where(User.id == user.id))
    return f"area-{user.id}-{version or 0}"


def list_records(session: Session, user: UserInfo, kind: str, offset: int, limit: int) -> RecordPage:
    """One page of the live records of *kind* the user may see, ordered by id."""
    where = [Record.kind == kind, Record.deleted.is_(False), _visible(user)]
    cols = (Record.id, Record.version, Record.content)
    total = int(session.scalar(select(func.count()).select_from(Record).where(*where)) or 0)
    rows = session.execute(select(*cols).where(*where).order_by(Record.id).offset(offset).limit(limit)).all()
    items = [
        RecordOut(kind=kind, id=rid, server_version=version, record=content)  # type: ignore[arg-type]
        for rid, version, content in rows
    ]
    next_offset = offset + len(items) if offset + len(items) < total else None
    return RecordPage(items=items, offset=offset, limit=limit, total=total, next_offset=next_offset)


def record_versions(session: Session, user: UserInfo, kind: Kind, record_id: str) -> VersionPage:
    """Every version the server keeps of one record the user may see, oldest first (a founding case's history
    across laptops). Raises ApiError 404 when there is no such record or it is outside the user's area."""
    seen = session.scalar(
        select(Record.id).where(Record.kind == kind, Record.id == record_id, _visible(user))
    )
    if seen is None:
        raise ApiError(404, "not_found", f"there is no {kind} with id {record_id}")
    rows = session.execute(
        select(
            RecordVersion.version,
            RecordVersion.content,
            RecordVersion.created_at,
            RecordVersion.created_by,
            RecordVersion.device_id,
        )
        .where(RecordVersion.kind == kind, RecordVersion.id == record_id)
        .order_by(RecordVersion.version)
    ).all()
    items = [
        VersionOut(version=v, record=c, created_at=as_utc(at), created_by=by, device_id=dev)  # type: ignore[arg-type]
        for v, c, at, by, dev in rows
    ]
    return VersionPage(kind=kind, id=record_id, items=items)
