"""``fieldapp import FILE``: good and bad lists, all or nothing, dry runs, re-imports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import Result

Run = Callable[..., Result]

HEADER = ["Tên doanh nghiệp", "Mã số thuế", "Địa chỉ", "Phường/Xã", "Quận/Huyện", "Loại hình", "Trạng thái",
          "Số lao động", "Có CĐCS", "Số đoàn viên", "Doanh nghiệp gia đình"]  # fmt: skip
GOOD = [
    ["Công ty TNHH Hoa Sen", "0101234567", "Số 5 Ngọc Lâm", "Ngọc Lâm", "Long Biên", "ngoài nhà nước", "đang hoạt động",
     "45", "không", "0", "có"],
    ["Hộ kinh doanh Lê Văn Tám", "0107654321", "Số 9 Bồ Đề", "Bồ Đề", "Long Biên", "hộ kinh doanh", "đang hoạt động",
     "6", "không", "", ""],
    ["Công ty Cổ phần Đông Á", "0102222222-001", "", "Minh Khai", "Hai Bà Trưng", "FDI", "tạm ngừng", "120", "có",
     "60", "không"],
]  # fmt: skip


def _import(run: Run, path: Path, *options: str) -> tuple[Result, dict[str, Any]]:
    result = run("import", str(path), "--json", *options)
    return result, orjson.loads(result.stdout)


@pytest.mark.parametrize(("delimiter", "bom"), [(",", False), (",", True), (";", False), (";", True)])
def test_csv_with_vietnamese_headers(
    run: Run, make_csv: Callable[..., Path], stored: Callable[..., Any], delimiter: str, bom: bool
) -> None:
    result, report = _import(run, make_csv([HEADER, *GOOD], delimiter=delimiter, bom=bom))
    assert result.exit_code == 0, result.output
    assert (report["created"], report["updated"], report["unchanged"], report["invalid"]) == (3, 0, 0, 0)
    assert report["written"] == 3
    enterprises = {e.tax_code: e for e in stored()[0]}
    hoa_sen = enterprises["0101234567"]
    assert (hoa_sen.name, hoa_sen.ward, hoa_sen.registered_workers, hoa_sen.family_business) == (
        "Công ty TNHH Hoa Sen",
        "Phường Bồ Đề",  # the old Ngọc Lâm of Long Biên district merged into Bồ Đề ward on 1 July 2025
        45,
        True,
    )
    assert (hoa_sen.ward_code, hoa_sen.province_code, hoa_sen.district) == ("00130", "01", "Long Biên")
    assert (enterprises["0107654321"].ownership, enterprises["0107654321"].legal_entity) == (
        "household",
        False,
    )
    dong_a = enterprises["0102222222-001"]
    assert (dong_a.ownership, dong_a.status, dong_a.has_union, dong_a.union_members) == (
        "fdi",
        "suspended",
        True,
        60,
    )


def test_xlsx(run: Run, make_xlsx: Callable[..., Path], stored: Callable[..., Any]) -> None:
    rows = [HEADER, *[[int(c) if c.isdigit() and i == 7 else c for i, c in enumerate(r)] for r in GOOD]]
    result, report = _import(run, make_xlsx(rows))
    assert result.exit_code == 0 and report["created"] == 3
    assert sorted(e.registered_workers for e in stored()[0]) == [6, 45, 120]


def test_plain_report(run: Run, make_csv: Callable[..., Path]) -> None:
    result = run("import", str(make_csv([[*HEADER, "Ghi chú"], *[[*r, ""] for r in GOOD]])))
    assert result.exit_code == 0
    assert "Thêm mới 3, cập nhật 0, không đổi 0, không hợp lệ 0." in result.stdout
    assert "Ghi chú" in result.stderr  # the ignored column is named


def test_any_invalid_row_writes_nothing(
    run: Run, make_csv: Callable[..., Path], stored: Callable[..., Any]
) -> None:
    bad = [
        *GOOD,
        ["Công ty Sai Mã", "12345", "", "", "", "", "", "", "", "", ""],  # row 5: bad tax code
        ["", "0103333333", "", "", "", "", "", "", "", "", ""],  # row 6: empty name
        [
            "Công ty Trùng",
            "0101234567",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],  # row 7: repeats row 2's tax code
    ]
    path = make_csv([HEADER, *bad])
    result = run("import", str(path))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any(line.startswith("dòng 5: Mã số thuế (tax_code):") for line in lines), lines
    assert any(line.startswith("dòng 6: Tên doanh nghiệp (name): không được để trống") for line in lines), (
        lines
    )
    assert any(line.startswith("dòng 7: Mã số thuế (tax_code):") and "dòng 2" in line for line in lines), (
        lines
    )
    assert "--skip-invalid" in result.stderr
    assert stored() == ([], [])
    english = run("import", str(path), lang="en")
    assert any(
        line.startswith("row 6: Enterprise name (name): must not be empty")
        for line in english.stderr.splitlines()
    )
    json_result, report = _import(run, path)
    assert json_result.exit_code == 1 and report["refused"] and report["written"] == 0
    assert [(r["row"], [p["field"] for p in r["problems"]]) for r in report["invalid_rows"]] == [
        (5, ["tax_code"]),
        (6, ["name"]),
        (7, ["tax_code"]),
    ]
    assert stored() == ([], [])


def test_skip_invalid_writes_the_valid_rows(
    run: Run, make_csv: Callable[..., Path], stored: Callable[..., Any]
) -> None:
    path = make_csv([HEADER, *GOOD, ["Công ty Sai Mã", "12345", "", "", "", "", "", "", "", "", ""]])
    result, report = _import(run, path, "--skip-invalid")
    assert result.exit_code == 0
    assert (report["created"], report["invalid"], report["written"]) == (3, 1, 3)
    assert len(stored()[0]) == 3


def test_dry_run_writes_nothing(
    run: Run, make_csv: Callable[..., Path], stored: Callable[..., Any], data_dir: Path
) -> None:
    result, report = _import(run, make_csv([HEADER, *GOOD]), "--dry-run")
    assert result.exit_code == 0 and report["created"] == 3 and report["written"] == 0 and report["dry_run"]
    assert stored() == ([], [])


def test_reimport_updates_and_counts_unchanged(
    run: Run, make_csv: Callable[..., Path], stored: Callable[..., Any]
) -> None:
    assert run("import", str(make_csv([HEADER, *GOOD]))).exit_code == 0
    before = {e.tax_code: e for e in stored()[0]}
    changed = [list(r) for r in GOOD]
    changed[0][7] = "52"  # Hoa Sen grew
    changed[1][0] = "Hộ kinh doanh Lê Văn Tám – Xưởng mộc"  # renamed
    result, report = _import(run, make_csv([HEADER, *changed], name="again.csv"))
    assert result.exit_code == 0
    assert (report["created"], report["updated"], report["unchanged"], report["invalid"]) == (0, 2, 1, 0)
    after = {e.tax_code: e for e in stored()[0]}
    assert len(after) == 3
    assert (
        after["0101234567"].registered_workers == 52
        and after["0101234567"].rev == before["0101234567"].rev + 1
    )
    assert after["0101234567"].id == before["0101234567"].id and after["0101234567"].pending
    assert after["0102222222-001"] == before["0102222222-001"]


def test_bad_files(run: Run, tmp_path: Path, make_csv: Callable[..., Path]) -> None:
    missing = run("import", str(tmp_path / "nowhere.csv"))
    assert missing.exit_code == 1 and "nowhere.csv" in missing.stderr
    no_name = run("import", str(make_csv([["Mã số thuế"], ["0101234567"]])))
    assert no_name.exit_code == 1 and "Tên doanh nghiệp" in no_name.stderr
    assert run("import").exit_code == 2


CHECKED = [["Tên doanh nghiệp", "Mã số thuế"],
           ["Công ty TNHH Đúng Số", "0100109106"],     # the check digit matches
           ["Công ty TNHH Sai Số", "0100109107"]]  # fmt: skip


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_a_tax_code_whose_check_digit_does_not_match_is_imported_with_a_warning_naming_its_row(
    run: Run, make_csv: Callable[..., Path], make_xlsx: Callable[..., Path], suffix: str
) -> None:
    path = make_csv(CHECKED) if suffix == "csv" else make_xlsx(CHECKED)
    text = run("import", str(path), "--dry-run", lang="en")
    assert text.exit_code == 0, text.output
    warned = [line for line in text.stderr.splitlines() if "(warning)" in line]
    assert len(warned) == 1 and warned[0].startswith("row 3 (warning): Tax code (tax_code): ")
    assert "0100109107" in warned[0]
    vi = run("import", str(path), "--dry-run")
    assert "dòng 3 (cảnh báo): Mã số thuế (tax_code): " in vi.stderr
    result, report = _import(run, path)
    assert result.exit_code == 0 and (report["created"], report["written"]) == (2, 2)
    [row] = report["warning_rows"]
    assert row["row"] == 3 and [p["code"] for p in row["problems"]] == ["tax_code_check_digit"]
    assert "0100109107" in row["problems"][0]["en"] and row["problems"][0]["vi"]
    assert report["sheet"] == (None if suffix == "csv" else "Sheet")


def test_the_spellings_of_vietnamese_lists_import(
    run: Run, make_csv: Callable[..., Path], stored: Callable[..., Any]
) -> None:
    rows = [
        ["Tên doanh nghiệp", "Loại hình", "Trạng thái", "Phường"],
        ["Công ty TNHH Một", "TNHH", "đang hđ", "A"],
        ["Công ty Hai", "Cổ phần", "Đang hoạt động", "A"],
        ["Công ty Ba", "CP", "tạm ngừng hđ", "A"],
        ["Công ty Bốn", "DNNN", "ngừng hđ", "A"],
        ["Công ty Năm", "FDI", "", "A"],
        ["Công ty Sáu", "vốn nước ngoài", "", "A"],
        ["HTX Bảy", "HTX", "", "A"],
        ["Hộ Tám", "hộ KD", "", "A"],
    ]
    result, report = _import(run, make_csv(rows))
    assert result.exit_code == 0 and report["created"] == 8, result.output
    got = {e.name: (e.ownership, e.status) for e in stored()[0]}
    assert got == {
        "Công ty TNHH Một": ("non_state", "active"),
        "Công ty Hai": ("non_state", "active"),
        "Công ty Ba": ("non_state", "suspended"),
        "Công ty Bốn": ("state", "dissolved"),
        "Công ty Năm": ("fdi", "active"),
        "Công ty Sáu": ("fdi", "active"),
        "HTX Bảy": ("cooperative", "active"),
        "Hộ Tám": ("household", "active"),
    }


def test_an_unknown_value_names_the_allowed_labels_in_the_users_language(
    run: Run, make_csv: Callable[..., Path]
) -> None:
    path = make_csv([["Tên doanh nghiệp", "Trạng thái"], ["Công ty Một", "mở cửa"]])
    vi = run("import", str(path))
    assert vi.exit_code == 1
    assert "phải là một trong: đang hoạt động, tạm ngừng, đã giải thể" in vi.stderr
    en = run("import", str(path), lang="en")
    assert "must be one of: active, suspended, dissolved" in en.stderr


def test_dry_run_lists_each_row_and_each_change(
    run: Run, make_csv: Callable[..., Path], stored: Callable[..., Any]
) -> None:
    assert run("import", str(make_csv([HEADER, *GOOD]))).exit_code == 0
    before = stored()
    changed = [list(r) for r in GOOD]
    changed[0][3:5] = ["Quỳnh Mai", "Hai Bà Trưng"]  # Hoa Sen moved (to an old ward, now in Bạch Mai)
    changed[0][5] = "FDI"
    changed[0][7] = "52"
    new = ["Công ty Mới", "", "", "Việt Hưng", "", "", "", "", "", "", ""]
    bad = ["Công ty Sai Mã", "12345", "", "", "", "", "", "", "", "", ""]
    path = make_csv([HEADER, *changed, new, bad], name="again.csv")

    plain = run("import", str(path), "--dry-run")
    assert plain.exit_code == 1  # an invalid row
    lines = plain.stdout.splitlines()
    assert lines[0] == (
        "dòng 2: sẽ cập nhật “Công ty TNHH Hoa Sen”: Phường/Xã: Phường Bồ Đề → Phường Bạch Mai; "
        "Quận/Huyện: Long Biên → Hai Bà Trưng; "
        "Loại hình: Ngoài nhà nước → Có vốn đầu tư nước ngoài (FDI); Số lao động (theo danh sách): 45 → 52"
    )
    assert lines[1] == "dòng 5: sẽ thêm mới “Công ty Mới”"
    assert not any("dòng 3" in line or "dòng 4" in line for line in lines)  # unchanged rows are only counted
    assert "dòng 6: Mã số thuế (tax_code)" in plain.stderr  # the refused row, with its reason
    english = run("import", str(path), "--dry-run", lang="en")
    assert (
        "row 2: would update “Công ty TNHH Hoa Sen”: Ward: Phường Bồ Đề → Phường Bạch Mai;" in english.stdout
    )
    assert "row 5: would add “Công ty Mới”" in english.stdout

    result, report = _import(run, path, "--dry-run")
    assert (report["created"], report["updated"], report["unchanged"], report["invalid"]) == (1, 1, 2, 1)
    rows = {r["row"]: r for r in report["rows"]}
    assert [r["row"] for r in report["rows"]] == [2, 3, 4, 5, 6]
    assert rows[2]["action"] == "update" and rows[2]["changes"] == {
        "ward": ["Phường Bồ Đề", "Phường Bạch Mai"],
        "district": ["Long Biên", "Hai Bà Trưng"],
        "ward_code": ["00130", "00277"],
        "ownership": ["non_state", "fdi"],
        "registered_workers": [45, 52],
    }
    assert rows[2]["id"] == next(e.id for e in before[0] if e.tax_code == "0101234567")
    assert (rows[3]["action"], rows[5]["action"], rows[6]["action"]) == ("unchanged", "create", "invalid")
    assert stored() == before  # a dry run writes nothing


def test_a_plain_import_does_not_list_rows(run: Run, make_csv: Callable[..., Path]) -> None:
    result = run("import", str(make_csv([HEADER, *GOOD])))
    assert result.exit_code == 0 and "sẽ thêm mới" not in result.stdout


def test_old_addresses_are_converted_and_split_wards_flagged_with_their_candidates(
    run: Run, make_csv: Callable[..., Path], stored: Callable[..., Any]
) -> None:
    rows = [
        ["Tên doanh nghiệp", "Phường/Xã", "Quận/Huyện", "Tỉnh/Thành phố"],
        [
            "Công ty Quỳnh Mai",
            "Phường Quỳnh Mai",
            "Quận Hai Bà Trưng",
            "Thành phố Hà Nội",
        ],  # merged: converted
        ["Công ty Thanh Nhàn", "Phường Thanh Nhàn", "Quận Hai Bà Trưng", "Thành phố Hà Nội"],  # split
        ["Công ty Mới", "bach mai", "", ""],  # already on the 2025 map
        ["Công ty Sài Gòn", "Phường Sài Gòn", "", "TP. Hồ Chí Minh"],  # another province, on the 2025 map
        ["Công ty Lạ", "Phường Không Có", "", ""],  # on no map
    ]
    path = make_csv(rows)
    dry = run("import", str(path), "--dry-run")
    assert dry.exit_code == 0, dry.output
    # the split ward is named with its candidates, for a person to choose; so is the ward on no map
    assert (
        "dòng 3 (cảnh báo): Phường/Xã (ward): phường, xã cũ “Phường Thanh Nhàn” đã được chia cho nhiều phường, xã "
        "từ ngày 1/7/2025: Phường Bạch Mai, Phường Hai Bà Trưng; hãy chọn một"
    ) in dry.stderr
    assert "dòng 6 (cảnh báo): Phường/Xã (ward): “Phường Không Có” không phải là phường, xã nào" in dry.stderr
    assert stored() == ([], [])
    result, report = _import(run, path)
    assert result.exit_code == 0 and report["created"] == 5
    assert {r["row"]: [p["code"] for p in r["problems"]] for r in report["warning_rows"]} == {
        3: ["split_ward"],
        6: ["unknown_ward"],
    }
    got = {e.name: (e.ward, e.ward_code, e.province_code) for e in stored()[0]}
    assert got == {
        "Công ty Quỳnh Mai": ("Phường Bạch Mai", "00277", "01"),
        "Công ty Thanh Nhàn": ("Phường Thanh Nhàn", None, None),  # not assigned silently
        "Công ty Mới": ("Phường Bạch Mai", "00277", "01"),
        "Công ty Sài Gòn": ("Phường Sài Gòn", "26740", "79"),
        "Công ty Lạ": ("Phường Không Có", None, None),
    }
