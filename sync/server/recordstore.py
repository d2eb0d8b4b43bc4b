"""Bulk reads and writes of records for one push: a few queries per batch, never one per row."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from operator import itemgetter
from typing import Any, cast

import orjson
from sqlalchemy import (
    ARRAY,
    JSON,
    Column,
    ColumnElement,
    Connection,
    DateTime,
    Dialect,
    Select,
    String,
    Table,
    any_,
    bindparam,
    func,
    literal_column,
    select,
    update,
)
from sqlalchemy.orm import QueryableAttribute, Session

from fieldapp.core.wards import ward_key
from sync.server.changeseq import Numbers, reserve, take
from sync.server.models import (
    AreaWard,
    Conflict,
    MembershipChange,
    Record,
    RecordVersion,
    User,
)

__all__ = [
    "Batch",
    "State",
    "bump_scopes",
    "chunks",
    "close_conflicts",
    "load_states",
    "load_tax_codes",
    "load_versions",
    "lock_records",
    "membership_day",
]

#: Vietnam's time (no daylight saving): the day a membership change counts on is the office's day
VIETNAM = timezone(timedelta(hours=7))


def membership_day(moment: datetime) -> date:
    """The day a change accepted at *moment* counts on: its date in Vietnam's time."""
    return moment.astimezone(VIETNAM).date()


def office_today() -> date:
    """Today in Vietnam, whatever the server's clock zone: the day verdicts, months and progress are judged on."""
    return membership_day(datetime.now(UTC))


def _members(content: dict[str, Any]) -> int:
    try:
        return max(int(content.get("union_members") or 0), 0)
    except (TypeError, ValueError):
        return 0


_CHUNK = 500  # ids per IN (...) list: well under every driver's parameter limit

Key = tuple[str, str]  # (kind, id)


def chunks(values: Iterable[str], size: int = _CHUNK) -> Iterator[list[str]]:
    """*values* in lists of at most *size*."""
    batch: list[str] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass(slots=True)
class State:
    """A record as the server holds it (loaded, or as written earlier in the same batch)."""

    version: int
    content: dict[str, Any]
    content_hash: str
    owner: str | None
    deleted: bool
    in_db: bool = True


def _among(session: Session, column: QueryableAttribute[Any], values: list[str]) -> ColumnElement[bool]:
    """``column IN (values)`` with the values as one parameter: on PostgreSQL ``column = ANY(array)``, on SQLite
    ``column IN (SELECT value FROM json_each(json))``. SQLAlchemy renders a plain ``IN`` list as one parameter per
    value on every execution: PostgreSQL handled the array in a third of the time, SQLite the JSON list in 60-70%."""
    if session.connection().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(String)))
    listed: Select[Any] = select(literal_column("value")).select_from(
        func.json_each(bindparam(None, _json_text(values)))
    )
    return column.in_(listed)


def bump_scopes(session: Session, user_ids: Any) -> None:
    """What these users' areas hold changed: move their scope version, so their laptops pull the area afresh."""
    session.execute(update(User).where(User.id.in_(user_ids)).values(scope_version=User.scope_version + 1))


def lock_records(session: Session, keys: Iterable[Key]) -> None:
    """PostgreSQL: lock the stored rows of these records until commit, in key order (two pushes never deadlock on
    them), so what a push reads of them stays current until it writes. Records not stored yet are held by the
    primary key instead: a second push of the same new id fails and is redone, then finds it. SQLite has one writer
    at a time and needs nothing."""
    if session.connection().dialect.name != "postgresql":
        return
    by_kind: dict[str, set[str]] = {}
    for kind, rid in keys:
        by_kind.setdefault(kind, set()).add(rid)
    for kind in sorted(by_kind):
        for part in chunks(sorted(by_kind[kind])):
            session.execute(
                select(Record.id)
                .where(Record.kind == kind, _among(session, Record.id, part))
                .order_by(Record.id)
                .with_for_update()
            )


