"""Marking pushed records synced changes only their bookkeeping, in place, and gives exactly what rebuilding them
would; a push reads each record's content from its stored document, and it is the record's ``content()``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from store_factories import enterprise, visit

from fieldapp.core.founding import start_case
from fieldapp.core.kinds import Kind
from fieldapp.core.records import Record
from fieldapp.store import Store
from fieldapp.store.codec import to_doc


def _stored_docs(store: Store, table: str) -> dict[str, dict[str, Any]]:
    return {doc["id"]: dict(doc) for doc in store.db.table(table).all()}


def _wal_lines(folder: Path) -> int:
    path = folder / "store.wal"
    return path.read_bytes().count(b"\n") if path.exists() else 0


def _seeded(store: Store) -> tuple[list[Record], list[Record]]:
    firms = [store.save_enterprise(enterprise(name=f"Công ty {i}")) for i in range(3)]
    visits = [
        store.save_visit(
            visit(firms[i % 3].id, visited_on=date(2025, 1 + i, 1), note=f"lần {i}\ngặp giám đốc")
        )
        for i in range(6)
    ]
    return firms, visits


def test_marks_give_what_rebuilding_gives(store: Store, folder: Path, reopen: Callable[..., Store]) -> None:
    firms, visits = _seeded(store)
    case = store.save_founding_case(
        start_case(firms[0].id, "2025-01-06", committee_members=4, today=date(2025, 6, 1))
    )
    for firm in firms:
        store.visits_of(firm.id)  # the per-enterprise order is built: it must take the new copies too
    edited = store.save_visit(visits[1].edit(headcount=99))  # edited while its push was on the way
    marks: list[tuple[Kind, str, int, int | None]] = [
        ("enterprise", firms[0].id, firms[0].rev, 11),
        ("enterprise", firms[1].id, firms[1].rev + 5, 12),  # another revision: the version only
        ("visit", visits[0].id, visits[0].rev, 20),
        ("visit", visits[1].id, visits[1].rev, 21),  # sent at rev 1, now rev 2: stays pending
        ("visit", visits[2].id, visits[2].rev, 22),
        ("visit", visits[2].id, visits[2].rev, 23),  # twice in one batch: the last one counts
        ("founding_case", case.id, case.rev, 30),
        ("visit", "no-such-visit", 1, 1),
    ]
    expected: dict[str, Record] = {
        firms[0].id: firms[0].with_meta(server_version=11, pending_since=None),
        firms[1].id: firms[1].with_meta(server_version=12),
        visits[0].id: visits[0].with_meta(server_version=20, pending_since=None),
        visits[1].id: edited.with_meta(server_version=21),
        visits[2].id: visits[2].with_meta(server_version=23, pending_since=None),
        case.id: case.with_meta(server_version=30, pending_since=None),
    }
    lines = _wal_lines(folder)

    assert store.mark_synced_many(marks) == 4

    assert _wal_lines(folder) == lines + 1  # the whole batch is one durable change
    got = {
        **{e.id: e for e in store.enterprises()},
        **{v.id: v for v in store.visits()},
        **{c.id: c for c in store.founding_cases()},
    }
    for record_id, want in expected.items():
        assert got[record_id] == want
        assert got[record_id].content_hash == want.content_hash
    docs = {**_stored_docs(store, "enterprises"), **_stored_docs(store, "visits")}
    docs.update(_stored_docs(store, "founding_cases"))
    for record_id, want in expected.items():
        assert docs[record_id] == to_doc(want)
    for firm in firms:
        assert store.visits_of(firm.id) == sorted(
            (got[v.id] for v in visits if v.enterprise_id == firm.id),
            key=lambda v: v.visited_on,
            reverse=True,
        )
        assert store.latest_visit(firm.id) == store.visits_of(firm.id)[0]
    assert {v.id for v in store.pending_visits()} == {visits[1].id, visits[3].id, visits[4].id, visits[5].id}
    assert {e.id for e in store.pending_enterprises()} == {firms[1].id, firms[2].id}
    assert store.pending_founding_cases() == []
    counts = store.counts()
    store.close()

    again = reopen()
    for record_id, want in expected.items():
        assert (
            again.get_enterprise(record_id)
            or again.get_visit(record_id)
            or again.get_founding_case(record_id)
        ) == want
    assert again.counts() == counts


def test_marks_on_a_reopened_store(store: Store, reopen: Callable[..., Store]) -> None:
    # reopened, the visits are read from the snapshot's documents on first use (the lazy table)
    firms, visits = _seeded(store)
    store.snapshot()
    store.close()
    again = reopen()
    marks: list[tuple[Kind, str, int, int | None]] = [
        ("visit", v.id, v.rev, 40 + i) for i, v in enumerate(visits)
    ]
    assert again.mark_synced_many(marks) == len(visits)
    assert again.visits() == [
        v.with_meta(server_version=40 + i, pending_since=None) for i, v in enumerate(visits)
    ]
    assert _stored_docs(again, "visits") == {
        v.id: to_doc(v.with_meta(server_version=40 + i, pending_since=None)) for i, v in enumerate(visits)
    }
    assert again.pending_visits() == [] and len(again.pending_enterprises()) == len(firms)


def test_contents_are_the_records_content(store: Store, reopen: Callable[..., Store]) -> None:
    firms, visits = _seeded(store)
    case = store.save_founding_case(
        start_case(firms[0].id, "2025-01-06", committee_members=4, today=date(2025, 6, 1))
    )
    pairs: list[tuple[Kind, Record]] = [("enterprise", f) for f in firms] + [("visit", v) for v in visits]
    pairs.append(("founding_case", case))
    assert store.contents(pairs) == [r.content() for _, r in pairs]
    # a copy that is not the stored record any more: its own content, not the stored one
    old = visits[0]
    store.save_visit(old.edit(note="đã sửa"))
    assert store.contents([("visit", old)]) == [old.content()]
    assert store.contents([("visit", old)])[0]["note"] != "đã sửa"
    store.close()

    again = reopen()
    pending: list[tuple[Kind, Record]] = [("enterprise", e) for e in again.pending_enterprises()]
    pending += [("visit", v) for v in again.pending_visits()]
    pending += [("founding_case", c) for c in again.pending_founding_cases()]
    assert len(pending) == len(pairs)
    assert again.contents(pending) == [r.content() for _, r in pending]
