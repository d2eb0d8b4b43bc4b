"""``fieldapp export``: JSON round trip, the CSV pair, XLSX."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner, Result

from fieldapp.cli import main
from fieldapp.core.founding import STEPS
from fieldapp.core.records import Enterprise, Visit
from fieldapp.store import Store

Run = Callable[..., Result]


def test_json_round_trip(run: Run, stored: Callable[..., Any], tmp_path: Path) -> None:
    assert run("demo", "--enterprises", "40", "--visits", "90", "--seed", "4").exit_code == 0
    out = tmp_path / "export.json"
    result = run("export", "--format", "json", "--output", str(out))
    assert result.exit_code == 0, result.output
    doc = orjson.loads(out.read_bytes())
    enterprises, visits = stored()
    assert len(doc["enterprises"]) == 40 and len(doc["visits"]) == 90
    back = {
        e.id: e
        for e in (
            Enterprise.parse({k: v for k, v in d.items() if k != "classification"})
            for d in doc["enterprises"]
        )
    }
    assert back == {e.id: e for e in enterprises}
    assert {v.id: v for v in (Visit.parse(d) for d in doc["visits"])} == {v.id: v for v in visits}
    for d in doc["enterprises"]:
        assert set(d) == set(Enterprise.model_fields) | {"content_hash", "classification"}
        assert d["classification"]["status"] in {"eligible", "not_eligible", "unionized", "unknown"}
        assert isinstance(d["classification"]["reasons"], list)


def test_csv_pair_and_reimport(run: Run, run_json: Callable[..., Any], tmp_path: Path) -> None:
    assert run("demo", "--enterprises", "25", "--visits", "40").exit_code == 0
    out = tmp_path / "export.csv"
    assert run("export", "--format", "csv", "--output", str(out)).exit_code == 0
    with (tmp_path / "export-visits.csv").open(encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.DictReader(fh))) == 40
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 25 and {"classification_status", "classification_reasons"} <= set(rows[0])
    report = orjson.loads(run("import", str(out), "--json").stdout)
    assert (report["created"], report["updated"], report["unchanged"], report["invalid"]) == (0, 0, 25, 0)


def test_xlsx(run: Run, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    assert run("demo", "--enterprises", "10", "--visits", "15").exit_code == 0
    out = tmp_path / "export.xlsx"
    assert run("export", "--format", "xlsx", "--output", str(out)).exit_code == 0
    workbook = load_workbook(out, read_only=True)
    assert workbook.sheetnames == ["enterprises", "visits", "founding"]
    assert len(list(workbook["enterprises"].iter_rows())) == 11
    workbook.close()


def test_usage_and_unwritable(run: Run, tmp_path: Path) -> None:
    assert run("export", "--format", "pdf", "--output", str(tmp_path / "x.pdf")).exit_code == 2
    assert run("export", "--format", "json").exit_code == 2
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("export", "--format", "json", "--output", str(blocker / "sub" / "out.json"))
    assert result.exit_code == 1 and "out.json" in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_imports_whole_into_a_new_folder(
    run: Run, tmp_path: Path, stored: Callable[..., Any], fmt: str
) -> None:
    assert run("demo", "--enterprises", "60", "--visits", "10", "--seed", "2").exit_code == 0
    out = tmp_path / f"export.{fmt}"
    assert run("export", "--format", fmt, "--output", str(out)).exit_code == 0
    other = tmp_path / "other"
    result = CliRunner().invoke(main, ["--data-dir", str(other), "import", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout)["created"] == 60

    def content(enterprises: list[Enterprise]) -> list[dict[str, Any]]:
        return sorted(
            ({k: v for k, v in e.content().items() if k != "id"} for e in enterprises),
            key=lambda d: d["tax_code"],
        )

    with Store.open(other, readonly=True) as store:
        assert content(store.enterprises()) == content(stored()[0])


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_every_founding_case_is_exported_as_founding_list_and_due_see_it(
    run: Run, run_json: Callable[..., Any], tmp_path: Path, fmt: str
) -> None:
    """The demo's cases (every stage, paused, abandoned, some overdue) come out whole in each format: stage and
    state as ``founding list`` says, the overdue step the first one ``founding due`` calls overdue."""
    assert run("demo", "--enterprises", "120", "--visits", "30", "--seed", "6").exit_code == 0
    listed = {r["case_id"]: r for r in run_json("founding", "list", "--json")}
    overdue: dict[str, list[str]] = {}
    for r in run_json("founding", "due", "--json"):
        if r["overdue"]:
            overdue.setdefault(r["case_id"], []).append(r["step"])
    assert len(listed) >= 8 and overdue, "the demo holds cases at every stage, some overdue"
    out = tmp_path / f"export.{fmt}"
    result = run("export", "--format", fmt, "--output", str(out), lang="en")
    assert result.exit_code == 0, result.output
    assert f"and {len(listed)} founding cases" in result.stderr
    rows = _founding_rows(fmt, out)
    assert {r["id"] for r in rows} == set(listed)
    for r in rows:
        case = listed[r["id"]]
        assert (r["name"], r["tax_code"], r["stage"], r["state"]) == (
            case["name"],
            case["tax_code"] or "",
            case["stage"],
            case["state"],
        )
        assert (r["state_reason"] or "") == (case["state_reason"] or "")
        first = min(overdue.get(r["id"], ()), key=STEPS.index, default="")  # in the order steps are done
        assert (r["overdue_step"] or "") == first
        assert r["committee_on"] == case["started_on"]


def _founding_rows(fmt: str, out: Path) -> list[dict[str, Any]]:
    """The founding table of an export as dicts by column name (JSON: its founding_cases)."""
    from fieldapp.io.founding_table import FOUNDING_COLUMNS

    if fmt == "json":
        return [
            {k: ("" if v is None else v) for k, v in d.items()}
            for d in orjson.loads(out.read_bytes())["founding_cases"]
        ]
    if fmt == "csv":
        with (out.parent / f"{out.stem}-founding.csv").open(encoding="utf-8-sig", newline="") as fh:
            header, *body = list(csv.reader(fh))
    else:
        from openpyxl import load_workbook

        workbook = load_workbook(out, read_only=True)
        header, *body = [["" if v is None else v for v in row] for row in workbook["founding"].values]
        workbook.close()
    assert header[:4] == ["Record id", "Enterprise", "Enterprise name", "Tax code"]  # --lang en
    return [dict(zip(FOUNDING_COLUMNS, row, strict=True)) for row in body]
