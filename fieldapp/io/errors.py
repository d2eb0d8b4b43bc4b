"""Problems with a whole file (not one row of it), in Vietnamese and English.

Exceptions:

    FileProblem(ValueError)    a file cannot be read as a list of enterprises, or cannot be written
"""

from __future__ import annotations

from typing import Any

from fieldapp.core.labels import Lang

__all__ = ["FILE_MESSAGES", "FileProblem"]

# code -> (Vietnamese, English); templates use {path} and the code's own parameters.
FILE_MESSAGES: dict[str, tuple[str, str]] = {
    "not_found": ("không tìm thấy tệp “{path}”", "file not found: “{path}”"),
    "unsupported": (
        "chỉ đọc được tệp .csv hoặc .xlsx, không đọc được “{path}”",
        "only .csv and .xlsx files can be read, not “{path}”",
    ),
    "not_utf8": (
        "tệp “{path}” không phải mã UTF-8 (hãy lưu lại dạng “CSV UTF-8”)",
        "“{path}” is not UTF-8 text (save it again as “CSV UTF-8”)",
    ),
    "unreadable": ("không đọc được tệp “{path}”: {reason}", "cannot read “{path}”: {reason}"),
    "no_name_column": (
        "tệp “{path}” không có cột tên doanh nghiệp (name hoặc “Tên doanh nghiệp”) trong 20 dòng đầu",
        "“{path}” has no enterprise name column (name or “Tên doanh nghiệp”) in its first 20 rows",
    ),
    "duplicate_column": (
        "tệp “{path}” có hai cột cùng nghĩa “{column}”: “{first}” và “{second}”",
        "“{path}” has two columns meaning “{column}”: “{first}” and “{second}”",
    ),
    "unwritable": ("không ghi được tệp “{path}”: {reason}", "cannot write “{path}”: {reason}"),
}


class FileProblem(ValueError):
    """A file as a whole cannot be used; ``message(lang)`` says why."""

    def __init__(self, code: str, path: object, **params: Any):
        self.code = code
        self.params: dict[str, Any] = {"path": str(path), **params}
        super().__init__(self.message("en"))

    def message(self, lang: Lang = "vi") -> str:
        """The message in *lang*."""
        vi, en = FILE_MESSAGES[self.code]
        return (vi if lang == "vi" else en).format(**self.params)
