"""Push storage on each database (its SQL differs: COPY or executemany, ``= ANY(array)`` or ``IN``, constraints).

What a push writes must read back the same, tax codes may pass between enterprises within a batch, big batches are
looked up in chunks, and deletions leave tombstones.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, cast

import pytest
from server_helpers import enterprise, item, visit
from sqlalchemy import Engine, Table, select
from sqlalchemy.orm import Session
from support.areas import cadre_info

from sync.protocol import ItemResult, PushItem, PushRequest
from sync.server.admin import delete_enterprise
from sync.server.db import make_engine, read_session, write_session
from sync.server.models import Conflict, Record, RecordVersion, as_utc
from sync.server.push import push
from sync.server.recordstore import _insert_many, load_states
from sync.server.users import UserInfo

NOW = datetime(2026, 11, 23, 15, 0, 1, 123456, tzinfo=UTC)
OFFICE = UserInfo("office", "admin", None, NOW, None)


@pytest.fixture
def any_engine(migrated_url: str) -> Iterator[Engine]:
    """An engine on a fresh migrated database of each backend."""
    made = make_engine(migrated_url)
    yield made
    made.dispose()


def send(engine: Engine, *items: dict[str, Any]) -> list[ItemResult]:
    request = PushRequest(device_id="laptop-1", items=[PushItem.model_validate(i) for i in items])
    return push(engine, OFFICE, request).results


def _rows(model: type[Any], session: Session) -> list[dict[str, Any]]:
    columns = cast(Table, model.__table__).columns
    return [
        {c.name: as_utc(v) if isinstance(v, datetime) else v for c, v in zip(columns, row, strict=True)}
        for row in session.execute(select(*columns))
    ]


def test_bulk_inserts_read_back_as_written(any_engine: Engine) -> None:
    # every value kind the tables hold: JSON (non-ASCII, null, float, nesting), UTC timestamps, flags, nulls
    record = {
        "kind": "visit", "id": "a", "version": 1, "content": {"x": "é", "n": None, "f": 1.5, "l": [1, {"k": True}]},
        "content_hash": "h", "owner": "nva", "enterprise_id": "e", "tax_code": None, "ward_key": None, "deleted": False,
        "seq": 1, "xid": None,
        "updated_at": NOW, "updated_by": "u",
    }  # fmt: skip
    tombstone = {**record, "kind": "enterprise", "id": "b", "content": {}, "owner": None, "enterprise_id": None,
                 "tax_code": "0101234567", "ward_key": "thanh nhan", "deleted": True, "seq": 2}  # fmt: skip
    version = {"kind": "visit", "id": "a", "version": 2, "content": None, "content_hash": None, "created_at": NOW,
               "created_by": "u", "device_id": None}  # fmt: skip
    conflict = {"kind": "visit", "record_id": "a", "base_version": None, "server_version": 1, "fields": ["a"],
                "client_content": {"q": "Đồng"}, "client_hash": "h", "submitted_by": "u", "device_id": "d",
                "created_at": NOW, "resolved_at": None, "resolved_by": None, "resolution": None}  # fmt: skip
    written = {Record: [record, tombstone], RecordVersion: [version], Conflict: [conflict]}
    with write_session(any_engine) as session:
        for model, rows in written.items():
            _insert_many(session, cast(Table, model.__table__), rows)
    with read_session(any_engine) as session:
        assert sorted(_rows(Record, session), key=lambda r: r["seq"]) == [record, tombstone]
        assert _rows(RecordVersion, session) == [version]
        [stored_conflict] = _rows(Conflict, session)
        assert stored_conflict == {**conflict, "id": stored_conflict["id"]}


def test_a_push_stores_what_it_answers_and_every_version(any_engine: Engine) -> None:
    e = enterprise(name="Công ty TNHH Ánh Dương")
    v = visit(e["id"], "nva", note="Gặp chủ tịch công đoàn; hẹn thứ Hai")
    send(any_engine, item("enterprise", e), item("visit", v))
    send(any_engine, item("enterprise", {**e, "union_members": 3}, rev=2, base=1))
    with read_session(any_engine) as session:
        states = load_states(session, "enterprise", [e["id"]]) | load_states(session, "visit", [v["id"]])
        versions = session.execute(
            select(RecordVersion.id, RecordVersion.version, RecordVersion.content)
        ).all()
        seqs = session.scalars(select(Record.seq).order_by(Record.seq)).all()
    assert states[("enterprise", e["id"])].content == {**e, "union_members": 3}
    assert states[("visit", v["id"])].content == v and states[("visit", v["id"])].owner == "nva"
    assert sorted((rid, n) for rid, n, _ in versions) == sorted([(e["id"], 1), (e["id"], 2), (v["id"], 1)])
    assert seqs == [2, 3]  # the visit's creation, then the enterprise's edit


def test_a_tax_code_may_pass_from_one_enterprise_to_another_within_a_batch(any_engine: Engine) -> None:
    first, second = enterprise(), enterprise()
    send(any_engine, item("enterprise", first), item("enterprise", second))
    code = first["tax_code"]
    results = send(
        any_engine,
        item("enterprise", {**first, "tax_code": None}, rev=2, base=1),
        item("enterprise", {**second, "tax_code": code}, rev=2, base=1),
    )
    assert [(r.status, r.server_version) for r in results] == [("accepted", 2), ("accepted", 2)]
    with read_session(any_engine) as session:
        holders = session.execute(select(Record.id, Record.tax_code).where(Record.kind == "enterprise")).all()
    assert dict(holders) == {first["id"]: None, second["id"]: code}


def test_batches_larger_than_one_lookup_are_read_in_chunks(any_engine: Engine) -> None:
    firms = [enterprise() for _ in range(700)]  # more ids than one IN list / array takes
    assert {r.status for r in send(any_engine, *[item("enterprise", e) for e in firms])} == {"accepted"}
    assert {r.status for r in send(any_engine, *[item("enterprise", e) for e in firms])} == {"duplicate"}
    # stale edits of them all: their versions are looked up too (and merged)
    send(any_engine, *[item("enterprise", {**e, "address": "1 Tràng Tiền"}, rev=2, base=1) for e in firms])
    results = send(any_engine, *[item("enterprise", {**e, "union_members": 5}, rev=2, base=1) for e in firms])
    assert {(r.status, r.conflict, r.server_version) for r in results} == {("conflict", "soft", 3)}


def test_an_accepted_push_closes_only_the_pushers_conflicts(any_engine: Engine) -> None:
    nva, ttb = (cadre_info(any_engine, name) for name in ("nva", "ttb"))
    e = enterprise()
    send(any_engine, item("enterprise", e))
    send(any_engine, item("enterprise", {**e, "name": "Văn phòng"}, rev=2, base=1))
    for user, name in ((nva, "A"), (ttb, "B")):
        request = PushRequest(
            device_id="d",
            items=[PushItem.model_validate(item("enterprise", {**e, "name": name}, rev=2, base=1))],
        )
        assert push(any_engine, user, request).results[0].conflict == "hard"
    rebased = PushItem.model_validate(item("enterprise", {**e, "name": "A"}, rev=2, base=2))
    assert push(any_engine, nva, PushRequest(device_id="d", items=[rebased])).results[0].status == "accepted"
    with read_session(any_engine) as session:
        rows = session.execute(select(Conflict.submitted_by, Conflict.resolution, Conflict.resolved_by)).all()
    assert sorted(rows) == [("nva", "client", "nva"), ("ttb", None, None)]


def test_deleting_an_enterprise_leaves_tombstones_for_it_and_its_visits(any_engine: Engine) -> None:
    e = enterprise()
    visits = [visit(e["id"], "nva") for _ in range(3)]
    send(any_engine, item("enterprise", e), *[item("visit", v) for v in visits])
    done = delete_enterprise(any_engine, OFFICE, e["id"])
    assert (done.server_version, done.deleted_visits) == (2, 3)
    with read_session(any_engine) as session:
        rows = session.execute(select(Record.id, Record.deleted, Record.tax_code, Record.version)).all()
        gone = session.execute(
            select(RecordVersion.content, RecordVersion.content_hash).where(RecordVersion.version == 2)
        ).all()
    assert {(deleted, tax_code, version) for _, deleted, tax_code, version in rows} == {(True, None, 2)}
    assert gone == [(None, None)] * 4
    # its tax code is free again
    assert send(any_engine, item("enterprise", enterprise(tax_code=e["tax_code"])))[0].status == "accepted"
