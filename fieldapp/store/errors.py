"""What can go wrong with the offline store, each with a message in Vietnamese and in English.

Exceptions:

    StoreError(Exception)          any problem with the data folder
    ├── StoreLocked                another process is writing the folder (the message names it)
    ├── StoreCorrupt               a store file cannot be read (the message names it; nothing is changed)
    ├── StoreTooNew                the folder was written by a newer fieldapp (schema version above ours)
    └── StoreReadOnly              a write was attempted on a store opened with ``readonly=True``

Validation failures (unknown enterprise, duplicate tax code) are ``fieldapp.core.errors.RecordError``.
"""

from __future__ import annotations

from pathlib import Path

from fieldapp.core.labels import Lang

__all__ = ["StoreCorrupt", "StoreError", "StoreLocked", "StoreReadOnly", "StoreTooNew"]


class StoreError(Exception):
    """A problem with the store's data folder; ``describe(lang)`` gives the message in either language."""

    def __init__(self, vi: str, en: str, path: Path | None = None):
        self.vi = vi
        self.en = en
        self.path = path
        super().__init__(en)

    def describe(self, lang: Lang = "vi") -> str:
        """The message in *lang* (``vi`` or ``en``)."""
        return self.vi if lang == "vi" else self.en


class StoreLocked(StoreError):
    """Another process holds the writer lock of the data folder."""

    def __init__(self, folder: Path):
        super().__init__(
            f"Thư mục dữ liệu {folder} đang được một chương trình fieldapp khác ghi; "
            "hãy đóng chương trình đó rồi thử lại (vẫn có thể mở ở chế độ chỉ đọc).",
            f"The data folder {folder} is being written by another fieldapp; "
            "close it and try again (it can still be opened read-only).",
            folder,
        )


class StoreCorrupt(StoreError):
    """A store file cannot be read; it is left as it is for a person to look at."""

    def __init__(self, path: Path, detail: str):
        super().__init__(
            f"Không đọc được tệp dữ liệu {path}: {detail}. Tệp được giữ nguyên, không thay đổi gì.",
            f"Cannot read the store file {path}: {detail}. The file was left as it is.",
            path,
        )


class StoreTooNew(StoreError):
    """The store was written by a newer version of fieldapp than this one."""

    def __init__(self, path: Path, found: int, supported: int):
        self.found = found
        self.supported = supported
        super().__init__(
            f"Tệp dữ liệu {path} do phiên bản fieldapp mới hơn tạo ra (phiên bản dữ liệu {found}, "
            f"phiên bản này chỉ đọc được đến {supported}); hãy cập nhật fieldapp.",
            f"The store file {path} was written by a newer fieldapp (schema version {found}; "
            f"this version reads up to {supported}); please update fieldapp.",
            path,
        )


class StoreReadOnly(StoreError):
    """A write on a store opened read-only."""

    def __init__(self, folder: Path):
        super().__init__(
            f"Thư mục dữ liệu {folder} đang được mở ở chế độ chỉ đọc; không ghi được.",
            f"The data folder {folder} is open read-only; nothing can be written.",
            folder,
        )
