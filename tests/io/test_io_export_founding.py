"""The founding cases in ``fieldapp export``: every case with its figures in JSON, CSV and XLSX, its stage and
overdue step from the core, notes that look like formulas neutralised, the header in the export's language."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from fieldapp.core.cells import cell_text
from fieldapp.core.founding import FoundingCase, due_steps, pause, record_step, start_case
from fieldapp.core.records import Enterprise
from fieldapp.core.rules import default_rules
from fieldapp.io.demo import generate_demo
from fieldapp.io.export import Summarised, export_data, founding_path
from fieldapp.io.founding_table import FOUNDING_COLUMNS, case_summary

TODAY = date(2026, 11, 23)
RULES = default_rules()
NOTE = "=1+1 người ký đơn, giám đốc hẹn lại"
HEAD = "@Nguyễn Văn Tám"


def _cases(enterprises: list[Enterprise]) -> list[FoundingCase]:
    """Four cases: just started (its head's name looks like a formula), overdue after its congress, paused with a
    note that looks like a formula and a corrected step in its history, recognized."""
    a, b, c, d = (e.id for e in enterprises[:4])
    started = start_case(a, "2026-11-02", committee_members=5, committee_head=HEAD, today=TODAY)
    late = start_case(b, "2026-03-02", today=TODAY)
    late = record_step(
        late, "applications", RULES, today=TODAY, applications_on="2026-04-01", applications=40
    )
    late = record_step(
        late,
        "congress",
        RULES,
        today=TODAY,
        congress_on="2026-05-04",
        congress_attending=35,
        bch_size=5,
        inspection_size=3,
    )
    paused = start_case(c, "2026-06-01", today=TODAY)
    paused = record_step(
        paused, "applications", RULES, today=TODAY, applications_on="2026-06-10", applications=8
    )
    paused = record_step(paused, "applications", RULES, today=TODAY, applications=12)  # a correction
    paused = pause(paused, "employer_obstruction", NOTE)
    done = start_case(d, "2026-01-05", today=TODAY)
    steps: list[tuple[str, dict[str, Any]]] = [
        ("applications", {"applications_on": "2026-01-20", "applications": 30}),
        (
            "congress",
            {"congress_on": "2026-02-03", "congress_attending": 28, "bch_size": 5, "inspection_size": 3},
        ),
        ("bch_meeting", {"bch_meeting_on": "2026-02-05"}),
        ("dossier", {"dossier_on": "2026-02-10"}),
        (
            "recognized",
            {"recognized_on": "2026-02-24", "decision_number": "12/QĐ-LĐLĐ", "members_at_founding": 28},
        ),
    ]
    for step, fields in steps:
        done = record_step(done, step, RULES, today=TODAY, **fields)
    return [started, late, paused, done]


@pytest.fixture
def sample() -> tuple[list[tuple[Enterprise, dict[str, Any]]], list[Any], list[Summarised]]:
    enterprises, visits = generate_demo(enterprises=6, visits=4, seed=3, today=TODAY)
    by_id = {e.id: e for e in enterprises}
    founding = []
    for case in _cases(enterprises):
        firm = by_id[case.enterprise_id]
        founding.append((case, case_summary(case, firm.name, firm.tax_code, RULES, TODAY)))
    return [(e, {}) for e in enterprises], visits, founding


def _flat(case: FoundingCase, summary: dict[str, Any]) -> list[str]:
    """The row a spreadsheet should show for *case*, every value as text."""
    row = {**case.to_doc(), **summary}
    return ["" if row[c] is None else str(row[c]) for c in FOUNDING_COLUMNS]


def test_the_summary_comes_from_the_core(sample) -> None:  # type: ignore[no-untyped-def]
    _, _, founding = sample
    summaries = [s for _, s in founding]
    assert [s["stage"] for s in summaries] == ["committee", "congress", "applications", "recognized"]
    assert [s["overdue_step"] for s in summaries] == [None, "bch_meeting", None, None]
    late, _ = founding[1]
    first = next(s for s in due_steps(late, RULES, TODAY) if s.overdue)
    assert first.due_on is not None and summaries[1]["overdue_due_on"] == first.due_on.isoformat()
    assert summaries[1]["name"] and summaries[1]["tax_code"]


def test_json_holds_every_case_with_its_figures_and_history(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows, visits, founding = sample
    (path,) = export_data("json", tmp_path / "out.json", rows, visits, founding)
    doc = orjson.loads(path.read_bytes())
    extra = {"name", "tax_code", "stage", "overdue_step", "overdue_due_on"}
    back = [FoundingCase.parse({k: v for k, v in d.items() if k not in extra}) for d in doc["founding_cases"]]
    assert back == [case for case, _ in founding]
    assert [{k: d[k] for k in extra} for d in doc["founding_cases"]] == [s for _, s in founding]
    paused = doc["founding_cases"][2]
    assert (paused["state"], paused["state_reason"], paused["state_note"]) == (
        "paused",
        "employer_obstruction",
        NOTE,
    )
    assert [h["step"] for h in paused["history"]] == ["applications", "state"]  # JSON keeps text as it is


def test_csv_file_holds_every_case(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows, visits, founding = sample
    files = export_data("csv", tmp_path / "out.csv", rows, visits, founding, lang="en")
    assert files[2] == founding_path(tmp_path / "out.csv") == tmp_path / "out-founding.csv"
    assert files[2].read_bytes().startswith(b"\xef\xbb\xbf")
    with files[2].open(encoding="utf-8-sig", newline="") as fh:
        header, *body = list(csv.reader(fh))
    assert len(header) == len(FOUNDING_COLUMNS)
    assert [[cell_text(v) for v in row] for row in body] == [_flat(c, s) for c, s in founding]
    # the notes a spreadsheet would run come out as text, with the quote import takes off again
    assert body[2][FOUNDING_COLUMNS.index("state_note")] == "'" + NOTE
    assert body[0][FOUNDING_COLUMNS.index("committee_head")] == "'" + HEAD


def test_xlsx_sheet_holds_every_case_and_runs_nothing(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    rows, visits, founding = sample
    (path,) = export_data("xlsx", tmp_path / "out.xlsx", rows, visits, founding)
    workbook = load_workbook(path)  # not read-only: it tells formulas from text
    sheet = workbook["founding"]
    header, *body = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(header) == len(FOUNDING_COLUMNS)
    text = [["" if v is None else cell_text(str(v)) for v in row] for row in body]
    assert text == [_flat(c, s) for c, s in founding]
    members = FOUNDING_COLUMNS.index("members_at_founding")
    assert body[3][members] == 28  # a figure stays a number
    note = sheet.cell(row=4, column=FOUNDING_COLUMNS.index("state_note") + 1)
    assert (note.value, note.data_type) == ("'" + NOTE, "s")
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("vi", ["Mã số thuế", "Giai đoạn", "Bước quá hạn", "Lý do", "Ngày đại hội thành lập"]),
        ("en", ["Tax code", "Stage", "Overdue step", "Reason", "Founding congress date"]),
    ],
)
def test_the_header_is_in_the_export_language(sample, tmp_path: Path, lang: str, words: list[str]) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    rows, visits, founding = sample
    files = export_data("csv", tmp_path / "out.csv", rows, visits, founding, lang=lang)  # type: ignore[arg-type]
    with files[2].open(encoding="utf-8-sig", newline="") as fh:
        csv_header = next(csv.reader(fh))
    (book,) = export_data("xlsx", tmp_path / "out.xlsx", rows, visits, founding, lang=lang)  # type: ignore[arg-type]
    xlsx_header = [c.value for c in next(load_workbook(book, read_only=True)["founding"].iter_rows())]
    assert csv_header == xlsx_header
    assert set(words) <= set(csv_header)
    # the enterprises keep their field names whatever the language: they import back
    with files[0].open(encoding="utf-8-sig", newline="") as fh:
        assert {"id", "name", "tax_code"} <= set(next(csv.reader(fh)))


def test_no_case_still_writes_the_founding_table(tmp_path: Path) -> None:
    enterprises, visits = generate_demo(enterprises=2, visits=1, seed=1, today=TODAY)
    files = export_data("csv", tmp_path / "out.csv", [(e, {}) for e in enterprises], visits)
    with files[2].open(encoding="utf-8-sig", newline="") as fh:
        assert len(list(csv.reader(fh))) == 1  # the header only
