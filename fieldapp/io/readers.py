"""Read an enterprise list (CSV or XLSX) into rows keyed by canonical column, with spreadsheet row numbers.

CSV: UTF-8 with or without a byte-order mark, comma, semicolon or tab separated (the separator that makes the most
known headers wins). XLSX: the active sheet when it is visible, else the first visible sheet (a hidden sheet is
never read), streamed row by row by openpyxl in read-only mode. The header is the first row, among the first 20,
that names the enterprise-name column, so a title line above the table is fine. Row numbers are the ones the user
sees in a spreadsheet (the first line is row 1).

A file from outside may be built to exhaust the laptop (a few megabytes of XLSX that inflate to gigabytes, or a
sheet that claims millions of rows). ``Limits`` bounds what is read: the archive's uncompressed size and each
member's compression ratio are checked before anything is inflated, the sheet's rows and cells are counted as it
inflates (its own "dimension" claim is ignored), and a file over a limit is refused whole with a message naming it
and the limit.

Text cells lose the one leading ``'`` our exports put before text that would start a formula
(``fieldapp.core.cells.cell_text``), so an export imports back unchanged.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldapp.core.cells import cell_text
from fieldapp.io.columns import column_for_header
from fieldapp.io.errors import FileProblem

__all__ = ["Limits", "SheetRow", "Table", "read_table"]

_HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True, slots=True)
class Limits:
    """What a file may hold. The defaults take a whole province's list (200,000 rows of our own export's 25
    columns) with room to spare, and keep a hostile file's cost to a few hundred megabytes."""

    rows: int = 200_000
    columns: int = 200
    cells: int = 5_000_000
    #: the whole archive inflated (XLSX), or the file itself (CSV)
    uncompressed_bytes: int = 200_000_000
    #: how much one XLSX member may inflate, for members bigger than ratio_floor bytes
    ratio: int = 100
    ratio_floor: int = 1_000_000


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One data row: its number as a spreadsheet shows it, and its cells by canonical column (None when empty)."""

    number: int
    values: dict[str, Any]


@dataclass(slots=True)
class Table:
    """A list read from a file; for XLSX, the sheet read and the workbook's other visible sheets."""

    path: Path
    header_row: int
    columns: tuple[str, ...]
    ignored_headers: tuple[str, ...]
    rows: list[SheetRow] = field(default_factory=list)
    sheet: str | None = None
    other_sheets: tuple[str, ...] = ()


