"""Every table the laptop writes (CSV and XLSX) goes through here, so no spreadsheet ever runs what was typed.

Each value passes ``fieldapp.core.cells.sheet_cell`` (the same rule the server's export uses): text that would
start a formula gets a leading ``'``, characters XML cannot hold become U+FFFD, numbers stay numbers. In XLSX every
text cell is also typed as a string, never a formula. ``fieldapp.io.readers`` takes the quote off again
(``cell_text``), so our own export imports back unchanged.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from fieldapp.core.cells import sheet_cell
from fieldapp.files import replace

__all__ = ["csv_text", "write_xlsx", "xlsx_cell"]

#: one sheet of a workbook: its title, its header and its rows (each a sequence of values in header order)
Sheet = tuple[str, Sequence[str], Iterable[Sequence[Any]]]


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A CSV table (CRLF line ends): the header, then every row, each value through ``sheet_cell``."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([sheet_cell(c) for c in columns])
    for row in rows:
        writer.writerow([sheet_cell(v) for v in row])
    return buffer.getvalue()


def write_xlsx(path: Path, sheets: Iterable[Sheet]) -> None:
    """Write a workbook of *sheets* to *path* atomically (temporary file, fsync, rename)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, columns, rows in sheets:
        sheet = workbook.create_sheet(title)
        sheet.append([xlsx_cell(sheet, c) for c in columns])
        for row in rows:
            sheet.append([xlsx_cell(sheet, v) for v in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        workbook.save(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        replace(tmp, path)  # tried again while Windows refuses (Excel showing the previous export)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """*value* as a cell of *sheet* (a write-only or an ordinary one) under the cell rule: text is always text."""
    from openpyxl.cell import WriteOnlyCell

    cell_value = sheet_cell(value)
    if not isinstance(cell_value, str):
        return cell_value
    # typed as a string whatever it holds: openpyxl would otherwise store text starting with "=" as a formula
    cell = WriteOnlyCell(sheet, value=cell_value)
    cell.data_type = "s"
    return cell
