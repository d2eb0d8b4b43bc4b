"""``fieldapp-server export``: every live enterprise, visit and founding case, with the laptop's field names +
server_version.

- json: one object ``{"enterprises": [...], "visits": [...], "founding_cases": [...]}``;
- xlsx: one workbook, sheets ``enterprises``, ``visits`` and ``founding``;
- csv: PATH is a folder that receives ``enterprises.csv``, ``visits.csv`` and ``founding.csv`` (UTF-8 with BOM, for
  spreadsheets).

A founding case is its content fields plus what ``fieldapp.io.founding_table.case_summary`` adds (the enterprise's
name and tax code, the stage, the first overdue step as of the office's day, under the federation's rules); its
sheet is the laptop's founding table, headed with the field labels in the language asked for. Enterprises and
visits keep the field names as headers, so ``fieldapp-server import`` reads them back.

Every CSV and XLSX cell goes through ``fieldapp.io.sheets`` and so ``fieldapp.core.cells.sheet_cell``, the rule
the laptop's export uses too: text that would start a formula gets a leading ``'``, characters XML cannot hold
become U+FFFD, and XLSX text cells are typed as strings, never formulas. ``fieldapp import`` takes the quote off
again. Every file is written to a temporary file and renamed into place with ``fieldapp.files`` (the rename tried
again while Windows refuses it: a previous export open in Excel).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Literal

import orjson
from sqlalchemy import Engine, select

from fieldapp.core.founding import FoundingCase
from fieldapp.core.i18n import Lang
from fieldapp.core.records import Enterprise, Visit
from fieldapp.files import write_atomic
from fieldapp.io.founding_table import FOUNDING_COLUMNS, case_summary, founding_headers
from fieldapp.io.sheets import csv_text, write_xlsx
from sync.server.db import read_session
from sync.server.models import Record
from sync.server.recordstore import office_today
from sync.server.rules import federation_rules

__all__ = ["FORMATS", "SHEETS", "export", "load_all"]

Format = Literal["csv", "xlsx", "json"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx", "json")
COLUMNS = {
    "enterprises": (*Enterprise.CONTENT_FIELDS, "server_version"),
    "visits": (*Visit.CONTENT_FIELDS, "server_version"),
    "founding_cases": (*FOUNDING_COLUMNS, "server_version"),
}
#: what each table is called as an XLSX sheet and a CSV file (the JSON key is its name in COLUMNS)
SHEETS = {"enterprises": "enterprises", "visits": "visits", "founding_cases": "founding"}
_KINDS = {"enterprise": "enterprises", "visit": "visits", "founding_case": "founding_cases"}


def load_all(engine: Engine, today: date | None = None) -> dict[str, list[dict[str, Any]]]:
    """``{"enterprises": [...], "visits": [...], "founding_cases": [...]}``: live records ordered by id, each with
    ``server_version``. A founding case holds every content field (its history too) and ``case_summary``'s keys,
    as of *today* (the office's day when None) under the federation's rules."""
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in COLUMNS}
    cases: list[tuple[dict[str, Any], int]] = []
    stmt = select(Record.kind, Record.version, Record.content).where(
        Record.deleted.is_(False), Record.kind.in_(tuple(_KINDS))
    )
    with read_session(engine) as session:
        rules = federation_rules(session).rules
        for kind, version, content in session.execute(stmt.order_by(Record.kind, Record.id)):
            if kind == "founding_case":
                cases.append((content, version))
                continue
            columns = COLUMNS[_KINDS[kind]]
            out[_KINDS[kind]].append(
                {c: version if c == "server_version" else content.get(c) for c in columns}
            )
    day = today or office_today()
    firms = {e["id"]: e for e in out["enterprises"]}
    for content, version in cases:
        case = FoundingCase.model_validate(content)
        firm = firms.get(case.enterprise_id, {})
        summary = case_summary(case, firm.get("name"), firm.get("tax_code"), rules, day)
        own = {c: content.get(c) for c in FoundingCase.CONTENT_FIELDS}
        out["founding_cases"].append({**own, **summary, "server_version": version})
    return out


def export(
    engine: Engine, fmt: Format, output: Path, *, lang: Lang = "vi", today: date | None = None
) -> dict[str, int]:
    """Write the export; returns the counts ``{"enterprises": n, "visits": n, "founding_cases": n}``. *lang* is
    the language of the founding sheet's header."""
    data = load_all(engine, today)
    if fmt == "json":
        write_atomic(output, orjson.dumps(data, option=orjson.OPT_INDENT_2))
    elif fmt == "xlsx":
        write_xlsx(
            output, [(SHEETS[name], _header(name, lang), _rows(name, rows)) for name, rows in data.items()]
        )
    else:
        output.mkdir(parents=True, exist_ok=True)
        for name, rows in data.items():
            text = csv_text(_header(name, lang), _rows(name, rows))
            write_atomic(output / f"{SHEETS[name]}.csv", text.encode("utf-8-sig"))
    return {name: len(rows) for name, rows in data.items()}


def _header(name: str, lang: Lang) -> list[str]:
    if name == "founding_cases":
        return founding_headers(COLUMNS[name], lang)
    return list(COLUMNS[name])


def _rows(name: str, rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [[row.get(c) for c in COLUMNS[name]] for row in rows]