def read_table(path: str | Path, limits: Limits = Limits()) -> Table:
    """Read *path* (``.csv`` or ``.xlsx``); raise FileProblem when it cannot be read as a list of enterprises or
    is beyond *limits*."""
    path = Path(path)
    if not path.is_file():
        raise FileProblem("not_found", path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return _from_lines(path, _csv_rows(path, limits), limits)
    if suffix in (".xlsx", ".xlsm"):
        sheet, others, lines = _open_xlsx(path, limits)
        table = _from_lines(path, lines, limits)
        table.sheet, table.other_sheets = sheet, others
        return table
    raise FileProblem("unsupported", path)


def _clean(cell: Any) -> Any:
    if isinstance(cell, str):
        cell = cell_text(cell.strip())
        return cell or None
    return cell


def _counted(
    path: Path, lines: Iterable[tuple[int, Sequence[Any]]], limits: Limits
) -> Iterator[tuple[int, Sequence[Any]]]:
    """*lines*, refused as soon as they go beyond *limits* (counted as read, whatever the file claims)."""
    cells = 0
    for number, row in lines:
        if number > limits.rows:
            raise FileProblem("too_many_rows", path, limit=limits.rows)
        width = len(row)
        cells += width
        if cells > limits.cells:
            raise FileProblem("too_many_cells", path, limit=limits.cells)
        if width > limits.columns:
            # empty cells a spreadsheet kept far to the right do not count as columns
            while row and row[-1] in (None, ""):
                row = row[:-1]
            if len(row) > limits.columns:
                raise FileProblem("too_many_columns", path, limit=limits.columns)
        yield number, row


def _from_lines(path: Path, lines: Iterable[tuple[int, Sequence[Any]]], limits: Limits) -> Table:
    iterator = _counted(path, lines, limits)
    mapping: dict[int, str] | None = None
    header_row = 0
    ignored: list[str] = []
    for number, cells in iterator:
        mapping, ignored = _header(path, cells)
        if "name" in mapping.values():
            header_row = number
            break
        mapping = None
        if number >= _HEADER_SEARCH_ROWS:
            break
    if mapping is None:
        raise FileProblem("no_name_column", path)
    table = Table(path, header_row, tuple(mapping.values()), tuple(ignored))
    for number, cells in iterator:
        values = {column: _clean(cells[i]) if i < len(cells) else None for i, column in mapping.items()}
        if any(v is not None for v in values.values()):
            table.rows.append(SheetRow(number, values))
    return table


def _header(path: Path, cells: Sequence[Any]) -> tuple[dict[int, str], list[str]]:
    mapping: dict[int, str] = {}
    ignored: list[str] = []
    seen: dict[str, str] = {}
    for index, cell in enumerate(cells):
        if cell is None or str(cell).strip() == "":
            continue
        column = column_for_header(cell)
        if column is None:
            ignored.append(str(cell).strip())
            continue
        if column in seen:
            raise FileProblem(
                "duplicate_column", path, column=column, first=seen[column], second=str(cell).strip()
            )
        seen[column] = str(cell).strip()
        mapping[index] = column
    return mapping, ignored


# --- CSV -----------------------------------------------------------------------------------------------
def _csv_rows(path: Path, limits: Limits) -> Iterator[tuple[int, list[str]]]:
    try:
        if path.stat().st_size > limits.uncompressed_bytes:
            raise FileProblem("too_big", path, limit=limits.uncompressed_bytes // 1_000_000)
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem("not_utf8", path) from None
    except OSError as exc:
        raise FileProblem("unreadable", path, reason=exc.strerror or str(exc)) from None
    delimiter = _sniff_delimiter(text)
    try:
        # csv counts physical lines, so a quoted cell spanning lines keeps the numbers right
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        start = 1
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as exc:
        raise FileProblem("unreadable", path, reason=str(exc)) from None


def _sniff_delimiter(text: str) -> str:
    head = "\n".join(text.splitlines()[:_HEADER_SEARCH_ROWS])
    best, best_score = ",", -1
    for delimiter in (",", ";", "\t"):
        try:
            lines = list(csv.reader(io.StringIO(head), delimiter=delimiter))
        except csv.Error:
            continue
        score = max((sum(column_for_header(c) is not None for c in cells) for cells in lines), default=0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# --- XLSX ----------------------------------------------------------------------------------------------
# A tag of a sheet or of the shared strings, with or without a namespace prefix ("<row ", "<x:c>", "<si>")
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|si)[\s/>]")
_CHUNK = 1 << 20


def _open_xlsx(
    path: Path, limits: Limits
) -> tuple[str, tuple[str, ...], Iterator[tuple[int, Sequence[Any]]]]:
    """Check *path* against *limits*, open it and choose its sheet: (sheet name, other visible sheets, rows)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    unreadable = (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        InvalidFileException,
        KeyError,
        OSError,
        ValueError,
    )
    try:
        with zipfile.ZipFile(path) as archive:
            _check_archive(path, archive, limits)
            for name in archive.namelist():
                if name.lower().endswith("sharedstrings.xml"):  # openpyxl reads them all when it opens
                    _scan(path, archive, name, limits)
        # read-only: the sheet is parsed row by row as it is read, never held whole
        workbook = load_workbook(path, read_only=True, data_only=True)
    except FileProblem:  # a ValueError too, but already says what is wrong
        raise
    except unreadable as exc:
        raise FileProblem("unreadable", path, reason=type(exc).__name__) from None
    try:
        sheet, others = _choose_sheet(path, workbook)
        with zipfile.ZipFile(path) as archive:
            _scan(path, archive, sheet._worksheet_path, limits)
    except BaseException as exc:
        workbook.close()
        if isinstance(exc, unreadable) and not isinstance(exc, FileProblem):
            raise FileProblem("unreadable", path, reason=type(exc).__name__) from None
        raise
    # the sheet's own "dimension" may claim any size: forget it, so rows are neither padded nor cut to it
    sheet.reset_dimensions()
    return sheet.title, tuple(others), _sheet_rows(workbook, sheet)


def _sheet_rows(workbook: Any, sheet: Any) -> Iterator[tuple[int, Sequence[Any]]]:
    try:
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        workbook.close()


def _choose_sheet(path: Path, workbook: Any) -> tuple[Any, list[str]]:
    """The active sheet when it is a visible worksheet, else the first visible one; and the other visible ones."""
    visible = [ws for ws in workbook.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
    if not visible:
        raise FileProblem("no_visible_sheet", path)
    active = workbook.active
    chosen = active if any(active is ws for ws in visible) else visible[0]
    return chosen, [ws.title for ws in visible if ws is not chosen]


def _check_archive(path: Path, archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse an archive that would inflate beyond the limits, before anything is inflated."""
    members = archive.infolist()
    if sum(info.file_size for info in members) > limits.uncompressed_bytes:
        raise FileProblem("too_big", path, limit=limits.uncompressed_bytes // 1_000_000)
    for info in members:
        # small members cannot hurt whatever their ratio; a big one that inflates a hundredfold is a bomb
        if info.file_size > limits.ratio_floor and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise FileProblem("too_compressed", path, member=info.filename, limit=limits.ratio)


def _scan(path: Path, archive: zipfile.ZipFile, member: str, limits: Limits) -> None:
    """Count rows, cells per row and cells (or shared strings) in *member* as it inflates, without parsing it:
    the sheet's own claims are not trusted, and openpyxl holds a whole row (and all shared strings) in memory."""
    rows = cells = in_row = strings = 0
    tail = b""
    with archive.open(member) as fh:
        while chunk := fh.read(_CHUNK):
            data = tail + chunk
            # a tag cut by the chunk's end is scanned with the next chunk
            cut = data.rfind(b"<")
            tail = data[cut:] if cut >= 0 and len(data) - cut < 64 else b""
            for match in _TAG.finditer(data, 0, len(data) - len(tail)):
                tag = match.group(1)
                if tag == b"c":
                    cells += 1
                    in_row += 1
                    if in_row > limits.columns:
                        raise FileProblem("too_many_columns", path, limit=limits.columns)
                    if cells > limits.cells:
                        raise FileProblem("too_many_cells", path, limit=limits.cells)
                elif tag == b"row":
                    rows += 1
                    in_row = 0
                    if rows > limits.rows:
                        raise FileProblem("too_many_rows", path, limit=limits.rows)
                else:
                    strings += 1
                    if strings > limits.cells:
                        raise FileProblem("too_many_cells", path, limit=limits.cells)
