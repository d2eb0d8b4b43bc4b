"""Write enterprises (with their classification), visits and founding cases to JSON, CSV or XLSX.

- JSON: one object ``{"format", "schema_version", "exported_at", "enterprises": [...], "visits": [...],
  "founding_cases": [...]}``; each enterprise is its ``to_doc()`` plus a ``classification`` object, each visit its
  ``to_doc()``, each founding case its ``to_doc()`` (history included) plus ``case_summary``'s keys.
- CSV: three files, UTF-8 with a byte-order mark (so spreadsheet programs show Vietnamese right): PATH holds the
  enterprises, PATH with ``-visits`` before the suffix (``out.csv`` -> ``out-visits.csv``) the visits, PATH with
  ``-founding`` the founding cases (``fieldapp.io.founding_table``).
- XLSX: one workbook with three sheets, ``enterprises``, ``visits`` and ``founding``.
Enterprise and visit headers are the record field names, so an exported list reads back with ``fieldapp import``;
the founding table, which nothing imports, has the field labels in the export's language. CSV and XLSX cells go
through ``fieldapp.io.sheets`` (no formula ever, text that would start one gets a leading ``'`` that import takes
off again). Every file is written to a temporary file and renamed into place: a crash leaves the old file or the
new one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from fieldapp.core.founding import FoundingCase
from fieldapp.core.i18n import Lang
from fieldapp.core.records import SCHEMA_VERSION, Enterprise, Visit
from fieldapp.files import write_atomic
from fieldapp.io.errors import FileProblem
from fieldapp.io.founding_table import FOUNDING_COLUMNS, founding_headers
from fieldapp.io.sheets import csv_text, write_xlsx

__all__ = [
    "CLASSIFICATION_COLUMNS",
    "EXPORT_FORMATS",
    "ENTERPRISE_COLUMNS",
    "VISIT_COLUMNS",
    "export_data",
    "founding_path",
    "visits_path",
]

EXPORT_FORMATS = ("csv", "xlsx", "json")
ENTERPRISE_COLUMNS: tuple[str, ...] = tuple(Enterprise.model_fields) + ("content_hash",)
VISIT_COLUMNS: tuple[str, ...] = tuple(Visit.model_fields) + ("content_hash",)
# flat columns for CSV/XLSX; in JSON the same values sit in a nested "classification" object
CLASSIFICATION_COLUMNS: tuple[str, ...] = (
    "classification_status",
    "classification_basis",
    "classification_reasons",
    "classification_priority",
)

#: one enterprise with its classification summary: {"status", "basis", "reasons": [codes], "priority"}
Classified = tuple[Enterprise, dict[str, Any]]
#: one founding case with its summary (``fieldapp.io.founding_table.case_summary``)
Summarised = tuple[FoundingCase, dict[str, Any]]


def visits_path(path: Path) -> Path:
    """Where the CSV export puts the visits: ``out.csv`` -> ``out-visits.csv``."""
    return path.with_name(f"{path.stem}-visits{path.suffix}")


def founding_path(path: Path) -> Path:
    """Where the CSV export puts the founding cases: ``out.csv`` -> ``out-founding.csv``."""
    return path.with_name(f"{path.stem}-founding{path.suffix}")


def export_data(
    fmt: str,
    path: str | Path,
    enterprises: Sequence[Classified],
    visits: Sequence[Visit],
    founding: Sequence[Summarised] = (),
    *,
    lang: Lang = "vi",
) -> list[Path]:
    """Write the export in *fmt* (csv, xlsx, json) to *path*; return the files written. Raises FileProblem.

    *founding* holds each case with its ``case_summary``; *lang* is the language of the founding table's header."""
    path = Path(path)
    try:
        if fmt == "json":
            write_atomic(path, _json_bytes(enterprises, visits, founding))
            return [path]
        if fmt == "csv":
            second, third = visits_path(path), founding_path(path)
            write_atomic(
                path, _csv_bytes(ENTERPRISE_COLUMNS + CLASSIFICATION_COLUMNS, _enterprise_rows(enterprises))
            )
            write_atomic(second, _csv_bytes(VISIT_COLUMNS, (v.to_doc() for v in visits)))
            write_atomic(
                third,
                csv_text(
                    founding_headers(FOUNDING_COLUMNS, lang),
                    _rows(FOUNDING_COLUMNS, _founding_rows(founding)),
                ).encode("utf-8-sig"),
            )
            return [path, second, third]
        if fmt == "xlsx":
            _write_xlsx(path, enterprises, visits, founding, lang)
            return [path]
    except OSError as exc:
        raise FileProblem.unwritable(path, exc) from None
    raise ValueError(f"unknown export format {fmt!r}")


def _json_bytes(
    enterprises: Sequence[Classified], visits: Sequence[Visit], founding: Sequence[Summarised]
) -> bytes:
    document = {
        "format": "fieldapp-export",
        "schema_version": SCHEMA_VERSION,
        "exported_at": datetime.now(UTC).isoformat(),
        "enterprises": [{**e.to_doc(), "classification": c} for e, c in enterprises],
        "visits": [v.to_doc() for v in visits],
        "founding_cases": _founding_rows(founding),
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n"


def _enterprise_rows(enterprises: Sequence[Classified]) -> list[dict[str, Any]]:
    rows = []
    for enterprise, c in enterprises:
        row = enterprise.to_doc()
        row["classification_status"] = c.get("status")
        row["classification_basis"] = c.get("basis")
        row["classification_reasons"] = " ".join(c.get("reasons", ()))
        row["classification_priority"] = c.get("priority")
        rows.append(row)
    return rows


def _founding_rows(founding: Sequence[Summarised]) -> list[dict[str, Any]]:
    return [{**case.to_doc(), **summary} for case, summary in founding]


def _csv_bytes(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> bytes:
    return csv_text(columns, _rows(columns, rows)).encode("utf-8-sig")


def _write_xlsx(
    path: Path,
    enterprises: Sequence[Classified],
    visits: Sequence[Visit],
    founding: Sequence[Summarised],
    lang: Lang,
) -> None:
    enterprise_columns = ENTERPRISE_COLUMNS + CLASSIFICATION_COLUMNS
    write_xlsx(
        path,
        (
            ("enterprises", enterprise_columns, _rows(enterprise_columns, _enterprise_rows(enterprises))),
            ("visits", VISIT_COLUMNS, _rows(VISIT_COLUMNS, (v.to_doc() for v in visits))),
            (
                "founding",
                founding_headers(FOUNDING_COLUMNS, lang),
                _rows(FOUNDING_COLUMNS, _founding_rows(founding)),
            ),
        ),
    )


def _rows(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> Iterator[list[Any]]:
    return ([row.get(c) for c in columns] for row in rows)
