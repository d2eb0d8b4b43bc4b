"""Push: validate every item, then apply the batch in one write transaction with per-item results.

Validation (pydantic, CPU only) runs before the transaction. The transaction first takes its change numbers, then
locks the rows of the records it reads and writes, so what it reads stays current while other pushes run beside
it; two pushes of the same new id clash on the primary key, and the one redone gives ``duplicate``. Pull never
skips a change (sync/server/changeseq.py). A rejected item writes nothing; the others are written in a few bulk
statements.

A value the database will not store (a data error: a NUL byte or a lone surrogate PostgreSQL refuses, a value
over a limit, a number JSON cannot hold) never fails the batch: the batch is rolled back, each item is tried alone
in a transaction that is then rolled back too, and the ones the database refuses are answered ``rejected``
(``unstorable``, in both languages) while the rest is stored. The log names such an item by kind, id and error
class only: the database's message quotes the value, and the log must never hold record content.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import Engine, select
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from fieldapp.core.errors import Problem, RecordError
from fieldapp.core.kinds import MODELS
from fieldapp.core.records import canonical_id, content_hash
from fieldapp.core.text import control_characters
from fieldapp.core.wards import ward_key
from sync.protocol import FieldProblem, ItemResult, PushItem, PushRequest, PushResponse, ResultStatus
from sync.server.areas import AreaScope, assign_directly, load_area
from sync.server.changeseq import write_alone
from sync.server.db import write_session
from sync.server.errors import ApiError, problem, server_problem
from sync.server.models import Conflict
from sync.server.recordstore import (
    Batch,
    Key,
    State,
    close_conflicts,
    load_states,
    load_tax_codes,
    load_versions,
    lock_records,
)
from sync.server.users import UserInfo

__all__ = ["apply_in_session", "push", "today_for_validation"]

_ATTEMPTS = 3

log = logging.getLogger("sync.server")

Failure = Literal["data", "integrity", "busy"]


def today_for_validation() -> date:
    """The latest date anyone on Earth may call today (UTC+14), so no laptop's today is "in the future"."""
    return (datetime.now(UTC) + timedelta(hours=14)).date()


@dataclass
class _Prepared:
    index: int
    item: PushItem
    key: Key
    content: dict[str, Any] | None = None
    content_hash: str = ""
    errors: list[FieldProblem] = field(default_factory=list)


def _prepare(index: int, item: PushItem, today: date) -> _Prepared:
    try:
        rid = canonical_id(item.id)
    except ValueError:
        prepared = _Prepared(index, item, (item.kind, item.id))
        prepared.errors = [problem(Problem("id", "not_a_uuid", {}))]
        return prepared
    prepared = _Prepared(index, item, (item.kind, rid))
    data = dict(item.record)
    data.setdefault("id", rid)
    try:
        record = MODELS[item.kind].parse(data, today=today)
    except RecordError as exc:
        prepared.errors = [problem(p) for p in exc.problems]
        return prepared
    if record.id != rid:
        prepared.errors = [problem(Problem("id", "id_mismatch", {"value": record.id}))]
        return prepared
    prepared.content = record.content()
    try:
        prepared.content_hash = content_hash(prepared.content)
    except (TypeError, ValueError) as exc:  # a value JSON cannot hold, e.g. an integer beyond 64 bits
        _set_aside(prepared, exc)
    return prepared


def _set_aside(p: _Prepared, exc: BaseException) -> None:
    """Answer *p* ``rejected``/``unstorable``: the database (or JSON) cannot hold it. Logs no content."""
    log.warning("push: %s %s cannot be stored (%s)", p.key[0], p.key[1], _describe(exc))
    p.content = None
    p.errors = [server_problem("record", "unstorable", value=type(exc).__name__)]


def _describe(exc: BaseException) -> str:
    """The error's class and SQLSTATE, never its message (which quotes the refused value)."""
    orig = getattr(exc, "orig", None) or exc
    state = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None)
    return f"{type(orig).__name__} {state}" if state else type(orig).__name__


