"""Problems with a whole file (not one row of it): a code and its parameters, worded by the catalog.

Exceptions:

    FileProblem(CodedError, ValueError)    a file cannot be read as a list of enterprises, or cannot be written
"""

from __future__ import annotations

from typing import Any, ClassVar

from fieldapp.core.i18n import N_, CodedError
from fieldapp.files import ReplaceRefused

__all__ = ["FILE_MESSAGES", "FileProblem"]

# code -> English template (a message id); templates use {path} and the code's own parameters.
FILE_MESSAGES: dict[str, str] = {
    "not_found": N_("file not found: “{path}”"),
    "unsupported": N_("only .csv and .xlsx files can be read, not “{path}”"),
    "not_utf8": N_("“{path}” is not UTF-8 text (save it again as “CSV UTF-8”)"),
    "unreadable": N_("cannot read “{path}”: {reason}"),
    "no_name_column": N_(
        "“{path}” has no enterprise name column (name or “Tên doanh nghiệp”) in its first 20 rows"
    ),
    "duplicate_column": N_("“{path}” has two columns meaning “{column}”: “{first}” and “{second}”"),
    "unwritable": N_("cannot write “{path}”: {reason}"),
    # fieldapp.files.replace gave up: on Windows another program (Excel, often) has the file open
    "in_use": N_(
        "cannot replace “{path}”: another program has it open (Excel, for example); close it there and try again"
    ),
    "exists": N_("“{path}” already exists, so nothing was written; pass --force to replace it"),
    # the limits of fieldapp.io.readers.Limits: a file over one is refused whole, nothing of it is used
    "too_big": N_(
        "“{path}” is larger than {limit} MB once unpacked, so it was not read; split the list into smaller files"
    ),
    "too_compressed": N_(
        "“{path}” was not read: its part “{member}” unpacks to more than {limit} times its packed size, "
        "which only a file built to exhaust the computer does; save the list again from the spreadsheet program"
    ),
    "too_many_rows": N_(
        "“{path}” has more than {limit} rows, so it was not read; split the list into smaller files"
    ),
    "too_many_columns": N_(
        "“{path}” has a row of more than {limit} columns, so it was not read; keep only the list's own columns"
    ),
    "too_many_cells": N_(
        "“{path}” has more than {limit} cells, so it was not read; split the list into smaller files"
    ),
    "no_visible_sheet": N_(
        "“{path}” has no visible sheet to read; show the sheet holding the list and save again"
    ),
}


class FileProblem(CodedError, ValueError):
    """A file as a whole cannot be used; ``message(lang)`` says why."""

    MESSAGES: ClassVar[dict[str, str]] = FILE_MESSAGES

    def __init__(self, code: str, path: object, **params: Any):
        super().__init__(code, path=str(path), **params)

    @classmethod
    def unwritable(cls, path: object, exc: OSError) -> FileProblem:
        """*path* could not be written because of *exc*: held open by another program, or any other refusal."""
        if isinstance(exc, ReplaceRefused):
            return cls("in_use", exc.filename or path)  # the file refused (an export's second CSV, say)
        return cls("unwritable", path, reason=exc.strerror or str(exc))
