"""Planning an import against a real store: created, updated, unchanged, invalid (with row numbers and fields)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fieldapp.core.records import Enterprise
from fieldapp.io.importer import apply_plan, plan_import
from fieldapp.io.readers import read_table
from fieldapp.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "data") as opened:
        yield opened


def _problems(plan, row: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    (invalid,) = [r for r in plan.invalid if r.number == row]
    return [(p.field, p.code) for p in invalid.problems]


def test_new_rows_are_created_with_values_in_either_language(
    store: Store, make_csv: Callable[..., Path]
) -> None:
    path = make_csv(
        [
            [
                "Tên doanh nghiệp",
                "MST",
                "Loại hình",
                "Trạng thái",
                "Có CĐCS",
                "Số đoàn viên",
                "Doanh nghiệp gia đình",
            ],
            ["Hộ kinh doanh Lê Văn Tám", "0101234567", "hộ kinh doanh", "tạm ngừng", "không", "0", "x"],
            ["Công ty TNHH Sông Hồng", "0109876543001", "FDI", "đang hoạt động", "có", "12", "không"],
        ]
    )
    plan = plan_import(read_table(path), store)
    assert plan.counts() == {"created": 2, "updated": 0, "unchanged": 0, "invalid": 0}
    (_, household), (_, fdi) = plan.created
    assert (household.ownership, household.legal_entity, household.status) == (
        "household",
        False,
        "suspended",
    )
    assert household.family_business is True
    assert (fdi.tax_code, fdi.ownership, fdi.has_union, fdi.union_members) == (
        "0109876543-001",
        "fdi",
        True,
        12,
    )
    assert apply_plan(plan, store) == 2
    assert store.find_by_tax_code("0109876543-001") is not None


def test_existing_enterprises_are_updated_through_edit(store: Store, make_csv: Callable[..., Path]) -> None:
    by_code = store.save_enterprise(
        Enterprise.create(name="Công ty A", tax_code="0101234567", address="Số 1")
    )
    by_name = store.save_enterprise(Enterprise.create(name="Công ty Bình Minh", ward="Bồ Đề"))
    same = store.save_enterprise(
        Enterprise.create(name="Công ty C", tax_code="0102222222", registered_workers=8)
    )
    by_code = store.save_enterprise(by_code.with_meta(pending_since=None, server_version=3))  # as if synced
    path = make_csv(
        [
            ["name", "tax_code", "ward", "registered_workers"],
            ["Công ty A (đổi tên)", "0101234567", "", "40"],
            ["CONG TY BINH MINH", "", "bo de", "12"],
            ["Công ty C", "0102222222", "", "8"],
        ]
    )
    plan = plan_import(read_table(path), store)
    assert plan.counts() == {"created": 0, "updated": 2, "unchanged": 1, "invalid": 0}
    updated = {e.id: e for _, e in plan.updated}
    a = updated[by_code.id]
    assert (a.name, a.registered_workers, a.address) == (
        "Công ty A (đổi tên)",
        40,
        "Số 1",
    )  # empty cells keep values
    assert a.rev == by_code.rev + 1 and a.pending and a.server_version == 3
    assert updated[by_name.id].registered_workers == 12
    assert updated[by_name.id].name == "CONG TY BINH MINH"
    assert plan.unchanged[0][1].id == same.id


def test_invalid_rows_name_row_and_field(store: Store, make_csv: Callable[..., Path]) -> None:
    path = make_csv(
        [
            ["Tên doanh nghiệp", "Mã số thuế", "Số lao động", "Loại hình", "Có CĐCS"],
            ["Công ty A", "0101234567", "10", "", ""],
            ["", "0101234568", "", "", ""],
            ["Công ty B", "12345", "", "", ""],
            ["Công ty C", "0101234567", "", "", ""],
            ["Công ty D", "", "mười", "tập đoàn", "có lẽ"],
            ["Công ty E", "", "-4", "", ""],
            ["", "12", "x", "", ""],
        ]
    )
    plan = plan_import(read_table(path), store)
    assert plan.counts() == {"created": 1, "updated": 0, "unchanged": 0, "invalid": 6}
    assert _problems(plan, 3) == [("name", "blank")]
    assert _problems(plan, 4) == [("tax_code", "tax_code_format")]
    assert _problems(plan, 5) == [("tax_code", "duplicate_in_file")]
    assert "dòng 2" in plan.invalid[2].problems[0].message("vi")
    assert _problems(plan, 6) == [
        ("registered_workers", "not_a_number"),
        ("ownership", "choice"),
        ("has_union", "not_bool"),
    ]
    assert _problems(plan, 7) == [("registered_workers", "too_small")]
    # every fault of a row at once: the blank name, the unreadable number and the bad tax code
    assert sorted(_problems(plan, 8)) == [
        ("name", "blank"),
        ("registered_workers", "not_a_number"),
        ("tax_code", "tax_code_format"),
    ]


def test_two_rows_for_one_stored_enterprise(store: Store, make_csv: Callable[..., Path]) -> None:
    store.save_enterprise(Enterprise.create(name="Công ty Hoa Sen", ward="Ngọc Lâm"))
    path = make_csv([["name", "ward"], ["Công ty Hoa Sen", "Ngọc Lâm"], ["cong ty hoa sen", "ngoc lam"]])
    plan = plan_import(read_table(path), store)
    assert plan.counts()["invalid"] == 1
    assert _problems(plan, 3) == [("name", "duplicate_in_file")]


def test_a_firm_twice_in_the_file_under_two_spellings_of_a_ward_on_no_map(
    store: Store, make_csv: Callable[..., Path]
) -> None:
    # a ward the map does not know is imported as written; the file's own twins are matched as the store matches
    # them (ward_key), so "P. Đông Xá" and "Đông Xá" are one ward and the second row is not a second firm
    rows = [["name", "ward"], ["Xưởng gỗ Mới", "P. Đông Xá"], ["xuong go moi", "Đông Xá"]]
    plan = plan_import(read_table(make_csv(rows)), store)
    assert _problems(plan, 3) == [("name", "duplicate_in_file")]


def test_ambiguous_name_and_ward(store: Store, make_csv: Callable[..., Path]) -> None:
    for _ in range(2):
        store.save_enterprise(Enterprise.create(name="Xưởng may Hòa Bình", ward="Vĩnh Tuy"))
    plan = plan_import(read_table(make_csv([["name", "ward"], ["Xưởng may Hòa Bình", "Vĩnh Tuy"]])), store)
    assert _problems(plan, 2) == [("name", "ambiguous_match")]


def test_xlsx_number_cells_get_their_leading_zero_back(store: Store, make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx(
        [
            ["name", "tax_code", "registered_workers"],
            ["Công ty A", 101234567, 25.0],
            ["Công ty B", 101234568001, 3],
        ]
    )
    plan = plan_import(read_table(path), store)
    assert [(e.tax_code, e.registered_workers) for _, e in plan.created] == [
        ("0101234567", 25),
        ("0101234568-001", 3),
    ]


def test_planning_writes_nothing(store: Store, make_csv: Callable[..., Path]) -> None:
    plan_import(read_table(make_csv([["name"], ["Công ty A"]])), store)
    assert store.counts()["enterprises"] == 0


def test_a_split_ward_keeps_the_ward_chosen_before_and_its_other_fields_update(
    store: Store, make_csv: Callable[..., Path]
) -> None:
    # chosen once: Thanh Nhàn went partly to Hai Bà Trưng ward
    chosen = store.save_enterprise(
        Enterprise.create(
            name="Công ty Thanh Nhàn", tax_code="0100000003", ward="hai ba trung", ward_code="00256"
        )
    )
    header = ["Tên doanh nghiệp", "Mã số thuế", "Phường/Xã", "Quận/Huyện", "Số lao động"]
    again = make_csv(
        [header, ["Công ty Thanh Nhàn", "0100000003", "Phường Thanh Nhàn", "Quận Hai Bà Trưng", "30"]]
    )
    plan = plan_import(read_table(again), store)
    ((row, updated),) = plan.updated
    assert (updated.ward, updated.ward_code, updated.registered_workers) == (
        "Phường Hai Bà Trưng",
        "00256",
        30,
    )
    assert plan.changes[row] == {"district": ("", "Quận Hai Bà Trưng"), "registered_workers": (None, 30)}
    assert not plan.warnings
    # a ward the old one did not become is the list's word: taken as written, without codes, and flagged
    moved = make_csv(
        [header, ["Công ty Thanh Nhàn", "0100000003", "Ngọc Thụy", "Long Biên", "30"]], name="b.csv"
    )
    plan = plan_import(read_table(moved), store)
    ((_, updated),) = plan.updated
    assert (updated.ward, updated.ward_code, updated.province_code) == ("Ngọc Thụy", None, None)
    assert [(w.number, [p.code for p in w.problems]) for w in plan.warnings] == [(2, ["split_ward"])]
    assert chosen.ward_code == "00256"
