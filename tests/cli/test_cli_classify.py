"""``fieldapp classify``: the stored enterprises, or an outside list classified in one step without importing."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import Result

Run = Callable[..., Result]

LIST = [
    ["Tên doanh nghiệp", "MST", "Số lao động", "Loại hình", "Trạng thái", "Có CĐCS"],
    ["Công ty TNHH Lớn", "0101234567", "80", "ngoài nhà nước", "đang hoạt động", "không"],
    ["Công ty TNHH Nhỏ", "0101234568", "3", "", "", ""],
    ["Hộ kinh doanh Bà Tư", "", "8", "hộ kinh doanh", "", ""],
    ["Công ty Đã Có CĐCS", "0101234569", "40", "", "", "có"],
    ["Công ty Giải Thể", "", "30", "", "giải thể", ""],
    ["Công ty Chưa Rõ", "", "", "", "", ""],
]
EXPECTED = {
    "Công ty TNHH Lớn": "eligible",
    "Công ty TNHH Nhỏ": "not_eligible",
    "Hộ kinh doanh Bà Tư": "not_eligible",
    "Công ty Đã Có CĐCS": "unionized",
    "Công ty Giải Thể": "not_eligible",
    "Công ty Chưa Rõ": "unknown",
}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_outside_list_to_csv_without_importing(
    run: Run,
    make_csv: Callable[..., Path],
    make_xlsx: Callable[..., Path],
    stored: Callable[..., Any],
    tmp_path: Path,
    kind: str,
) -> None:
    source = make_csv(LIST, delimiter=";", bom=True) if kind == "csv" else make_xlsx(LIST)
    out = tmp_path / "out.csv"
    result = run("classify", str(source), "--output", str(out))
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["name"]: r["status"] for r in rows} == EXPECTED
    assert [int(r["row"]) for r in rows] == [2, 3, 4, 5, 6, 7]
    big = rows[0]
    assert (big["basis"], big["tax_code"], big["enterprise_id"]) == ("registry", "0101234567", "")
    assert "unverified" in big["reasons"].split() and big["status_label"] == "Đủ điều kiện"
    assert "not_legal_entity" in rows[2]["reasons"].split()
    assert stored() == ([], [])  # nothing imported


def test_outside_list_as_table_and_json(
    run: Run, run_json: Callable[..., Any], make_csv: Callable[..., Path]
) -> None:
    source = make_csv(LIST)
    table = run("classify", str(source))
    assert table.exit_code == 0 and "Công ty TNHH Lớn" in table.stdout and "Đã có CĐCS" in table.stdout
    rows = run_json("classify", str(source), "--format", "json", "--status", "eligible")
    assert [(r["name"], r["row"], r["enterprise_id"]) for r in rows] == [("Công ty TNHH Lớn", 2, None)]
    assert set(rows[0]) >= {"enterprise_id", "tax_code", "name", "status", "basis", "reasons", "priority"}


def test_outside_list_with_invalid_rows(run: Run, make_csv: Callable[..., Path], tmp_path: Path) -> None:
    source = make_csv([*LIST, ["Công ty Sai", "999", "", "", "", ""]])
    out = tmp_path / "out.csv"
    refused = run("classify", str(source), "--output", str(out))
    assert refused.exit_code == 1 and "dòng 8: Mã số thuế (tax_code)" in refused.stderr
    assert not out.exists()
    skipped = run("classify", str(source), "--output", str(out), "--skip-invalid")
    assert skipped.exit_code == 0 and len(out.read_text(encoding="utf-8-sig").splitlines()) == 1 + 6


def test_stored_enterprises_in_every_format(
    run: Run, run_json: Callable[..., Any], add_enterprise: Callable[..., Any]
) -> None:
    big = add_enterprise("Công ty Lớn", "--tax-code", "0101234567", "--registered-workers", "80")
    add_enterprise("Công ty Nhỏ", "--registered-workers", "2")
    add_enterprise("Công ty Chưa Rõ")
    rows = run_json("classify", "--format", "json")
    assert {r["name"]: r["status"] for r in rows} == {
        "Công ty Lớn": "eligible",
        "Công ty Nhỏ": "not_eligible",
        "Công ty Chưa Rõ": "unknown",
    }
    eligible = run_json("classify", "--status", "eligible", "--format", "json")
    assert [(r["enterprise_id"], r["tax_code"], r["basis"], r["reasons"]) for r in eligible] == [
        (big["id"], "0101234567", "registry", ["enough_stable_workers", "unverified"])
    ]
    as_csv = run("classify", "--format", "csv")
    parsed = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert {r["name"]: r["status"] for r in parsed} == {r["name"]: r["status"] for r in rows}
    table = run("classify", lang="en")
    assert "Not eligible" in table.stdout and "Unknown" in table.stdout


def test_usage_errors(run: Run, tmp_path: Path) -> None:
    assert run("classify", "--format", "yaml").exit_code == 2
    assert run("classify", "--status", "dissolved").exit_code == 2  # an enterprise status, not a verdict
    assert run("classify", "--output", str(tmp_path / "x.csv")).exit_code == 2


def test_bad_rules_file_is_named(run: Run, data_dir: Path, add_enterprise: Callable[..., Any]) -> None:
    add_enterprise("Công ty A", "--registered-workers", "10")
    (data_dir / "rules.toml").write_text("min_members = -3\n", encoding="utf-8")
    result = run("classify")
    assert result.exit_code == 1 and "min_members" in result.stderr


def test_a_local_override_is_said_as_such_and_the_federations_rules_are_not(
    run: Run, data_dir: Path, add_enterprise: Callable[..., Any]
) -> None:
    add_enterprise("Công ty A", "--registered-workers", "10")
    (data_dir / "federation-rules.toml").write_text("min_members = 7\n", encoding="utf-8")
    plain = run("classify", "--format", "json")
    assert plain.exit_code == 0 and "override" not in plain.stderr.lower() and "ghi đè" not in plain.stderr
    (data_dir / "rules.toml").write_text("min_members = 3\n", encoding="utf-8")
    local = run("classify", "--format", "json")
    assert local.exit_code == 0
    assert "Ghi đè trên máy này" in local.stderr and "min_members = 3" in local.stderr
    assert "Local override" in run("classify", lang="en").stderr


CHECKED = [["Tên doanh nghiệp", "Mã số thuế", "Số lao động"],
           ["Công ty TNHH Đúng Số", "0100109106", "30"],
           ["Công ty TNHH Sai Số", "0100109107", "30"]]  # fmt: skip


def test_outside_list_shows_check_digit_warnings_by_row(run: Run, make_csv: Callable[..., Path]) -> None:
    path = make_csv(CHECKED)
    table = run("classify", str(path), lang="en")
    assert table.exit_code == 0, table.output
    warned = [line for line in table.stderr.splitlines() if "(warning)" in line]
    assert len(warned) == 1 and warned[0].startswith("row 3 (warning): Tax code (tax_code): ")
    rows = orjson.loads(run("classify", str(path), "--format", "json").stdout)
    by_row = {r["row"]: r["warnings"] for r in rows}
    assert by_row[2] == []
    assert [p["code"] for p in by_row[3]] == ["tax_code_check_digit"] and "0100109107" in by_row[3][0]["vi"]


def test_an_output_file_held_open_is_named_as_itself(
    run: Run, make_csv: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Excel showing the previous result keeps Windows from replacing it: the message names that file."""
    import errno
    import os

    import fieldapp.files

    source = make_csv(LIST, delimiter=";", bom=True)
    out = tmp_path / "out.csv"
    out.write_bytes(b"the previous result")

    def refused(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        raise PermissionError(errno.EACCES, "Access is denied", os.fspath(src))

    monkeypatch.setattr(fieldapp.files, "_sleep", lambda _: None)
    monkeypatch.setattr(fieldapp.files.os, "replace", refused)
    result = run("classify", str(source), "--output", str(out), lang="en")
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert f"cannot replace “{out}”: another program has it open" in result.stderr
    assert "data folder" not in result.stderr  # the output is not in the data folder
    assert out.read_bytes() == b"the previous result"
