"""The monthly report written to a file in one of its formats, whole or not at all (temp file, then os.replace)."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Literal

import orjson

from fieldapp.core.i18n import Lang
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
    """Write the report to *output* (a temp file beside it, fsynced, then renamed over it); its size in bytes.
    Raises OSError, leaving *output* as it was."""
    data = report_bytes(report, fmt, lang)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, output)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return len(data)