def _failure(engine: Engine, exc: BaseException) -> Failure | None:
    """What kind of database failure *exc* is (SQLAlchemy's, or the driver's own from a COPY), or None."""
    dbapi = engine.dialect.loaded_dbapi
    if isinstance(exc, (DataError, dbapi.DataError)):
        return "data"
    if isinstance(exc, (IntegrityError, dbapi.IntegrityError)):
        return "integrity"
    if isinstance(exc, (OperationalError, dbapi.OperationalError)):
        return "busy"
    return None


def _check_device(device_id: str) -> None:
    """The device id is stored with every version: refuse control characters in it (422) as in any record text."""
    found = control_characters(device_id)
    if found:
        shown = ", ".join(f"U+{ord(ch):04X}" for ch in found)
        raise ApiError(
            422,
            "invalid_request",
            f"invalid request: device_id must not contain control characters ({shown})",
            [problem(Problem("device_id", "control_character", {"value": shown}))],
        )


def _check_forged(user: UserInfo, items: list[_Prepared]) -> None:
    """A cadre may only send visits in their own name: otherwise the whole request is refused (403)."""
    if user.is_admin:
        return
    forged = [
        problem(Problem("cadre", "forged_cadre", {"value": user.name}), f"items.{p.index}.record.")
        for p in items
        if p.item.kind == "visit" and p.content is not None and p.content["cadre"] != user.name
    ]
    if forged:
        raise ApiError(
            403,
            "forged_cadre",
            f"{len(forged)} visit(s) name a cadre other than {user.name!r}; nothing was stored",
            forged,
        )


def push(engine: Engine, user: UserInfo, request: PushRequest) -> PushResponse:
    """Apply a push request: one result per item, in order. Raises ApiError (403 forged cadre, 503 database busy)."""
    _check_device(request.device_id)
    today = today_for_validation()
    prepared = [_prepare(i, item, today) for i, item in enumerate(request.items)]
    _check_forged(user, prepared)
    for attempt in range(_ATTEMPTS):
        try:
            return PushResponse(results=_apply(engine, user, request.device_id, today, prepared))
        except Exception as exc:
            failure = _failure(engine, exc)
            if failure is None:
                raise
            last = attempt == _ATTEMPTS - 1
            # a uniqueness clash is first taken for a race and redone; again, it is about the records
            if failure == "data" or (failure == "integrity" and attempt > 0):
                if last or not _probe(engine, user, request.device_id, today, prepared):
                    # nothing refused alone, or refused again: what is left cannot be stored together
                    for p in prepared:
                        if p.content is not None:
                            _set_aside(p, exc)
                continue
            # a rolled-back batch is always safe to redo from scratch
            if last:
                raise ApiError(
                    503,
                    "busy",
                    f"the database could not take the batch; retry later ({type(exc).__name__})",
                    headers={"Retry-After": "1"},
                ) from exc
            time.sleep(0.05 * (attempt + 1))
    # every attempt met a refusal and every item it could concern is now set aside: nothing is left to write
    return PushResponse(results=_apply(engine, user, request.device_id, today, prepared))


def _apply(
    engine: Engine, user: UserInfo, device_id: str, today: date, items: list[_Prepared]
) -> list[ItemResult]:
    with write_session(engine) as session:
        return _Applier(session, user, device_id, today).run(items)


class _ProbeDone(Exception):
    """Ends a probe's transaction with a rollback."""


def _probe(engine: Engine, user: UserInfo, device_id: str, today: date, items: list[_Prepared]) -> bool:
    """Try each valid item alone, in order, in one transaction rolled back at the end; set aside those the
    database refuses. Whether any was."""
    found = False
    try:
        with write_session(engine) as session:
            write_alone(session)  # one savepoint per item: several flushes in one transaction
            for p in items:
                if p.content is None:
                    continue
                try:
                    with session.begin_nested():
                        _Applier(session, user, device_id, today).run([p])
                except Exception as exc:
                    if _failure(engine, exc) not in ("data", "integrity"):
                        raise
                    _set_aside(p, exc)
                    found = True
            raise _ProbeDone
    except _ProbeDone:
        pass
    return found


