"""Every public call of the Store, on a real data folder, checked again after reopening."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import date

import pytest
from store_factories import enterprise, visit

import fieldapp.store as store_pkg
from fieldapp.core.errors import RecordError
from fieldapp.core.issues import SyncIssue
from fieldapp.core.records import SCHEMA_VERSION
from fieldapp.store import Store, StoreError, StoreReadOnly


def test_public_api_is_complete() -> None:
    assert sorted(store_pkg.__all__) == sorted(
        [
            "Kind",
            "PendingOpen",
            "SetAside",
            "Store",
            "StoreCorrupt",
            "StoreDamaged",
            "StoreError",
            "StoreIOError",
            "StoreLocked",
            "StoreReadOnly",
            "StoreTooNew",
            "read_view",
        ]
    )
    for name in store_pkg.__all__:
        assert getattr(store_pkg, name) is not None


def test_enterprise_round_trip(store: Store, reopen: Callable[..., Store]) -> None:
    e = enterprise(name="Công ty Cổ phần Sông Hồng", tax_code="0101234567001")
    assert store.save_enterprise(e) == e
    assert store.get_enterprise(e.id) == e
    assert store.find_by_tax_code("0101234567-001") == e
    assert store.find_by_tax_code("0101.234.567 001") == e
    assert store.find_by_tax_code("12") is None
    assert store.find_enterprise(e.id) == e
    assert store.find_enterprise(e.id.upper()) == e
    assert store.find_enterprise("0101234567001") == e
    assert store.find_enterprise("nothing") is None
    store.close()
    again = reopen()
    loaded = again.get_enterprise(e.id)
    assert loaded == e
    assert loaded is not None and loaded.content_hash == e.content_hash


def test_replace_by_id_moves_the_tax_code(store: Store) -> None:
    e = store.save_enterprise(enterprise(tax_code="0101234567"))
    edited = store.save_enterprise(e.edit(tax_code="0109999999"))
    assert store.find_by_tax_code("0101234567") is None
    assert store.find_by_tax_code("0109999999") == edited
    assert store.counts()["enterprises"] == 1


def test_duplicate_tax_code_is_refused_and_nothing_written(
    store: Store, reopen: Callable[..., Store]
) -> None:
    first = store.save_enterprise(enterprise(name="Công ty An Phát", tax_code="0101234567"))
    other = enterprise(name="Công ty Bình Minh", tax_code="0101234567")
    with pytest.raises(RecordError) as caught:
        store.save_enterprise(other)
    problem = caught.value.problems[0]
    assert (problem.field, problem.code) == ("tax_code", "duplicate_tax_code")
    assert problem.params == {"value": "0101234567", "other": "Công ty An Phát"}
    assert "Công ty An Phát" in caught.value.message("vi")
    assert store.get_enterprise(other.id) is None
    store.close()
    assert reopen(readonly=True).enterprises() == [first]


def test_batch_may_swap_tax_codes_but_not_share_them(store: Store) -> None:
    a = store.save_enterprise(enterprise(tax_code="0101111111"))
    b = store.save_enterprise(enterprise(tax_code="0102222222"))
    assert store.save_enterprises([a.edit(tax_code="0102222222"), b.edit(tax_code="0101111111")]) == 2
    assert store.find_by_tax_code("0101111111").id == b.id  # type: ignore[union-attr]
    twins = [enterprise(tax_code="0103333333"), enterprise(tax_code="0103333333")]
    with pytest.raises(RecordError):
        store.save_enterprises(twins)
    assert store.counts()["enterprises"] == 2


def test_visits_of_newest_first_and_latest(store: Store, reopen: Callable[..., Store]) -> None:
    e = store.save_enterprise(enterprise())
    old = store.save_visit(visit(e.id, visited_on=date(2024, 5, 1)))
    new_a = store.save_visit(visit(e.id, visited_on=date(2025, 1, 2)))
    new_b = store.save_visit(visit(e.id, visited_on=date(2025, 1, 2)))  # same day, recorded later
    expected = [new_b, new_a, old]
    assert store.visits_of(e.id) == expected
    assert store.latest_visit(e.id) == new_b
    assert store.visits_of("no-such-id") == [] and store.latest_visit("no-such-id") is None
    store.close()
    again = reopen()
    assert again.visits_of(e.id) == expected
    assert again.get_visit(old.id) == old
    assert again.visits() == [old, new_a, new_b]
    # after reopening, into a group already sorted and into one nobody has looked at yet
    newest = again.save_visit(visit(e.id, visited_on=date(2025, 2, 1)))
    oldest = again.save_visit(visit(e.id, visited_on=date(2020, 1, 1)))
    assert again.visits_of(e.id) == [newest, new_b, new_a, old, oldest]
    other = again.save_enterprise(enterprise())
    first = again.save_visit(visit(other.id, visited_on=date(2025, 1, 1)))
    again.close()
    third = reopen()
    later = third.save_visit(visit(other.id, visited_on=date(2025, 1, 3)))
    assert third.latest_visit(other.id) == later and third.visits_of(other.id) == [later, first]
    third.delete_visit(newest.id)
    assert third.latest_visit(e.id) == new_b


def test_visit_of_unknown_enterprise_is_refused(store: Store) -> None:
    v = visit("00000000-0000-4000-8000-000000000000")
    with pytest.raises(RecordError) as caught:
        store.save_visit(v)
    problem = caught.value.problems[0]
    assert (problem.field, problem.code, problem.params) == (
        "enterprise_id",
        "unknown_enterprise",
        {"value": v.enterprise_id},
    )
    assert store.get_visit(v.id) is None and store.counts()["visits"] == 0


def test_visit_batch_is_all_or_nothing(store: Store) -> None:
    e = store.save_enterprise(enterprise())
    good = visit(e.id)
    bad = visit("00000000-0000-4000-8000-000000000000")
    with pytest.raises(RecordError):
        store.save_visits([good, bad])
    assert store.visits() == []
    assert store.save_visits([good, visit(e.id)]) == 2


def test_wrong_record_type_is_a_type_error(store: Store) -> None:
    e = enterprise()
    with pytest.raises(TypeError):
        store.save_visit(e)  # type: ignore[arg-type]


def test_delete_enterprise_takes_its_visits_and_issues(store: Store, reopen: Callable[..., Store]) -> None:
    keep = store.save_enterprise(enterprise())
    gone = store.save_enterprise(enterprise())
    kept_visit = store.save_visit(visit(keep.id))
    gone_visit = store.save_visit(visit(gone.id))
    store.set_sync_issue(SyncIssue(kind="visit", id=gone_visit.id, status="rejected"))
    store.delete_enterprise(gone.id)
    store.delete_enterprise(gone.id)  # twice is harmless
    assert store.get_enterprise(gone.id) is None and store.get_visit(gone_visit.id) is None
    assert store.sync_issues() == []
    assert store.find_by_tax_code(gone.tax_code or "") is None
    store.close()
    again = reopen()
    assert again.enterprises() == [keep] and again.visits() == [kept_visit]


def test_delete_visit(store: Store, reopen: Callable[..., Store]) -> None:
    e = store.save_enterprise(enterprise())
    a, b = store.save_visit(visit(e.id)), store.save_visit(visit(e.id))
    store.delete_visit(a.id)
    store.delete_visit("not-there")
    assert store.visits_of(e.id) == [b]
    store.close()
    assert reopen().visits() == [b]


def test_find_by_name_ward_is_folded(store: Store) -> None:
    a = store.save_enterprise(enterprise(name="Công ty Đông Á", ward="Phường Gia Thụy"))
    store.save_enterprise(enterprise(name="Công ty Đông Á", ward="Phường Ngọc Lâm"))
    assert store.find_by_name_ward("CONG TY DONG A", "phuong gia thuy") == [a]
    assert store.find_by_name_ward("Công ty Đông Á", "Nowhere") == []


def test_enterprises_in_folded_name_order(store: Store) -> None:
    names = ["Đức Thành", "an phát", "Bình Minh", "Ánh Dương"]
    for name in names:
        store.save_enterprise(enterprise(name=name))
    assert [e.name for e in store.enterprises()] == ["an phát", "Ánh Dương", "Bình Minh", "Đức Thành"]


def test_pending_and_mark_synced(store: Store, reopen: Callable[..., Store]) -> None:
    e = store.save_enterprise(enterprise())
    v = store.save_visit(visit(e.id))
    assert store.pending_enterprises() == [e] and store.pending_visits() == [v]
    assert store.mark_synced("enterprise", e.id, rev=e.rev, server_version=3) is True
    synced = store.get_enterprise(e.id)
    assert synced is not None and synced.pending_since is None and synced.server_version == 3
    # edited while a sync ran: the server_version is kept but the record stays pending
    edited = store.save_visit(v.edit(headcount=40))
    assert store.mark_synced("visit", v.id, rev=v.rev, server_version=7) is False
    still = store.get_visit(v.id)
    assert still is not None and still.pending and still.server_version == 7 and still.rev == edited.rev
    assert store.mark_synced("visit", "missing", rev=1, server_version=1) is False
    assert store.counts() == {
        "enterprises": 1,
        "visits": 1,
        "founding_cases": 0,
        "pending_enterprises": 0,
        "pending_visits": 1,
        "pending_founding_cases": 0,
    }
    store.close()
    again = reopen()
    assert again.pending_enterprises() == [] and again.pending_visits() == [still]
    assert again.get_enterprise(e.id) == synced


def test_mark_synced_many_one_call(store: Store) -> None:
    e = store.save_enterprise(enterprise())
    vs = [store.save_visit(visit(e.id)) for _ in range(3)]
    marks = [("visit", v.id, v.rev, i + 1) for i, v in enumerate(vs)] + [("enterprise", e.id, 99, 1)]
    assert store.mark_synced_many(marks) == 3
    assert store.pending_visits() == [] and store.pending_enterprises() == [e.with_meta(server_version=1)]


def test_sync_issues(store: Store, reopen: Callable[..., Store]) -> None:
    store.set_sync_issue(SyncIssue(kind="visit", id="v1", status="conflict", fields=("headcount",), at="1"))
    store.set_sync_issue(SyncIssue(kind="enterprise", id="e1", status="rejected", at="2"))
    store.set_sync_issue(
        SyncIssue(kind="visit", id="v1", status="conflict", fields=("note",), at="3")
    )  # replaces
    expected = [
        SyncIssue(kind="visit", id="v1", status="conflict", fields=("note",), at="3"),
        SyncIssue(kind="enterprise", id="e1", status="rejected", at="2"),
    ]
    assert store.sync_issues() == expected
    assert store.sync_issue("visit", "v1") == expected[0] and store.sync_issue("visit", "e1") is None
    store.close()
    again = reopen()
    assert again.sync_issues() == expected
    again.clear_sync_issue("visit", "v1")
    again.clear_sync_issue("visit", "never")
    assert [i.id for i in again.sync_issues()] == ["e1"]


def test_meta(store: Store, reopen: Callable[..., Store]) -> None:
    assert store.get_meta("pull_cursor") is None and store.get_meta("pull_cursor", 0) == 0
    store.set_meta("pull_cursor", 41)
    store.set_meta("pull_cursor", 42)
    store.set_meta("last_sync", {"at": "2025-01-01", "ok": True})
    with pytest.raises(TypeError):
        store.set_meta("bad", object())
    assert store.get_meta("bad") is None
    store.close()
    again = reopen()
    assert again.get_meta("pull_cursor") == 42
    assert again.get_meta("last_sync") == {"at": "2025-01-01", "ok": True}


def test_readonly_store_refuses_writes(store: Store, reopen: Callable[..., Store]) -> None:
    e = store.save_enterprise(enterprise())
    reader = reopen(readonly=True)  # while the writer still holds the lock
    assert reader.get_enterprise(e.id) == e
    for write in (
        lambda: reader.save_enterprise(enterprise()),
        lambda: reader.set_meta("k", 1),
        lambda: reader.delete_enterprise(e.id),
        reader.snapshot,
    ):
        with pytest.raises(StoreReadOnly) as caught:
            write()
        assert str(reader.folder) in caught.value.message("vi")
    assert reader.get_enterprise(e.id) == e


def test_tinydb_reads_the_same_records(store: Store) -> None:
    from tinydb import Query, TinyDB

    e = store.save_enterprise(enterprise(name="Công ty Hà Nội"))
    assert store.db.table("enterprises").search(Query().id == e.id)[0]["name"] == "Công ty Hà Nội"
    store.save_enterprise(e.edit(name="Công ty Hải Phòng"))
    assert store.db.table("enterprises").search(Query().id == e.id)[0]["name"] == "Công ty Hải Phòng"
    store.snapshot()
    with TinyDB(store.folder / "store.json") as plain:  # stock TinyDB reads the snapshot
        assert [d["name"] for d in plain.table("enterprises").all()] == ["Công ty Hải Phòng"]
        assert plain.table("_store").all()[0]["schema_version"] == SCHEMA_VERSION


@pytest.mark.parametrize(
    "name",
    [
        f"fieldapp.store.{m.name}"
        for m in pkgutil.iter_modules(store_pkg.__path__)
        if not m.name.startswith("_")
    ],
)
def test_each_store_module_states_its_api(name: str) -> None:
    module = importlib.import_module(name)
    defined = {
        n
        for n, obj in vars(module).items()
        if not n.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and getattr(obj, "__module__", None) == name
    }
    assert defined <= set(module.__all__), f"{name}: missing from __all__: {defined - set(module.__all__)}"


def test_a_closed_store_says_so(store: Store) -> None:
    e = store.save_enterprise(enterprise())
    store.close()
    with pytest.raises(StoreError) as caught:
        store.save_visit(visit(e.id))
    assert "closed" in caught.value.message("en") and "đã đóng" in caught.value.message("vi")
    with pytest.raises(StoreError):
        store.snapshot()  # never writes without the lock
    assert store.get_enterprise(e.id) == e  # what was read stays readable