def load_states(session: Session, kind: str, ids: Iterable[str]) -> dict[Key, State]:
    """The current state of the records of *kind* with these ids (absent ones are left out)."""
    found: dict[Key, State] = {}
    cols = (Record.id, Record.version, Record.content, Record.content_hash, Record.owner, Record.deleted)
    for part in chunks(sorted(set(ids))):
        for rid, version, content, chash, owner, deleted in session.execute(
            select(*cols).where(Record.kind == kind, _among(session, Record.id, part))
        ):
            found[(kind, rid)] = State(version, content, chash, owner, deleted)
    return found


def load_versions(session: Session, keys: Iterable[Key]) -> dict[Key, dict[int, tuple[str | None, Any]]]:
    """Every stored version of these records: ``{key: {version: (content_hash, content)}}``."""
    found: dict[Key, dict[int, tuple[str | None, Any]]] = {}
    by_kind: dict[str, list[str]] = {}
    for kind, rid in keys:
        by_kind.setdefault(kind, []).append(rid)
    cols = (RecordVersion.id, RecordVersion.version, RecordVersion.content_hash, RecordVersion.content)
    for kind, ids in by_kind.items():
        for part in chunks(sorted(set(ids))):
            for rid, version, chash, content in session.execute(
                select(*cols).where(RecordVersion.kind == kind, _among(session, RecordVersion.id, part))
            ):
                found.setdefault((kind, rid), {})[version] = (chash, content)
    return found


def load_tax_codes(session: Session, codes: Iterable[str]) -> dict[str, tuple[str, str]]:
    """``{tax_code: (enterprise id, name)}`` for the live enterprises holding these codes."""
    found: dict[str, tuple[str, str]] = {}
    for part in chunks(sorted(set(codes))):
        stmt = select(Record.tax_code, Record.id, Record.content).where(
            Record.kind == "enterprise", _among(session, Record.tax_code, part)
        )
        for code, rid, content in session.execute(stmt):
            found[code] = (rid, str(content.get("name", "")))
    return found


def close_conflicts(session: Session, keys: Iterable[Key], user: str, now: datetime) -> None:
    """Mark *user*'s open conflicts on these records resolved by them, resolution "client".

    Called for the records a push of *user* changed from the server's current version: after the cadre chose
    "keep mine" on the laptop (its base is now the server's version), the accepted push settles the disagreement
    that cadre's earlier push had filed. Other cadres' conflicts on the record stay open: theirs still disagree.
    """
    by_kind: dict[str, list[str]] = {}
    for kind, rid in keys:
        by_kind.setdefault(kind, []).append(rid)
    for kind, ids in by_kind.items():
        for part in chunks(sorted(set(ids))):
            session.execute(
                update(Conflict)
                .where(
                    Conflict.kind == kind,
                    _among(session, Conflict.record_id, part),
                    Conflict.submitted_by == user,
                    Conflict.resolved_at.is_(None),
                )
                .values(resolved_at=now, resolved_by=user, resolution="client")
            )


