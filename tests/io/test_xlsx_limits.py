"""Files built to exhaust the laptop (issue 10, finding 14) and hidden sheets (finding 15).

The bombs are real XLSX files written here, streamed into the archive so the test itself stays small; the
commands run in a child process whose peak memory is measured.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest
from click.testing import Result
from openpyxl import Workbook

from fieldapp.io.errors import FileProblem
from fieldapp.io.readers import Limits, read_table

Run = Callable[..., Result]

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Danh sách" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    "</Relationships>"
)
_HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Tên doanh nghiệp</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>Số lao động</t></is></c></row>'
)


def write_sheet_xlsx(path: Path, rows: Iterator[bytes], *, dimension: str) -> Path:
    """A minimal workbook whose one sheet holds the header and *rows* (XML), written as it is generated."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(
                b'<?xml version="1.0" encoding="UTF-8"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + f'<dimension ref="{dimension}"/><sheetData>{_HEADER_ROW}'.encode()
            )
            for block in rows:
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
    return path


def repeated_rows(count: int) -> Iterator[bytes]:
    """*count* identical rows (no row numbers: each follows the last), in blocks."""
    row = '<row><c t="inlineStr"><is><t>Công ty TNHH Bom Nén</t></is></c><c><v>45</v></c></row>'.encode()
    block = row * 10_000
    for _ in range(count // 10_000):
        yield block


def numbered_rows(first: int, count: int) -> Iterator[bytes]:
    """*count* rows numbered from *first*, each a different enterprise, in blocks."""
    for start in range(first, first + count, 10_000):
        yield "".join(
            f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>Công ty {n}</t></is></c><c r="B{n}"><v>{n % 90}</v></c></row>'
            for n in range(start, min(start + 10_000, first + count))
        ).encode()


_CHILD = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=300)
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(repr((done.returncode, done.stdout, done.stderr, peak_kb)))
"""


def run_measured(*args: str) -> tuple[int, str, str, int]:
    """``fieldapp ARGS`` in a child process: exit code, stdout, stderr and the child's peak memory in MB."""
    fieldapp = [sys.executable, "-c", "from fieldapp.cli import main; main()"]
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *fieldapp, *args], capture_output=True, text=True, timeout=360
    )
    assert done.returncode == 0, done.stderr
    code, out, err, peak_kb = eval(done.stdout.strip().splitlines()[-1])  # noqa: S307 (our own child's repr)
    return code, out, err, peak_kb // 1024


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    return {
        # 1.6 million copies of one row: a few hundred kilobytes that inflate to 140 MB
        "repeated": write_sheet_xlsx(
            folder / "repeated.xlsx", repeated_rows(1_600_000), dimension="A1:B1600001"
        ),
        # rows that differ, so they pack only tenfold, and a sheet that claims two rows
        "numbered": write_sheet_xlsx(folder / "numbered.xlsx", numbered_rows(2, 250_000), dimension="A1:B2"),
    }


@pytest.mark.parametrize(("bomb", "cap"), [("repeated", "100"), ("numbered", "200000")])
@pytest.mark.parametrize("command", ["import", "classify"])
def test_a_bomb_is_refused_with_its_name_and_the_cap_in_bounded_memory(
    bombs: dict[str, Path], tmp_path: Path, bomb: str, cap: str, command: str
) -> None:
    path = bombs[bomb]
    args = ["--data-dir", str(tmp_path / "data"), "--lang", "en", command, str(path)]
    if command == "import":
        args.append("--dry-run")
    code, out, err, peak_mb = run_measured(*args)
    assert code == 1, err
    assert str(path) in err and cap in err and "was not read" in err, err
    assert "Traceback" not in err and out == ""
    assert peak_mb < 500, peak_mb
    assert not (tmp_path / "data" / "store.json").exists()  # nothing imported


def test_the_refusal_is_in_vietnamese_by_default(bombs: dict[str, Path], run: Run) -> None:
    result = run("import", str(bombs["numbered"]))
    assert result.exit_code == 1
    assert "có hơn 200000 dòng nên không được đọc" in result.stderr
    assert orjson.loads(run("enterprise", "list", "--json").stdout) == []


def _workbook(path: Path, sheets: list[tuple[str, str, list[list[object]]]], active: int = 0) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.active)  # type: ignore[arg-type]
    for title, state, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.sheet_state = state
        for row in rows:
            sheet.append(row)
    workbook.active = active
    workbook.save(path)
    return path


