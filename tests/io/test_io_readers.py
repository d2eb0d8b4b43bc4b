"""Reading CSV (BOM or not, comma or semicolon) and XLSX lists, with the row numbers a spreadsheet shows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from fieldapp.io.errors import FileProblem
from fieldapp.io.readers import read_table

HEADER_VI = ["Tên doanh nghiệp", "Mã số thuế", "Phường/Xã", "Số lao động", "Ghi chú"]


@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_any_separator_with_or_without_bom(
    make_csv: Callable[..., Path], bom: bool, delimiter: str
) -> None:
    path = make_csv(
        [HEADER_VI, ["Công ty TNHH Hoa Sen, chi nhánh 1", "0101234567", "Ngọc Lâm", "25", "x"]],
        delimiter=delimiter,
        bom=bom,
    )
    table = read_table(path)
    assert table.columns == ("name", "tax_code", "ward", "registered_workers")
    assert table.ignored_headers == ("Ghi chú",)
    assert len(table.rows) == 1
    row = table.rows[0]
    assert row.number == 2
    assert row.values == {
        "name": "Công ty TNHH Hoa Sen, chi nhánh 1",
        "tax_code": "0101234567",
        "ward": "Ngọc Lâm",
        "registered_workers": "25",
    }


def test_title_lines_and_blank_rows_keep_spreadsheet_numbers(make_csv: Callable[..., Path]) -> None:
    path = make_csv(
        [
            ["DANH SÁCH DOANH NGHIỆP QUẬN LONG BIÊN"],
            [],
            ["STT", "Tên doanh nghiệp", "MST"],
            ["1", "Công ty A", "0101234567"],
            ["", "", ""],
            ["2", "Công ty B", ""],
        ]
    )
    table = read_table(path)
    assert table.header_row == 3
    assert [(r.number, r.values["name"], r.values["tax_code"]) for r in table.rows] == [
        (4, "Công ty A", "0101234567"),
        (6, "Công ty B", None),
    ]


def test_xlsx_first_sheet_with_typed_cells(make_xlsx: Callable[..., Path]) -> None:
    path = make_xlsx(
        [["name", "tax_code", "registered_workers", "has_union"], ["Công ty Ánh Dương", 101234567, 30, "có"]]
    )
    table = read_table(path)
    assert table.rows[0].number == 2
    assert table.rows[0].values == {
        "name": "Công ty Ánh Dương",
        "tax_code": 101234567,
        "registered_workers": 30,
        "has_union": "có",
    }


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(
        "Tên doanh nghiệp\nCông ty Đông Á\n".encode("cp1258", errors="replace").replace(b"T", b"\xff")
    )
    with pytest.raises(FileProblem) as caught:
        read_table(path)
    assert caught.value.code == "not_utf8"
    assert "UTF-8" in caught.value.message("vi")


def test_no_name_column(make_csv: Callable[..., Path]) -> None:
    with pytest.raises(FileProblem) as caught:
        read_table(make_csv([["Mã số thuế", "Địa chỉ"], ["0101234567", "Số 1"]]))
    assert caught.value.code == "no_name_column"
    assert "Tên doanh nghiệp" in caught.value.message("vi")


def test_two_columns_meaning_the_same(make_csv: Callable[..., Path]) -> None:
    with pytest.raises(FileProblem) as caught:
        read_table(make_csv([["Tên doanh nghiệp", "MST", "Mã số thuế"], ["A", "1", "2"]]))
    assert caught.value.code == "duplicate_column"
    assert "MST" in caught.value.message("en") and "Mã số thuế" in caught.value.message("en")


def test_missing_and_unsupported_files(tmp_path: Path) -> None:
    with pytest.raises(FileProblem) as caught:
        read_table(tmp_path / "nowhere.csv")
    assert caught.value.code == "not_found"
    other = tmp_path / "list.ods"
    other.write_bytes(b"x")
    with pytest.raises(FileProblem) as caught:
        read_table(other)
    assert caught.value.code == "unsupported"


def test_broken_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"this is no zip")
    with pytest.raises(FileProblem) as caught:
        read_table(path)
    assert caught.value.code == "unreadable"
