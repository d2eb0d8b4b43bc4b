"""Export files: JSON shape, the CSV pair, the XLSX sheets; each reads back."""

from __future__ import annotations

import csv
import errno
import os
from datetime import date
from pathlib import Path

import orjson
import pytest

import fieldapp.files
from fieldapp.core.records import Enterprise
from fieldapp.io.demo import generate_demo
from fieldapp.io.errors import FileProblem
from fieldapp.io.export import export_data, visits_path
from fieldapp.io.importer import plan_import
from fieldapp.io.readers import read_table

TODAY = date(2026, 11, 23)


def _sample():  # type: ignore[no-untyped-def]
    enterprises, visits = generate_demo(enterprises=12, visits=20, seed=5, today=TODAY)
    summary = {
        "status": "eligible",
        "basis": "visit",
        "reasons": ["enough_stable_workers", "small_enterprise"],
        "priority": "normal",
    }
    return [(e, summary) for e in enterprises], visits


def test_visits_path() -> None:
    assert visits_path(Path("/x/out.csv")) == Path("/x/out-visits.csv")
    assert visits_path(Path("out")) == Path("out-visits")


def test_json(tmp_path: Path) -> None:
    rows, visits = _sample()
    (path,) = export_data("json", tmp_path / "out.json", rows, visits)
    doc = orjson.loads(path.read_bytes())
    assert [e["classification"]["status"] for e in doc["enterprises"]] == ["eligible"] * 12
    assert [{k: v for k, v in e.items() if k != "classification"} for e in doc["enterprises"]] == [
        e.to_doc() for e, _ in rows
    ]
    assert doc["visits"] == [v.to_doc() for v in visits]


def test_csv_pair_reads_back(tmp_path: Path) -> None:
    rows, visits = _sample()
    files = export_data("csv", tmp_path / "out.csv", rows, visits)
    assert files == [tmp_path / "out.csv", tmp_path / "out-visits.csv", tmp_path / "out-founding.csv"]
    assert (
        files[0].read_bytes().startswith(b"\xef\xbb\xbf")
    )  # BOM: spreadsheet programs read Vietnamese right
    with files[1].open(encoding="utf-8-sig", newline="") as fh:
        visit_rows = list(csv.DictReader(fh))
    assert [r["id"] for r in visit_rows] == [v.id for v in visits]
    assert visit_rows[0]["note"] == visits[0].note
    plan = plan_import(read_table(files[0]), None)
    assert not plan.invalid
    fields = [f for f in Enterprise.CONTENT_FIELDS if f != "id"]
    assert [{f: getattr(e, f) for f in fields} for _, e in plan.created] == [
        {f: getattr(e, f) for f in fields} for e, _ in rows
    ]


def test_xlsx_three_sheets(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rows, visits = _sample()
    (path,) = export_data("xlsx", tmp_path / "out.xlsx", rows, visits)
    workbook = load_workbook(path, read_only=True)
    assert workbook.sheetnames == ["enterprises", "visits", "founding"]
    visit_rows = list(workbook["visits"].iter_rows(values_only=True))
    assert len(visit_rows) == len(visits) + 1 and visit_rows[1][0] == visits[0].id
    workbook.close()
    plan = plan_import(read_table(path), None)
    assert [e.tax_code for _, e in plan.created] == [e.tax_code for e, _ in rows]
    assert not list(tmp_path.glob(".*.tmp"))


def test_xlsx_keeps_text_that_looks_like_a_formula(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rows, visits = _sample()
    enterprise, summary = rows[0]
    rows[0] = (enterprise.edit(name='=HYPERLINK("http://x")'), summary)
    visits[0] = visits[0].edit(note="=1+1 người ký đơn", today=TODAY)
    (path,) = export_data("xlsx", tmp_path / "out.xlsx", rows, visits)
    workbook = load_workbook(path)  # not read-only: it tells formulas from text
    header = [c.value for c in workbook["enterprises"][1]]
    name_col = header.index("name") + 1
    note_col = [c.value for c in workbook["visits"][1]].index("note") + 1
    name_cell = workbook["enterprises"].cell(row=2, column=name_col)
    note_cell = workbook["visits"].cell(row=2, column=note_col)
    # text, and with the quote that keeps a spreadsheet from running it even once the cell is edited or re-saved
    assert (name_cell.value, name_cell.data_type) == ('\'=HYPERLINK("http://x")', "s")
    assert (note_cell.value, note_cell.data_type) == ("'=1+1 người ký đơn", "s")


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_an_export_held_open_by_another_program_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    """Windows refuses to replace a file Excel has open (a PermissionError): retried, then named."""
    rows, visits = _sample()
    target = tmp_path / f"out.{fmt}"
    target.write_bytes(b"the previous export")
    real_replace = os.replace

    def refused(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == target:
            raise PermissionError(errno.EACCES, "Access is denied", os.fspath(src))
        real_replace(src, dst)

    monkeypatch.setattr(fieldapp.files, "_sleep", lambda _: None)
    monkeypatch.setattr(fieldapp.files.os, "replace", refused)
    with pytest.raises(FileProblem) as caught:
        export_data(fmt, target, rows, visits)
    assert caught.value.code == "in_use"
    assert str(target) in caught.value.message(
        "en"
    ) and "another program has it open" in caught.value.message("en")
    assert str(target) in caught.value.message("vi") and "chương trình khác đang mở" in caught.value.message(
        "vi"
    )
    assert target.read_bytes() == b"the previous export"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]  # no temporary file left


def test_an_export_refused_twice_is_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows, visits = _sample()
    real_replace = os.replace
    refusals = iter([PermissionError(errno.EACCES, "Access is denied")] * 2)

    def refused_twice(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if (error := next(refusals, None)) is not None:
            raise error
        real_replace(src, dst)

    monkeypatch.setattr(fieldapp.files, "_sleep", lambda _: None)
    monkeypatch.setattr(fieldapp.files.os, "replace", refused_twice)
    (path,) = export_data("json", tmp_path / "out.json", rows, visits)
    assert len(orjson.loads(path.read_bytes())["visits"]) == 20
