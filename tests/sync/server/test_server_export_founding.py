"""``fieldapp-server export`` on each database: every founding case comes out with its figures, its stage and its
overdue step (the core's), notes that look like formulas neutralised, the header in ``--lang``; and an export
that Windows refuses to rename onto a file open in Excel is tried again, then named, the old file left whole."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from server_helpers import AppServer, enterprise, item
from support.renames import refuse_renames

from fieldapp.core.cells import cell_text
from fieldapp.core.founding import FoundingCase, pause, record_step, start_case
from fieldapp.core.rules import default_rules
from fieldapp.io.founding_table import FOUNDING_COLUMNS
from sync.server.cli import main
from sync.server.config import ENV_DATABASE_URL

RULES = default_rules()
NOTE = "=1+1 người ký đơn, giám đốc hẹn lại"
HEAD = "@Nguyễn Văn Tám"
SUMMARY = ("name", "tax_code", "stage", "overdue_step", "overdue_due_on")


def _run(server: AppServer, *args: str) -> Result:
    return CliRunner().invoke(
        main,
        ["--lang", "en", "export", *args, "--database-url", server.database_url],
        env={ENV_DATABASE_URL: None},
    )


def _ago(days: int) -> str:
    return (date.today() - timedelta(days=days)).isoformat()


def _fill(server: AppServer) -> tuple[list[dict[str, Any]], list[FoundingCase]]:
    """Three enterprises, each with a case: just started (its head's name looks like a formula), past its
    congress with the BCH meeting long overdue, paused with a note that looks like a formula after a correction."""
    firms = [enterprise(name=f"Công ty TNHH Số {n}") for n in range(3)]
    started = start_case(firms[0]["id"], _ago(5), committee_members=4, committee_head=HEAD)
    late = start_case(firms[1]["id"], _ago(200))
    late = record_step(late, "applications", RULES, applications_on=_ago(190), applications=30)
    late = record_step(
        late,
        "congress",
        RULES,
        congress_on=_ago(180),
        congress_attending=27,
        bch_size=5,
        inspection_size=3,
    )
    paused = start_case(firms[2]["id"], _ago(60))
    paused = record_step(paused, "applications", RULES, applications_on=_ago(50), applications=6)
    paused = record_step(paused, "applications", RULES, applications=9)
    paused = pause(paused, "employer_obstruction", NOTE)
    cases = [started, late, paused]
    admin = server.api("admin", "office")
    pushed = [*(item("enterprise", f) for f in firms), *(item("founding_case", c.content()) for c in cases)]
    assert {r["status"] for r in admin.push(pushed)} == {"accepted"}
    return firms, cases


def test_every_case_in_json_csv_and_xlsx(any_server: AppServer, tmp_path: Path) -> None:
    import json

    firms, cases = _fill(any_server)
    by_id = {c.id: c for c in cases}
    firm_of = {f["id"]: f for f in firms}

    result = _run(any_server, "--format", "json", "--output", str(tmp_path / "all.json"), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["founding_cases"] == 3
    doc = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    rows = doc["founding_cases"]
    assert sorted(r["id"] for r in rows) == sorted(by_id)
    for row in rows:
        case, firm = by_id[row["id"]], firm_of[row["enterprise_id"]]
        assert {k: v for k, v in row.items() if k not in (*SUMMARY, "server_version")} == case.content()
        assert (row["name"], row["tax_code"], row["server_version"]) == (firm["name"], firm["tax_code"], 1)
        assert row["stage"] == case.stage.value
    stages = {by_id[r["id"]].enterprise_id: (r["stage"], r["overdue_step"]) for r in rows}
    assert [stages[f["id"]] for f in firms] == [
        ("committee", None),
        ("congress", "bch_meeting"),
        ("applications", None),
    ]

    folder = tmp_path / "csv"
    result = _run(any_server, "--format", "csv", "--output", str(folder), "--lang", "vi")
    assert (
        result.exit_code == 0
        and "1 founding cases" not in result.stdout
        and "3 founding cases" in result.stdout
    )
    assert sorted(p.name for p in folder.iterdir()) == ["enterprises.csv", "founding.csv", "visits.csv"]
    with (folder / "founding.csv").open(encoding="utf-8-sig", newline="") as fh:
        header, *body = list(csv.reader(fh))
    assert {"Mã số thuế", "Giai đoạn", "Bước quá hạn", "Phiên bản máy chủ"} <= set(
        header
    )  # export --lang vi: the sheet's header, whatever the run's language
    columns = (*FOUNDING_COLUMNS, "server_version")
    csv_rows = {r["id"]: r for r in (dict(zip(columns, row, strict=True)) for row in body)}
    assert csv_rows[cases[2].id]["state_note"] == "'" + NOTE
    assert csv_rows[cases[0].id]["committee_head"] == "'" + HEAD
    assert cell_text(csv_rows[cases[2].id]["state_note"]) == NOTE
    assert (csv_rows[cases[1].id]["congress_attending"], csv_rows[cases[2].id]["applications"]) == ("27", "9")

    book = tmp_path / "all.xlsx"
    assert _run(any_server, "--format", "xlsx", "--output", str(book), "--lang", "en").exit_code == 0
    workbook = load_workbook(book)  # not read-only: it tells formulas from text
    assert workbook.sheetnames == ["enterprises", "visits", "founding"]
    sheet = workbook["founding"]
    header, *values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert {"Tax code", "Stage", "Overdue step", "Server version"} <= set(header)
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    xlsx_rows = {r["id"]: r for r in (dict(zip(columns, row, strict=True)) for row in values)}
    assert xlsx_rows[cases[2].id]["state_note"] == "'" + NOTE
    assert xlsx_rows[cases[1].id]["congress_attending"] == 27  # a figure stays a number
    assert xlsx_rows[cases[1].id]["overdue_step"] == "bch_meeting"
    assert [c.value for c in workbook["enterprises"][1]][:1] == [
        "id"
    ]  # field names: the registry import reads them


@pytest.mark.parametrize("fmt", ["json", "xlsx", "csv"])
def test_an_export_open_in_another_program_is_retried_then_named(
    server: AppServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    _fill(server)
    target = tmp_path / ("out" if fmt == "csv" else f"out.{fmt}")
    previous = target / "enterprises.csv" if fmt == "csv" else target
    previous.parent.mkdir(parents=True, exist_ok=True)
    previous.write_bytes(b"the previous export")
    pauses = refuse_renames(monkeypatch, times=2)
    assert _run(server, "--format", fmt, "--output", str(target)).exit_code == 0
    assert len(pauses) == 2 and previous.read_bytes() != b"the previous export"

    written = previous.read_bytes()
    refuse_renames(monkeypatch)  # every one, now
    result = _run(server, "--format", fmt, "--output", str(target))
    assert result.exit_code == 1 and str(previous) in result.stderr
    assert previous.read_bytes() == written
    assert not [p.name for p in tmp_path.rglob("*.tmp")]  # no temporary file left