def apply_in_session(
    session: Session, user: UserInfo, device_id: str, items: list[PushItem]
) -> list[ItemResult]:
    """Apply *items* as one push inside the caller's write transaction (the office import: all or nothing)."""
    today = today_for_validation()
    prepared = [_prepare(i, item, today) for i, item in enumerate(items)]
    _check_forged(user, prepared)
    return _Applier(session, user, device_id, today).run(prepared)


class _Applier:
    """Decides each item's fate against the current state and collects the writes."""

    def __init__(self, session: Session, user: UserInfo, device_id: str, today: date) -> None:
        self.session, self.user, self.today = session, user, today
        self.batch = Batch(now=datetime.now(UTC), user=user.name, device_id=device_id)
        #: existing records this user's push changed from their current version (see close_conflicts)
        self.settled: set[Key] = set()
        #: enterprise id -> the user the office's push assigned it to (None: nobody)
        self.assignments: dict[str, str | None] = {}
        self.area: AreaScope | None = None

    def run(self, items: list[_Prepared]) -> list[ItemResult]:
        valid = [p for p in items if p.content is not None]
        enterprise_ids = {p.key[1] for p in valid if p.item.kind == "enterprise"}
        enterprise_ids |= {str(p.content["enterprise_id"]) for p in valid if p.item.kind != "enterprise"}  # type: ignore[index]
        # numbers first, then the rows this batch reads and writes (see sync/server/changeseq.py)
        self.batch.reserve(self.session, len(valid))
        lock_records(self.session, [p.key for p in valid] + [("enterprise", e) for e in enterprise_ids])
        self.states = load_states(self.session, "enterprise", enterprise_ids)
        for kind in ("visit", "founding_case"):
            self.states.update(
                load_states(self.session, kind, [p.key[1] for p in valid if p.item.kind == kind])
            )
        self._check_owners(valid)
        self.area = None if self.user.is_admin else load_area(self.session, self.user.id)
        codes = [
            p.content["tax_code"]  # type: ignore[index]
            for p in valid
            if p.item.kind == "enterprise" and p.content["tax_code"]  # type: ignore[index]
        ]
        self.tax_codes = load_tax_codes(self.session, codes)
        stale = [
            p.key for p in valid if p.key in self.states and self.states[p.key].content_hash != p.content_hash
        ]
        self.versions = load_versions(self.session, stale) if stale else {}
        results = [self._one(p) for p in items]
        self.batch.flush(self.session)
        if self.area is not None:
            self.area.save_claims(self.session, self.batch.now)
        if self.assignments:
            assign_directly(self.session, self.assignments, by=self.user.name, now=self.batch.now)
        # after the flush, so a conflict filed earlier in this batch (the id sent twice) is closed too
        close_conflicts(self.session, self.settled, self.user.name, self.batch.now)
        return results

    def _check_owners(self, valid: list[_Prepared]) -> None:
        if self.user.is_admin:
            return
        theirs = [
            problem(Problem("id", "not_your_visit", {}), f"items.{p.index}.")
            for p in valid
            if p.item.kind == "visit" and p.key in self.states and self.states[p.key].owner != self.user.name
        ]
        if theirs:
            raise ApiError(
                403,
                "not_your_visit",
                f"{len(theirs)} visit(s) belong to another cadre; nothing was stored",
                theirs,
            )

    # --- one item ------------------------------------------------------------------------------------
    def _result(
        self,
        p: _Prepared,
        status: ResultStatus,
        *,
        server_version: int | None = None,
        conflict: Literal["soft", "hard"] | None = None,
        conflict_fields: list[str] | None = None,
        record: dict[str, Any] | None = None,
        errors: list[FieldProblem] | None = None,
    ) -> ItemResult:
        return ItemResult(
            kind=p.item.kind,
            id=p.item.id,
            rev=p.item.rev,
            status=status,
            server_version=server_version,
            conflict=conflict,
            conflict_fields=conflict_fields or [],
            record=record,
            errors=errors or [],
        )

    def _one(self, p: _Prepared) -> ItemResult:
        if p.content is None:
            return self._result(p, "rejected", errors=p.errors)
        cur = self.states.get(p.key)
        if cur is None:
            return self._store(p, p.content, p.content_hash, None)
        if cur.deleted:
            deleted = problem(Problem("id", "record_deleted", {}))
            return self._result(p, "rejected", server_version=cur.version, errors=[deleted])
        if cur.content_hash == p.content_hash:
            return self._result(p, "duplicate", server_version=cur.version)
        base = (
            p.item.base_version or 1
        )  # no base on a record the server has: the client's edits start at its creation
        history = self.versions.get(p.key, {})
        for version in sorted(history, reverse=True):
            if version >= base and history[version][0] == p.content_hash:
                # a resend of content the server already took (its answer was lost) and later changed
                return self._result(p, "duplicate", server_version=version)
        if base == cur.version:
            return self._store(p, p.content, p.content_hash, cur)
        if base > cur.version or base not in history or history[base][1] is None:
            unknown = problem(Problem("base_version", "unknown_base_version", {"value": base}))
            return self._result(p, "rejected", server_version=cur.version, errors=[unknown])
        return self._stale(p, cur, history[base][1])

    def _stale(self, p: _Prepared, cur: State, base: dict[str, Any]) -> ItemResult:
        assert p.content is not None
        fields = MODELS[p.item.kind].CONTENT_FIELDS
        mine = [f for f in fields if p.content.get(f) != base.get(f)]
        theirs = {f for f in fields if cur.content.get(f) != base.get(f)}
        model = MODELS[p.item.kind]
        # both sides setting a field to the same value is no disagreement
        clash = [f for f in mine if f in theirs and p.content.get(f) != cur.content.get(f)]
        taken = {f: p.content[f] for f in mine}
        for name in list(clash):  # a field the kind merges itself (a founding case's history)
            merges, value = model.merge_field(
                name, base.get(name), p.content.get(name), cur.content.get(name)
            )
            if merges:
                taken[name] = value
                clash.remove(name)
        if not clash:
            try:
                merged = model.parse({**cur.content, **taken}, today=self.today)
            except RecordError as exc:  # each side valid, the two together not (e.g. seasonal > headcount)
                clash = sorted({pr.field for pr in exc.problems} & set(mine)) or mine
            else:
                if merged.content_hash == cur.content_hash:
                    return self._result(p, "duplicate", server_version=cur.version)
                return self._store(p, merged.content(), merged.content_hash, cur, merged_fields=mine)
        self._file_conflict(p, cur, clash)
        return self._result(
            p,
            "conflict",
            server_version=cur.version,
            conflict="hard",
            conflict_fields=clash,
            record=cur.content,
        )

    def _store(
        self,
        p: _Prepared,
        content: dict[str, Any],
        content_hash: str,
        prev: State | None,
        *,
        merged_fields: list[str] | None = None,
    ) -> ItemResult:
        """Store *content* as the record's next version: "accepted", or a soft conflict that merged these fields."""
        errors = self._write_problems(p.key, content, prev)
        if errors:
            return self._result(p, "rejected", server_version=prev.version if prev else None, errors=errors)
        state = self.batch.write(p.key, content, content_hash, prev)
        self.states[p.key] = state
        self.versions.setdefault(p.key, {})[state.version] = (content_hash, content)
        if p.key[0] == "enterprise":
            self._move_tax_code(p.key[1], prev, content)
            before = prev.content.get("assigned_to") if prev is not None else None
            if self.area is None and content.get("assigned_to") != before:  # the office assigns by this field
                self.assignments[p.key[1]] = content.get("assigned_to")
        if merged_fields is not None:
            return self._result(
                p,
                "conflict",
                server_version=state.version,
                conflict="soft",
                conflict_fields=merged_fields,
                record=content,
            )
        if prev is not None:
            self.settled.add(p.key)
        return self._result(p, "accepted", server_version=state.version)

    def _write_problems(self, key: Key, content: dict[str, Any], prev: State | None) -> list[FieldProblem]:
        """What stops *content* from being stored: unknown enterprise, taken tax code, changed cadre, a founding
        case of an enterprise outside the cadre's area."""
        if key[0] == "founding_case":
            return self._case_problems(content)
        if key[0] == "visit":
            enterprise = self.states.get(("enterprise", str(content["enterprise_id"])))
            if enterprise is None or enterprise.deleted:
                value = content["enterprise_id"]
                return [problem(Problem("enterprise_id", "unknown_enterprise", {"value": value}))]
            if prev is not None and prev.owner != content["cadre"]:
                return [problem(Problem("cadre", "cadre_changed", {"value": prev.owner}))]
            return []
        if self.area is not None:
            refused = self._area_problems(key[1], content, prev)
            if refused:
                return refused
        code = content.get("tax_code")
        holder = self.tax_codes.get(code) if code else None
        if holder is not None and holder[0] != key[1]:
            return [problem(Problem("tax_code", "duplicate_tax_code", {"value": code, "other": holder[1]}))]
        return []

    def _case_problems(self, content: dict[str, Any]) -> list[FieldProblem]:
        """A founding case names a live enterprise; a cadre records cases of their area's enterprises only (the
        enterprise as the server holds it now: this push's own version of it included)."""
        enterprise_id = str(content["enterprise_id"])
        enterprise = self.states.get(("enterprise", enterprise_id))
        if enterprise is None or enterprise.deleted:
            return [problem(Problem("enterprise_id", "unknown_enterprise", {"value": enterprise_id}))]
        ward = enterprise.content.get("ward") or ""
        if self.area is not None and not self.area.holds(enterprise_id, ward_key(ward)):
            return [problem(Problem("enterprise_id", "out_of_area", {"value": ward}))]
        return []

    def _area_problems(self, rid: str, content: dict[str, Any], prev: State | None) -> list[FieldProblem]:
        """A cadre creates and edits enterprises of their area only, and leaves ``assigned_to`` to the office.

        A new enterprise with no ward is the cadre's find: it is assigned to them directly (see docs/sync.md).
        """
        assert self.area is not None
        if prev is not None and content.get("assigned_to") != prev.content.get("assigned_to"):
            office = prev.content.get("assigned_to") or ""
            return [problem(Problem("assigned_to", "assigned_by_office", {"value": office}))]
        ward = ward_key(content.get("ward") or "")
        if prev is None:
            if not ward:
                self.area.claim(rid)
                return []
            if self.area.holds(rid, ward):
                return []
            return [problem(Problem("ward", "out_of_area", {"value": content.get("ward") or ""}))]
        if self.area.holds(rid, ward_key(prev.content.get("ward") or "")):
            return []  # theirs: they may edit it, even move it to a ward outside their area
        return [problem(Problem("ward", "out_of_area", {"value": prev.content.get("ward") or ""}))]

    def _move_tax_code(self, rid: str, prev: State | None, content: dict[str, Any]) -> None:
        old = prev.content.get("tax_code") if prev else None
        if old and self.tax_codes.get(old, ("",))[0] == rid:
            del self.tax_codes[old]
        if content.get("tax_code"):
            self.tax_codes[content["tax_code"]] = (rid, str(content.get("name", "")))

    def _file_conflict(self, p: _Prepared, cur: State, fields: list[str]) -> None:
        kind, rid = p.key
        already = self.session.scalar(
            select(Conflict.id).where(
                Conflict.kind == kind,
                Conflict.record_id == rid,
                Conflict.client_hash == p.content_hash,
                Conflict.resolved_at.is_(None),
            )
        )
        if already is not None or any(
            c["record_id"] == rid and c["client_hash"] == p.content_hash for c in self.batch.conflicts
        ):
            return  # the same disagreement resent: one open conflict is enough
        self.batch.conflicts.append(
            {
                "kind": kind,
                "record_id": rid,
                "base_version": p.item.base_version,
                "server_version": cur.version,
                "fields": fields,
                "client_content": p.content,
                "client_hash": p.content_hash,
                "submitted_by": self.user.name,
                "device_id": self.batch.device_id,
                "created_at": self.batch.now,
                "resolved_at": None,
                "resolved_by": None,
                "resolution": None,
            }
        )