def _insert_many(
    session: Session, table: Table, rows: list[dict[str, Any]], json_texts: dict[int, Any] | None = None
) -> None:
    """Insert *rows*: COPY on PostgreSQL, the driver's executemany on SQLite (the server's two databases).

    For the rows of a batch of 1,000 visits SQLAlchemy's insert() took 157 ms on PostgreSQL, longer than the rest
    of the push, and COPY 44 ms; on SQLite insert() took 34 ms and the driver's executemany 21 ms, 10% of a push
    (benchmarks/push_paths_bench.py, quiet machine, 2026-12-01). *json_texts* remembers each JSON value's text by
    the value's identity, for the length of one flush: a record's row and its version's row share one content
    dict, which is then dumped once.
    """
    memo = {} if json_texts is None else json_texts
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        _insert_sqlite(connection, table, rows, memo)
        return
    columns = [c.name for c in table.columns if c.name in rows[0]]
    json_columns = {c.name for c in table.columns if isinstance(c.type, JSON)}
    driver = connection.connection.driver_connection
    assert driver is not None
    quoted = ", ".join(f'"{name}"' for name in columns)
    get = itemgetter(*columns)
    texts = [i for i, name in enumerate(columns) if name in json_columns]
    with driver.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
        for row in rows:
            # JSON columns as orjson's text (COPY's text format takes any column as text): psycopg's Jsonb would
            # dump them with the stdlib json module
            values = list(get(row))
            for i in texts:
                value = values[i]
                if value is not None:
                    text = memo.get(id(value))
                    if text is None:
                        text = memo[id(value)] = _json_text(value)
                    values[i] = text
            copy.write_row(values)


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def _insert_sqlite(
    connection: Connection, table: Table, rows: list[dict[str, Any]], memo: dict[int, Any]
) -> None:
    # Each value goes through its column type's own bind processor (JSON, DateTime, Boolean), so the stored bytes
    # are the ones insert() would store, without SQLAlchemy's per-row parameter handling, which cost more than
    # SQLite's own work. exec_driver_sql keeps SQLAlchemy's error classes, which push's retry relies on.
    columns = [c for c in table.columns if c.name in rows[0]]
    get = itemgetter(*(c.name for c in columns))
    binds = [
        (i, bind) for i, c in enumerate(columns) if (bind := _bind_processor(c, connection.dialect, memo))
    ]
    params = []
    for row in rows:
        values = list(get(row))
        for i, bind in binds:  # only the few columns that have a processor; the others go as they are
            values[i] = bind(values[i])
        params.append(tuple(values))
    quoted = ", ".join(f'"{c.name}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    connection.exec_driver_sql(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})', params)


def _bind_processor(
    column: Column[Any], dialect: Dialect, memo: dict[int, Any]
) -> Callable[[Any], Any] | None:
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return None
    if isinstance(column.type, JSON):
        # one content dict serves a record's row and its version's row: dump it once
        def dumped(value: Any) -> Any:
            key = id(value)
            if key not in memo:
                memo[key] = process(value)
            return memo[key]

        return dumped
    if not isinstance(column.type, DateTime):
        return process
    # a batch stamps all its rows with one moment: format it once (same instant and offset, same text)
    done: dict[tuple[datetime, Any], Any] = {}

    def once(value: datetime | None) -> Any:
        if value is None:
            return process(value)
        key = (value, value.utcoffset())
        if key not in done:
            done[key] = process(value)
        return done[key]

    return once


