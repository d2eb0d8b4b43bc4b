"""The monthly report written to a file in one of its formats, whole or not at all (``fieldapp.files.write_atomic``)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import orjson

from fieldapp.core.i18n import Lang
from fieldapp.files import write_atomic
from sync.server.report import Report

__all__ = ["Format", "MEDIA_TYPES", "report_bytes", "write_report"]

Format = Literal["xlsx", "pdf", "json"]
MEDIA_TYPES: dict[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "json": "application/json",
}


def report_bytes(report: Report, fmt: Format, lang: Lang = "vi") -> bytes:
    """The report as a file's bytes (the writers are imported here: each format loads only its library)."""
    if fmt == "xlsx":
        from sync.server.report_xlsx import report_xlsx

        return report_xlsx(report, lang)
    if fmt == "pdf":
        from sync.server.report_pdf import report_pdf

        return report_pdf(report, lang)
    return orjson.dumps(report.to_dict(), option=orjson.OPT_INDENT_2)


def write_report(report: Report, fmt: Format, output: Path, lang: Lang = "vi") -> int:
    """Write the report to *output*, whole or not at all (``fieldapp.files.write_atomic``: a temp file beside it,
    fsynced, renamed over it with the laptop's retry while another program holds it); its size in bytes.
    Raises OSError, leaving *output* as it was."""
    data = report_bytes(report, fmt, lang)
    write_atomic(output, data)
    return len(data)
