"""The home table's in-memory index: search, filters, sort and reclassifying one enterprise."""

from __future__ import annotations

from datetime import timedelta

from fieldapp.core.records import Visit
from fieldapp.core.rules import default_rules
from fieldapp.core.text import fold
from fieldapp.tui.index import EnterpriseIndex, Query

from .conftest import DUC_GIANG, HOANG_MAI, QUYNH_LUU, SAI_DONG, TODAY, fixed_records


def _index() -> EnterpriseIndex:
    index = EnterpriseIndex(default_rules(), TODAY)
    index.load(*fixed_records())
    return index


def test_every_enterprise_is_classified_once_at_load() -> None:
    index = _index()
    enterprises, _visits = fixed_records()
    assert len(index) == len(enterprises)
    assert index.rows[QUYNH_LUU].status == "eligible"
    assert index.rows[HOANG_MAI].status == "not_eligible"
    assert index.rows[DUC_GIANG].status == "unionized"
    assert index.rows[SAI_DONG].status == "unknown"
    assert index.rows[HOANG_MAI].stable == 2
    assert index.rows[QUYNH_LUU].pending  # never synced


def test_search_is_accent_insensitive_and_needs_every_word() -> None:
    index = _index()
    assert [r.id for r in index.query(Query(text="quynh luu"))] == [QUYNH_LUU]
    assert [r.id for r in index.query(Query(text="QUỲNH   Lưu"))] == [QUYNH_LUU]
    assert [r.id for r in index.query(Query(text="gom su quynh"))] == [QUYNH_LUU]
    assert index.query(Query(text="quynh zzz")) == []
    # tax code, with or without formatting, and the address
    assert [r.id for r in index.query(Query(text="0109998882"))] == [HOANG_MAI]
    assert QUYNH_LUU in [r.id for r in index.query(Query(text="nguyen van cu"))]


def test_typing_more_narrows_to_the_same_answer_as_searching_afresh() -> None:
    index = _index()
    typed = [index.query(Query(text="cong ty"[:n])) for n in range(1, 8)]
    fresh = EnterpriseIndex(default_rules(), TODAY)
    fresh.load(*fixed_records())
    assert [r.id for r in typed[-1]] == [r.id for r in fresh.query(Query(text="cong ty"))]
    assert all(fold("cong ty") in r.haystack for r in typed[-1])


def test_filters_by_status_priority_ward_and_due() -> None:
    index = _index()
    assert {r.status for r in index.query(Query(status="not_eligible"))} == {"not_eligible"}
    assert {r.priority for r in index.query(Query(priority="low"))} <= {"low"}
    assert [r.id for r in index.query(Query(ward="Bồ Đề", text="xuong"))] == [HOANG_MAI]
    due = index.query(Query(due_only=True))
    assert QUYNH_LUU in [r.id for r in due]
    assert HOANG_MAI not in [r.id for r in due]  # due in two days, not yet
    assert all(r.next_due is not None and r.next_due <= TODAY for r in due)


def test_sort_by_any_column_both_ways_with_blanks_last() -> None:
    index = _index()
    by_stable = index.query(Query(sort="stable"))
    values = [r.stable for r in by_stable if r.stable is not None]
    assert values == sorted(values)
    assert by_stable[-1].stable is None or all(r.stable is None for r in by_stable[len(values) :])
    down = index.query(Query(sort="last_visit", descending=True))
    dates = [r.last_visit for r in down if r.last_visit is not None]
    assert dates == sorted(dates, reverse=True)
    names = [r.name_key for r in index.query(Query(sort="name"))]
    assert names == sorted(names)


def test_update_reclassifies_only_the_changed_enterprise() -> None:
    index = _index()
    before = dict(index.classes)
    enterprises, visits = fixed_records()
    hoang_mai = next(e for e in enterprises if e.id == HOANG_MAI)
    new = Visit.create(
        enterprise_id=HOANG_MAI, visited_on=TODAY - timedelta(days=1), cadre="A", headcount=20, seasonal=0,
        managers=1, applications=6, attitude="supportive", today=TODAY,
    )  # fmt: skip
    own = [v for v in visits if v.enterprise_id == HOANG_MAI] + [new]
    row = index.update(hoang_mai, own)
    assert row.status == "eligible" and index.rows[HOANG_MAI].priority == "high"
    changed = [k for k in before if before[k] is not index.classes[k]]
    assert changed == [HOANG_MAI]
    assert [r.id for r in index.query(Query(status="eligible", text="hoang mai xuong"))] == [HOANG_MAI]