@dataclass
class Batch:
    """The writes of one push (or admin action), flushed together; each write takes the next number of the change
    sequence (``seq`` counts them; the flush puts the sequence's numbers in their place, see changeseq)."""

    now: datetime
    user: str
    device_id: str | None
    inserts: dict[Key, dict[str, Any]] = field(default_factory=dict)
    updates: dict[Key, dict[str, Any]] = field(default_factory=dict)
    versions: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    #: ward keys an enterprise of the batch left or joined: the areas holding them lost or gained it with its past
    #: visits, so their laptops pull the area again
    moved_wards: set[str] = field(default_factory=set)
    #: the dated changes of enterprises' ``union_members`` this batch makes (docs/office.md)
    memberships: list[dict[str, Any]] = field(default_factory=list)
    #: the writes so far: each row's ``seq`` holds its place among them (1, 2, ...) until the flush
    seq: int = 0
    numbers: Numbers | None = None

    def reserve(self, session: Session, count: int) -> None:
        """Take the numbers of up to *count* writes now, before anything is read (a push; see changeseq)."""
        self.numbers = reserve(session, count)

    def write(
        self,
        key: Key,
        content: dict[str, Any],
        content_hash: str,
        prev: State | None,
        *,
        deleted: bool = False,
    ) -> State:
        """Record a new version of *key* (version 1 when *prev* is None); returns the new state."""
        kind, rid = key
        self.seq += 1
        version = prev.version + 1 if prev else 1
        owner: str | None = content.get("cadre") if kind == "visit" else None
        ward = ward_key(content.get("ward") or "") if kind == "enterprise" else None
        if ward is not None and prev is not None:
            before = ward_key(prev.content.get("ward") or "")
            if before != ward:
                self.moved_wards.update((before, ward))
        row: dict[str, Any] = {
            "kind": kind,
            "id": rid,
            "version": version,
            "content": content,
            "content_hash": content_hash,
            "owner": owner,
            # the enterprise a visit or a founding case belongs to: what areas scope them by
            "enterprise_id": None if kind == "enterprise" else content.get("enterprise_id"),
            "tax_code": None if deleted or kind != "enterprise" else content.get("tax_code"),
            "ward_key": ward,
            "deleted": deleted,
            "seq": self.seq,
            "updated_at": self.now,
            "updated_by": self.user,
        }
        if kind == "enterprise" and not deleted and prev is not None and not prev.deleted:
            self._membership(rid, _members(prev.content), _members(content))
        in_db = prev is not None and prev.in_db
        (self.updates if in_db else self.inserts)[key] = row
        self.versions.append(
            {
                "kind": kind,
                "id": rid,
                "version": version,
                "content": None if deleted else content,
                "content_hash": None if deleted else content_hash,
                "created_at": self.now,
                "created_by": self.user,
                "device_id": self.device_id,
            }
        )
        return State(version, content, content_hash, owner, deleted, in_db=in_db)

    def _membership(self, enterprise_id: str, before: int, after: int) -> None:
        # every write of an enterprise passes here (push, import, admin): the one place membership is dated. A new
        # enterprise's members are its starting point, not an increase; a deleted one's are not a decrease.
        if after != before:
            self.memberships.append(
                {
                    "enterprise_id": enterprise_id,
                    "counted_on": membership_day(self.now),
                    "at": self.now,
                    "delta": after - before,
                    "total": after,
                    "by": self.user,
                    "seq": self.seq,
                }
            )

    def flush(self, session: Session) -> None:
        """Write everything: freed tax codes first, then updates, inserts, versions, conflicts."""
        self._number(session)
        moved = [rid for (kind, rid), row in self.updates.items() if kind == "enterprise"]
        for part in chunks(moved):
            # a tax code may pass from one enterprise to another within the batch: free them all first
            session.execute(
                update(Record)
                .where(Record.kind == "enterprise", _among(session, Record.id, part))
                .values(tax_code=None)
            )
        if self.updates:
            session.execute(update(Record), list(self.updates.values()))
        json_texts: dict[
            int, Any
        ] = {}  # the values live in self's rows until the flush ends: ids stay theirs
        for table, rows in (
            (Record, list(self.inserts.values())),
            (RecordVersion, self.versions),
            (Conflict, self.conflicts),
            (MembershipChange, self.memberships),
        ):
            if rows:
                _insert_many(session, cast(Table, table.__table__), rows, json_texts)
        if self.moved_wards:
            holders = select(AreaWard.user_id).where(AreaWard.ward_key.in_(sorted(self.moved_wards)))
            bump_scopes(session, holders)

    def _number(self, session: Session) -> None:
        """Give each write its number of the change sequence (and its transaction's id), in the order written."""
        if not self.seq:
            return
        numbers = self.numbers
        if numbers is None:
            numbers = take(session, self.seq)
        elif len(numbers.seqs) < self.seq:
            raise RuntimeError(f"{self.seq} writes, {len(numbers.seqs)} numbers reserved")
        seqs = numbers.seqs
        for row in (*self.updates.values(), *self.inserts.values()):
            row["seq"], row["xid"] = seqs[row["seq"] - 1], numbers.xid
        for change in self.memberships:
            change["seq"] = seqs[change["seq"] - 1]