def _patched(source: Path, target: Path, *replacements: tuple[bytes, bytes]) -> Path:
    """A copy of the workbook *source* with each (old, new) replaced once in its xl/workbook.xml."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "xl/workbook.xml":
                for before, after in replacements:
                    assert before in data, before
                    data = data.replace(before, after, 1)
            new.writestr(info, data)
    return target


LIST = [["Tên doanh nghiệp", "Mã số thuế"], ["Công ty TNHH Hoa Sen", "0100109106"]]
SECRET = [["Tên doanh nghiệp"], ["Dòng ẩn không được nhập"]]


def test_a_hidden_first_sheet_is_not_read_and_the_sheet_read_is_named(run: Run, tmp_path: Path) -> None:
    made = _workbook(tmp_path / "made.xlsx", [("Ẩn", "hidden", SECRET), ("Danh sách", "visible", LIST)])
    # the hidden sheet is even the active one (openpyxl moves it off a hidden sheet: put it back)
    path = _patched(made, tmp_path / "hidden.xlsx", (b'activeTab="1"', b'activeTab="0"'))
    report = orjson.loads(run("import", str(path), "--json").stdout)
    assert (report["sheet"], report["other_sheets"], report["created"]) == ("Danh sách", [], 1)
    names = [e["name"] for e in orjson.loads(run("enterprise", "list", "--json").stdout)]
    assert names == ["Công ty TNHH Hoa Sen"]
    text = run("import", str(path), "--dry-run", lang="en")
    assert "Sheet read: “Danh sách”." in text.stderr and "other visible sheets" not in text.stderr
    classified = run("classify", str(path), "--format", "json")
    assert [r["name"] for r in json.loads(classified.stdout)] == ["Công ty TNHH Hoa Sen"]
    assert "“Danh sách”" in classified.stderr


def test_the_active_visible_sheet_is_read_and_the_others_are_named(run: Run, tmp_path: Path) -> None:
    path = _workbook(
        tmp_path / "two.xlsx",
        [("Ẩn", "hidden", SECRET), ("Cũ", "visible", SECRET), ("Mới", "visible", LIST)],
        active=2,
    )
    result = run("import", str(path), "--dry-run", lang="en")
    assert "Sheet read: “Mới”." in result.stderr
    assert "Warning: the workbook has other visible sheets (“Cũ”); only “Mới” was read." in result.stderr
    report = orjson.loads(run("import", str(path), "--dry-run", "--json").stdout)
    assert (report["sheet"], report["other_sheets"]) == ("Mới", ["Cũ"])


def test_a_workbook_with_no_visible_sheet_is_refused(run: Run, tmp_path: Path) -> None:
    # openpyxl will not write such a workbook: hide its one visible sheet in the file itself
    made = _workbook(tmp_path / "made.xlsx", [("Ẩn", "hidden", LIST), ("Hiện", "visible", LIST)])
    path = _patched(made, tmp_path / "none.xlsx", (b'state="visible"', b'state="hidden"'))
    result = run("import", str(path), lang="en")
    assert result.exit_code == 1 and "has no visible sheet" in result.stderr


def test_rows_beyond_the_sheets_claimed_dimension_are_read(tmp_path: Path) -> None:
    path = write_sheet_xlsx(tmp_path / "liar.xlsx", numbered_rows(2, 5), dimension="A1:B2")
    assert [row.values["name"] for row in read_table(path).rows] == [f"Công ty {n}" for n in range(2, 7)]


def test_a_row_far_wider_than_a_list_is_refused(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "wide.xlsx", [("Rộng", "visible", [["Tên doanh nghiệp", *(["x"] * 300)]])])
    with pytest.raises(FileProblem) as caught:
        read_table(path)
    assert caught.value.code == "too_many_columns" and "200" in caught.value.message("en")


@pytest.mark.parametrize(
    ("limits", "code"),
    [
        (Limits(rows=4), "too_many_rows"),
        (Limits(cells=8), "too_many_cells"),
        (Limits(uncompressed_bytes=1_000), "too_big"),
        (Limits(ratio=2, ratio_floor=100), "too_compressed"),
    ],
)
def test_each_limit_refuses_a_file_beyond_it(tmp_path: Path, limits: Limits, code: str) -> None:
    path = write_sheet_xlsx(tmp_path / "list.xlsx", numbered_rows(2, 20), dimension="A1:B21")
    assert len(read_table(path).rows) == 20  # within the default limits
    with pytest.raises(FileProblem) as caught:
        read_table(path, limits)
    assert caught.value.code == code and str(path) in caught.value.message("vi")


def test_a_csv_beyond_the_limits_is_refused(make_csv: Callable[..., Path]) -> None:
    path = make_csv([["Tên doanh nghiệp"], *([f"Công ty {n}"] for n in range(10))])
    assert len(read_table(path).rows) == 10
    for limits, code in ((Limits(rows=5), "too_many_rows"), (Limits(uncompressed_bytes=50), "too_big")):
        with pytest.raises(FileProblem) as caught:
            read_table(path, limits)
        assert caught.value.code == code
