"""``fieldapp-server export``: every live enterprise and visit, with the laptop's field names + server_version.

Founding cases are not exported (yet): the office follows them with ``GET /api/v1/founding-cases``.

- json: one object ``{"enterprises": [...], "visits": [...]}``;
- xlsx: one workbook, sheets ``enterprises`` and ``visits``;
- csv: PATH is a folder that receives ``enterprises.csv`` and ``visits.csv`` (UTF-8 with BOM, for spreadsheets).

Every CSV and XLSX cell goes through ``fieldapp.core.cells.sheet_cell``, the rule the laptop's export uses too:
text that would start a formula gets a leading ``'``, characters XML cannot hold become U+FFFD, and XLSX text cells
are typed as strings, never formulas. ``fieldapp import`` takes the quote off again.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path
from typing import Any, Literal

import orjson
from openpyxl import Workbook
from sqlalchemy import Engine, select

from fieldapp.core.cells import sheet_cell
from fieldapp.core.records import Enterprise, Visit
from fieldapp.io.sheets import xlsx_cell
from sync.server.db import read_session
from sync.server.models import Record

__all__ = ["FORMATS", "export", "load_all"]

Format = Literal["csv", "xlsx", "json"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx", "json")
COLUMNS = {
    "enterprises": (*Enterprise.CONTENT_FIELDS, "server_version"),
    "visits": (*Visit.CONTENT_FIELDS, "server_version"),
}


def load_all(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """``{"enterprises": [...], "visits": [...]}``: live records ordered by id, each with ``server_version``."""
    out: dict[str, list[dict[str, Any]]] = {"enterprises": [], "visits": []}
    stmt = select(Record.kind, Record.version, Record.content).where(
        Record.deleted.is_(False), Record.kind.in_(("enterprise", "visit"))
    )
    with read_session(engine) as session:
        for kind, version, content in session.execute(stmt.order_by(Record.kind, Record.id)):
            columns = COLUMNS[f"{kind}s"]
            out[f"{kind}s"].append({c: version if c == "server_version" else content.get(c) for c in columns})
    return out


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def export(engine: Engine, fmt: Format, output: Path) -> dict[str, int]:
    """Write the export; returns the counts ``{"enterprises": n, "visits": n}``."""
    data = load_all(engine)
    if fmt == "json":
        output.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(output, orjson.dumps(data, option=orjson.OPT_INDENT_2))
    elif fmt == "xlsx":
        output.parent.mkdir(parents=True, exist_ok=True)
        book = Workbook()
        book.remove(book.active)  # type: ignore[arg-type]
        for sheet_name, rows in data.items():
            sheet = book.create_sheet(sheet_name)
            sheet.append(list(COLUMNS[sheet_name]))
            for row in rows:
                sheet.append([xlsx_cell(sheet, row[c]) for c in COLUMNS[sheet_name]])
        tmp = output.with_name(f".{output.name}.tmp")
        book.save(tmp)
        os.replace(tmp, output)
    else:
        output.mkdir(parents=True, exist_ok=True)
        for name, rows in data.items():
            target = output / f"{name}.csv"
            tmp = target.with_name(f".{target.name}.tmp")
            with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=list(COLUMNS[name]))
                writer.writeheader()
                for row in rows:
                    writer.writerow({k: sheet_cell(v) for k, v in row.items()})
            os.replace(tmp, target)
    return {name: len(rows) for name, rows in data.items()}
