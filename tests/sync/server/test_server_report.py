"""The monthly briefing report (``sync.server.report``) and its files, checked against the seeded district of
test_server_progress, whose true figures ``Truth`` counts from the seeded records (never with sync.server.progress).

- the figures of every line (the whole federation, each ward, each cadre), the month and the year to date, the
  targets and the percentages, the pipeline, the overdue steps and the enterprises ready to found, on SQLite and
  PostgreSQL;
- the XLSX read back with openpyxl (sheets, Vietnamese headers, frozen panes, charts, figures equal to the JSON),
  and opened by LibreOffice (headless ``soffice --convert-to csv``: every sheet, the same figures);
- the PDF: A4, its text has the Vietnamese names with their diacritics;
- ``fieldapp-server report``: the three formats, and the refusals (exit 2, the option named, no file written).
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner, Result
from openpyxl import load_workbook
from pypdf import PdfReader
from server_helpers import AppServer
from test_server_progress import CADRE_A, CADRE_B, TODAY_VN, WARD_A, WARD_B, Seeded, Truth, seed

from sync.server.cli import main
from sync.server.config import ENV_DATABASE_URL, ENV_FEDERATION_NAME, ENV_LANG
from sync.server.report import Report, ReportError, build_report, parse_month
from sync.server.report_pdf import report_pdf
from sync.server.report_xlsx import HEADER_ROW, report_xlsx
from sync.server.targets import set_target

D = date.fromisoformat
FEDERATION = "Liên đoàn Lao động quận Hai Bà Trưng"
SHEETS = ["Tổng hợp", "Theo phường", "Theo cán bộ", "Tiến độ thành lập", "Bước quá hạn", "Cần thành lập"]


@pytest.fixture
def district(any_server: AppServer) -> tuple[AppServer, Seeded]:
    seeded, _ = seed(any_server)
    engine = any_server.engine
    set_target(engine, 2026, new_unions=8, new_members=200, by="test")
    set_target(engine, 2026, ward=WARD_A, new_unions=3, by="test")
    set_target(engine, 2026, user=CADRE_B, new_members=40, by="test")
    return any_server, seeded


def _ready(seeded: Seeded, ids: set[str], day: date) -> list[str]:
    """Eligible on *day*, and no case that is not abandoned."""
    truth = Truth(seeded, day, day)
    busy = {c["enterprise_id"] for c in seeded.cases if c["state"] != "abandoned"}
    return sorted(i for i in ids if truth.eligible(i, day) and i not in busy)


def _check_line(line: dict[str, Any], seeded: Seeded, month: tuple[date, date], **scope: str | None) -> None:
    first, last = month
    for key, start in (("month", first), ("year", date(first.year, 1, 1))):
        truth = Truth(seeded, start, last, **scope)
        visits = truth.visits()
        recognized = truth.recognized()
        expected = {
            "recognized": len(recognized),
            "members_at_founding": sum(c["members"] for c in recognized),
            "new_members": truth.new_members(),
            "visits": len(visits),
            "enterprises_visited": len({v["enterprise_id"] for v in visits}),
            "newly_eligible": len(truth.newly_eligible()),
        }
        assert line[key] == expected, (key, scope)
    truth = Truth(seeded, first, last, **scope)
    assert line["pipeline"] == truth.cases_by_stage(), scope
    assert line["overdue"] == len(truth.overdue()), scope
    assert line["ready"] == len(_ready(seeded, truth.ids, last)), scope


def _percent(reached: int, target: int | None) -> float | None:
    return None if not target else round(100 * reached / target, 1)


@pytest.mark.parametrize("month", ["2026-05", "2026-12"])
def test_the_report_matches_the_seeded_district(district: tuple[AppServer, Seeded], month: str) -> None:
    server, seeded = district
    report = build_report(server.engine, month, federation=FEDERATION, today=TODAY_VN)
    got = report.to_dict()
    first = D(f"{month}-01")
    last = min(D(f"{month}-31") if month.endswith("05") else D("2026-12-31"), TODAY_VN)
    assert (got["from"], got["to"], got["year_from"]) == (first.isoformat(), last.isoformat(), "2026-01-01")
    assert got["federation"] == FEDERATION and got["total"]["scope"] == "federation"

    _check_line(got["total"], seeded, (first, last))
    assert [w["label"] for w in got["wards"]] == [WARD_B, WARD_A]  # by folded name: "bach mai" < "thanh nhan"
    for line, ward in zip(got["wards"], (WARD_B, WARD_A), strict=True):
        _check_line(line, seeded, (first, last), ward=ward)
    assert [c["user"] for c in got["cadres"]] == [CADRE_A, CADRE_B]
    for line in got["cadres"]:
        _check_line(line, seeded, (first, last), user=line["user"])

    # targets and the percentage of them reached in the year to date
    total, ward_a, cadre_b = got["total"], got["wards"][1], got["cadres"][1]
    assert total["target"] == {"new_unions": 8, "new_members": 200}
    assert total["percent"] == {
        "new_unions": _percent(total["year"]["recognized"], 8),
        "new_members": _percent(total["year"]["new_members"], 200),
    }
    assert ward_a["target"] == {"new_unions": 3, "new_members": None}
    assert ward_a["percent"]["new_unions"] == _percent(ward_a["year"]["recognized"], 3)
    assert ward_a["percent"]["new_members"] is None
    assert cadre_b["percent"]["new_members"] == _percent(cadre_b["year"]["new_members"], 40)
    assert got["wards"][0]["target"] == {"new_unions": None, "new_members": None}

    # the lists: overdue steps of the whole federation, the enterprises to act on
    truth = Truth(seeded, first, last)
    assert sorted((o["case_id"], o["step"]) for o in got["overdue"]) == truth.overdue()
    assert all(o["ward"] in (WARD_A, WARD_B) for o in got["overdue"])
    assert sorted(r["enterprise_id"] for r in got["ready"]) == _ready(seeded, truth.ids, last)
    # the seed exercises every part (a report of zeros would prove nothing)
    assert total["year"]["recognized"] and total["year"]["visits"] and got["overdue"] and got["ready"]
    assert json.loads(json.dumps(got)) == got


def test_a_ward_or_a_cadre_report_keeps_to_it(district: tuple[AppServer, Seeded]) -> None:
    server, seeded = district
    month = (D("2026-03-01"), D("2026-03-31"))
    ward = build_report(server.engine, "2026-03", ward="thanh nhan", today=TODAY_VN).to_dict()
    assert (ward["total"]["scope"], ward["total"]["ward"]) == ("ward", WARD_A)
    assert [w["label"] for w in ward["wards"]] == [WARD_A]
    assert [c["user"] for c in ward["cadres"]] == [CADRE_A]  # the cadre whose area it is
    _check_line(ward["total"], seeded, month, ward=WARD_A)
    assert {r["ward"] for r in ward["ready"]} <= {WARD_A}
    cadre = build_report(server.engine, "2026-03", user=CADRE_B, today=TODAY_VN).to_dict()
    assert [c["user"] for c in cadre["cadres"]] == [CADRE_B] and [w["label"] for w in cadre["wards"]] == [
        WARD_B
    ]
    _check_line(cadre["total"], seeded, month, user=CADRE_B)


def test_bad_months_and_scopes_are_refused_naming_the_option(district: tuple[AppServer, Seeded]) -> None:
    server, _ = district
    for bad in ("2026-13", "2026-3", "march", "1999-12", "2026-03-01", ""):
        with pytest.raises(ReportError, match="--month"):
            build_report(server.engine, bad, today=TODAY_VN)
    with pytest.raises(ReportError, match="has not begun"):
        parse_month("2027-01", TODAY_VN)
    with pytest.raises(ReportError, match="--ward"):
        build_report(server.engine, "2026-03", ward="Phường Không Có", today=TODAY_VN)
    with pytest.raises(ReportError, match="--user"):
        build_report(server.engine, "2026-03", user="nobody", today=TODAY_VN)


# --- the files ----------------------------------------------------------------------------------------------------
@pytest.fixture
def may(district: tuple[AppServer, Seeded]) -> Report:
    server, _ = district
    return build_report(server.engine, "2026-05", federation=FEDERATION, today=TODAY_VN)


def _line_cells(line: dict[str, Any]) -> list[Any]:
    """What a ward's or a cadre's row holds, from the JSON (percentages as fractions)."""
    m, y, t, p = line["month"], line["year"], line["target"], line["percent"]

    def frac(v: float | None) -> float | None:
        return None if v is None else round(v / 100, 6)

    return [
        line["label"],
        m["recognized"], m["new_members"], m["visits"], m["enterprises_visited"], m["newly_eligible"],
        y["recognized"], t["new_unions"], frac(p["new_unions"]), y["new_members"], t["new_members"],
        frac(p["new_members"]), y["visits"], line["overdue"], line["ready"],
    ]  # fmt: skip


def test_the_xlsx_has_a_sheet_per_view_vietnamese_headers_charts_and_the_json_figures(
    may: Report, tmp_path: Path
) -> None:
    path = tmp_path / "bao_cao.xlsx"
    path.write_bytes(report_xlsx(may))
    book = load_workbook(path)
    assert book.sheetnames == SHEETS
    data = may.to_dict()
    for ws in book.worksheets:
        assert ws["A1"].value == FEDERATION
        assert ws["A2"].value.startswith("Báo cáo giao ban tháng 05/2026")
        assert ws.freeze_panes == f"B{HEADER_ROW + 1}"
    wards = book["Theo phường"]
    headers = [c.value for c in wards[HEADER_ROW]]
    assert headers[:3] == ["Phường", "CĐCS được công nhận", "Đoàn viên mới"]
    assert wards.cell(HEADER_ROW - 1, 2).value == "Trong tháng"
    rows = [[c.value for c in row] for row in wards.iter_rows(min_row=HEADER_ROW + 1, max_row=HEADER_ROW + 2)]
    assert rows == [_line_cells(w) for w in data["wards"]]
    assert wards.cell(HEADER_ROW + 1, 9).number_format == "0.0%"
    cadres = book["Theo cán bộ"]
    rows = [
        [c.value for c in row] for row in cadres.iter_rows(min_row=HEADER_ROW + 1, max_row=HEADER_ROW + 2)
    ]
    assert rows == [_line_cells(c) for c in data["cadres"]]
    for name in ("Theo phường", "Theo cán bộ", "Tiến độ thành lập"):
        assert len(book[name]._charts) == 1, name
    pipeline = book["Tiến độ thành lập"]
    assert [c.value for c in pipeline[HEADER_ROW + 1]][2:8] == list(data["total"]["pipeline"].values())
    summary = book["Tổng hợp"]
    assert [c.value for c in summary[HEADER_ROW + 1]] == [
        "CĐCS được công nhận",
        data["total"]["month"]["recognized"],
        data["total"]["year"]["recognized"],
        8,
        round(data["total"]["percent"]["new_unions"] / 100, 6),
    ]
    ready = book["Cần thành lập"]
    assert [ready.cell(HEADER_ROW + 1 + i, 1).value for i in range(len(data["ready"]))] == [
        r["name"] for r in data["ready"]
    ]
    overdue = book["Bước quá hạn"]
    assert overdue.max_row == HEADER_ROW + len(data["overdue"])


def _soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        pytest.fail(
            "LibreOffice is missing: apt-get install libreoffice-calc libreoffice-writer (.ci/run does)"
        )
    return found


def test_libreoffice_opens_the_xlsx_with_its_figures(may: Report, tmp_path: Path) -> None:
    path = tmp_path / "bao_cao.xlsx"
    path.write_bytes(report_xlsx(may))
    out = tmp_path / "csv"
    # every sheet to its own CSV (the last token, -1), UTF-8 (76), values as shown (the "true" before it)
    done = subprocess.run(
        [_soffice(), f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
         "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = may.to_dict()
    with (out / "bao_cao-Theo phường.csv").open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == FEDERATION
    assert rows[HEADER_ROW - 1][:2] == ["Phường", "CĐCS được công nhận"]
    for row, ward in zip(rows[HEADER_ROW:], data["wards"], strict=False):
        assert row[0] == ward["label"]
        cells = _line_cells(ward)
        assert [int(v) if v else None for v in row[1:8]] == cells[1:8]
        assert row[8] == f"{ward['percent']['new_unions']:.1f}%" if cells[8] is not None else row[8] == ""
    with (out / "bao_cao-Cần thành lập.csv").open(encoding="utf-8") as fh:
        names = [row[0] for row in list(csv.reader(fh))[HEADER_ROW:]]
    assert names == [r["name"] for r in data["ready"]]


def test_the_pdf_is_a4_with_the_vietnamese_text(may: Report, tmp_path: Path) -> None:
    path = tmp_path / "bao_cao.pdf"
    path.write_bytes(report_pdf(may))
    reader = PdfReader(path)
    for page in reader.pages:
        size = sorted((round(float(page.mediabox.width)), round(float(page.mediabox.height))))
        assert size == [595, 842]  # A4 (landscape) in points
    text = "\n".join(page.extract_text() for page in reader.pages)
    for words in (FEDERATION, "Báo cáo giao ban tháng 05/2026", WARD_A, WARD_B, "Tiến độ thành lập",
                  "Cần thành lập", "Đoàn viên mới", may.ready[0].name):  # fmt: skip
        assert words in text, words


# --- the command line -----------------------------------------------------------------------------------------
def run(url: str, *args: str) -> Result:
    return CliRunner().invoke(
        main,
        ["--lang", "en", *args, "--database-url", url],
        env={ENV_DATABASE_URL: None, ENV_FEDERATION_NAME: FEDERATION},
    )


def test_the_command_writes_each_format(district: tuple[AppServer, Seeded], tmp_path: Path) -> None:
    server, _ = district
    url = server.database_url
    tmp_path = tmp_path / "out"  # the database's files are in tmp_path itself
    tmp_path.mkdir()
    json_file = tmp_path / "r.json"
    result = run(url, "report", "--month", "2026-05", "--format", "json", "--output", str(json_file))
    assert result.exit_code == 0, result.output
    written = json.loads(json_file.read_text(encoding="utf-8"))
    assert written["federation"] == FEDERATION and written["month"] == "2026-05"
    result = run(url, "report", "--month", "2026-05", "--format", "xlsx", "--output", str(tmp_path / "r.xlsx"),
                 "--ward", "bach mai", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["output"] == str(tmp_path / "r.xlsx")
    assert load_workbook(tmp_path / "r.xlsx")["By ward"].cell(HEADER_ROW + 1, 1).value == WARD_B  # --lang en
    vi = CliRunner().invoke(
        main, ["report", "--month", "2026-05", "--format", "xlsx", "--output", str(tmp_path / "r.xlsx"),
               "--ward", "bach mai", "--database-url", url],
        env={ENV_DATABASE_URL: None, ENV_FEDERATION_NAME: FEDERATION, ENV_LANG: None},
    )  # fmt: skip
    assert vi.exit_code == 0, vi.output  # Vietnamese, the default: the file follows the run's language
    assert load_workbook(tmp_path / "r.xlsx")["Theo phường"].cell(HEADER_ROW + 1, 1).value == WARD_B
    result = run(url, "report", "--month", "2026-05", "--format", "pdf", "--output", str(tmp_path / "r.pdf"),
                 "--user", CADRE_A)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert PdfReader(tmp_path / "r.pdf").pages
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "r.pdf", "r.xlsx"]  # no temp file left


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("--month", "2026-13"), "--month"),
        (("--month", "2099-01"), "--month"),
        (("--month", "2026-05", "--ward", "Phường Không Có"), "--ward"),
        (("--month", "2026-05", "--user", "nobody"), "--user"),
        (("--month", "2026-05", "--ward", WARD_A, "--user", CADRE_A), "--user"),
        (("--month", "2026-05", "--format", "docx"), "--format"),
    ],
)
def test_the_command_refuses_naming_the_option_and_writes_nothing(
    district: tuple[AppServer, Seeded], tmp_path: Path, args: tuple[str, ...], option: str
) -> None:
    server, _ = district
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    output = tmp_path / "r.xlsx"
    base = ("--format", "xlsx") if "--format" not in args else ()
    result = run(server.database_url, "report", *base, *args, "--output", str(output))
    assert result.exit_code == 2, result.output
    assert option in result.output
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_output_is_refused_and_an_old_file_kept(district: tuple[AppServer, Seeded],
                                                              tmp_path: Path) -> None:  # fmt: skip
    server, _ = district
    missing = tmp_path / "no such folder" / "r.xlsx"
    result = run(
        server.database_url, "report", "--month", "2026-05", "--format", "xlsx", "--output", str(missing)
    )
    assert result.exit_code == 2 and "--output" in result.output, result.output
    assert not missing.parent.exists()
    old = tmp_path / "r.pdf"
    old.write_bytes(b"the old report")
    result = run(server.database_url, "report", "--month", "2026-13", "--format", "pdf", "--output", str(old))
    assert result.exit_code == 2
    assert old.read_bytes() == b"the old report"


def test_a_report_open_in_another_program_is_retried_then_named(
    may: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows refuses to replace a file Excel holds open: the rename is retried, then refused naming the file."""
    from support.renames import refuse_renames

    from fieldapp.files import ReplaceRefused
    from sync.server.report_files import write_report

    target = tmp_path / "bao_cao.json"
    target.write_bytes(b"last month's report")
    pauses = refuse_renames(monkeypatch, times=2)
    write_report(may, "json", target)
    assert len(pauses) == 2 and orjson.loads(target.read_bytes())["month"] == "2026-05"

    refuse_renames(monkeypatch)  # every one, now
    written = target.read_bytes()
    with pytest.raises(ReplaceRefused) as refusal:
        write_report(may, "xlsx", target)
    assert str(target) in str(refusal.value) and target.read_bytes() == written
    assert not list(tmp_path.glob("*.tmp"))
