"""Read an enterprise list (CSV or XLSX) into rows keyed by canonical column, with spreadsheet row numbers.

CSV: UTF-8 with or without a byte-order mark, comma, semicolon or tab separated (the separator that makes the most
known headers wins). XLSX: the first sheet, read with openpyxl in read-only mode. The header is the first row, among
the first 20, that names the enterprise-name column, so a title line above the table is fine. Row numbers are the
ones the user sees in a spreadsheet (the first line is row 1).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fieldapp.io.columns import column_for_header
from fieldapp.io.errors import FileProblem

__all__ = ["SheetRow", "Table", "read_table"]

_HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One data row: its number as a spreadsheet shows it, and its cells by canonical column (None when empty)."""

    number: int
    values: dict[str, Any]


@dataclass(slots=True)
class Table:
    """A list read from a file."""

    path: Path
    header_row: int
    columns: tuple[str, ...]
    ignored_headers: tuple[str, ...]
    rows: list[SheetRow] = field(default_factory=list)


def read_table(path: str | Path) -> Table:
    """Read *path* (``.csv`` or ``.xlsx``); raise FileProblem when it cannot be read as a list of enterprises."""
    path = Path(path)
    if not path.is_file():
        raise FileProblem("not_found", path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return _from_lines(path, _csv_rows(path))
    if suffix in (".xlsx", ".xlsm"):
        return _from_lines(path, _xlsx_rows(path))
    raise FileProblem("unsupported", path)


def _clean(cell: Any) -> Any:
    if isinstance(cell, str):
        cell = cell.strip()
        return cell or None
    return cell


def _from_lines(path: Path, lines: Iterable[tuple[int, Sequence[Any]]]) -> Table:
    iterator = iter(lines)
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
def _csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem("not_utf8", path) from None
    except OSError as exc:
        raise FileProblem("unreadable", path, reason=exc.strerror or str(exc)) from None
    delimiter = _sniff_delimiter(text)
    try:
        # csv counts physical lines, so a quoted cell spanning lines keeps the numbers right
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        rows: list[tuple[int, list[str]]] = []
        start = 1
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
        return rows
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
def _xlsx_rows(path: Path) -> Iterable[tuple[int, tuple[Any, ...]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise FileProblem("unreadable", path, reason=type(exc).__name__) from None
    try:
        sheet = workbook.worksheets[0]
        # read everything now, so the workbook can be closed before anything else happens
        rows = [
            (number, tuple(cells)) for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        workbook.close()
    return rows
