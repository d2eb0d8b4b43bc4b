"""Admin-side writes: deleting an enterprise (with its visits and founding cases), listing and resolving conflicts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fieldapp.core.errors import RecordError
from fieldapp.core.kinds import MODELS, Kind
from sync.server.changeseq import write_alone
from sync.server.db import write_session
from sync.server.errors import ApiError, problem
from sync.server.models import Conflict, Record, as_utc
from sync.server.push import today_for_validation
from sync.server.recordstore import Batch, State, load_states
from sync.server.schemas import ConflictOut, ConflictPage, DeleteResult, ResolveRequest
from sync.server.users import UserInfo

__all__ = ["delete_enterprise", "list_conflicts", "resolve_conflict"]


def delete_enterprise(engine: Engine, user: UserInfo, enterprise_id: str) -> DeleteResult:
    """Delete an enterprise, its visits and founding cases (tombstones, so pull hands the deletions to every
    laptop)."""
    with write_session(engine) as session:
        write_alone(session)
        batch = Batch(now=datetime.now(UTC), user=user.name, device_id=None)
        state = load_states(session, "enterprise", [enterprise_id]).get(("enterprise", enterprise_id))
        if state is None or state.deleted:
            raise ApiError(404, "not_found", f"there is no enterprise with id {enterprise_id}")
        done = batch.write(
            ("enterprise", enterprise_id), state.content, state.content_hash, state, deleted=True
        )
        gone: dict[str, int] = {}
        for kind in ("visit", "founding_case"):
            ids = session.scalars(
                select(Record.id).where(
                    Record.kind == kind, Record.enterprise_id == enterprise_id, Record.deleted.is_(False)
                )
            ).all()
            states = load_states(session, kind, ids)
            for key, state in states.items():
                batch.write(key, state.content, state.content_hash, state, deleted=True)
            gone[kind] = len(states)
        batch.flush(session)
    return DeleteResult(
        kind="enterprise",
        id=enterprise_id,
        server_version=done.version,
        deleted_visits=gone["visit"],
        deleted_founding_cases=gone["founding_case"],
    )


def _conflict_out(row: Conflict, current: State | None) -> ConflictOut:
    return ConflictOut(
        id=row.id,
        kind=row.kind,
        record_id=row.record_id,
        base_version=row.base_version,  # type: ignore[arg-type]
        server_version=current.version if current else row.server_version,
        fields=list(row.fields),
        client_record=row.client_content,
        server_record=current.content if current and not current.deleted else None,
        submitted_by=row.submitted_by,
        created_at=as_utc(row.created_at),
        resolved_at=as_utc(row.resolved_at),
        resolved_by=row.resolved_by,
        resolution=row.resolution,
    )


def list_conflicts(session: Session, user: UserInfo, include_resolved: bool = False) -> ConflictPage:
    """Open conflicts (all for admins and viewers, who read everything; a cadre's own for a cadre), oldest first."""
    stmt = select(Conflict).order_by(Conflict.id)
    if not include_resolved:
        stmt = stmt.where(Conflict.resolved_at.is_(None))
    if not user.sees_everything:
        stmt = stmt.where(Conflict.submitted_by == user.name)
    rows = list(session.scalars(stmt.limit(1000)))
    states = {}
    for kind in MODELS:
        states.update(load_states(session, kind, [r.record_id for r in rows if r.kind == kind]))
    return ConflictPage(items=[_conflict_out(r, states.get((r.kind, r.record_id))) for r in rows])


def resolve_conflict(
    engine: Engine, user: UserInfo, conflict_id: int, request: ResolveRequest
) -> ConflictOut:
    """Settle a conflict: keep the server's version, or store the laptop's (or an edited) record on top of it."""
    with write_session(engine) as session:
        write_alone(session)
        batch = Batch(now=datetime.now(UTC), user=user.name, device_id=None)
        row = session.get(Conflict, conflict_id)
        if row is None or (not user.is_admin and row.submitted_by != user.name):
            raise ApiError(404, "not_found", f"there is no conflict {conflict_id}")
        if row.resolved_at is not None:
            raise ApiError(409, "already_resolved", f"conflict {conflict_id} was resolved ({row.resolution})")
        key = (row.kind, row.record_id)
        current = load_states(session, row.kind, [row.record_id]).get(key)
        if current is None or current.deleted:
            raise ApiError(409, "record_deleted", "the record was deleted on the server; nothing to resolve")
        if request.resolution != "server":
            source = row.client_content if request.resolution == "client" else request.record
            if source is None:
                raise ApiError(422, "invalid_request", "resolution `edit` needs `record`")
            try:
                record = MODELS[cast(Kind, row.kind)].parse(
                    {**source, "id": row.record_id}, today=today_for_validation()
                )
            except RecordError as exc:
                raise ApiError(
                    422, "invalid_record", "the record is not valid", [problem(p) for p in exc.problems]
                ) from None
            if row.kind == "visit" and record.content()["cadre"] != current.owner:
                raise ApiError(422, "invalid_record", "the cadre of an existing visit cannot change")
            if record.content_hash != current.content_hash:
                current = batch.write(key, record.content(), record.content_hash, current)
                try:
                    batch.flush(session)
                except IntegrityError:  # the tax code now belongs to another enterprise
                    raise ApiError(
                        409, "duplicate_tax_code", "another enterprise has this tax code"
                    ) from None
        session.execute(
            update(Conflict)
            .where(Conflict.id == conflict_id)
            .values(resolved_at=batch.now, resolved_by=user.name, resolution=request.resolution)
        )
        session.flush()
        session.refresh(row)
        return _conflict_out(row, current)
