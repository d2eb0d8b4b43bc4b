"""What can go wrong with the offline store: a code and its parameters, worded by the catalog.

Exceptions:

    StoreError(CodedError)         any problem with the data folder (itself: the store is closed)
    ├── StoreLocked                another process is writing the folder (the message names it)
    ├── StoreCorrupt               a store file cannot be read (the message names it; nothing is changed)
    ├── StoreTooNew                the folder was written by a newer fieldapp (schema version above ours)
    └── StoreReadOnly              a write was attempted on a store opened with ``readonly=True``

Each has ``path`` (the folder or the file at fault) and ``message(lang)``. Validation failures (unknown
enterprise, duplicate tax code) are ``fieldapp.core.errors.RecordError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from fieldapp.core.i18n import N_, CodedError

__all__ = ["StoreCorrupt", "StoreError", "StoreLocked", "StoreReadOnly", "StoreTooNew"]


class StoreError(CodedError):
    """A problem with the store's data folder; ``message(lang)`` says it, ``path`` names the folder or file."""

    MESSAGES: ClassVar[Mapping[str, str]] = {
        "closed": N_("The store in {folder} is closed; open it again."),
    }

    def __init__(self, code: str, path: Path, /, **params: Any) -> None:
        self.path = path
        super().__init__(code, **params)


class StoreLocked(StoreError):
    """Another process holds the writer lock of the data folder."""

    MESSAGES: ClassVar[Mapping[str, str]] = {
        "locked": N_(
            "The data folder {folder} is being written by another fieldapp; "
            "close it and try again (it can still be opened read-only)."
        ),
    }

    def __init__(self, folder: Path):
        super().__init__("locked", folder, folder=folder)


class StoreCorrupt(StoreError):
    """A store file cannot be read; it is left as it is for a person to look at."""

    MESSAGES: ClassVar[Mapping[str, str]] = {
        "corrupt": N_("Cannot read the store file {path}: {detail}. The file was left as it is."),
    }

    def __init__(self, path: Path, detail: str):
        super().__init__("corrupt", path, path=path, detail=detail)


class StoreTooNew(StoreError):
    """The store was written by a newer version of fieldapp than this one."""

    MESSAGES: ClassVar[Mapping[str, str]] = {
        "too_new": N_(
            "The store file {path} was written by a newer fieldapp (schema version {found}; "
            "this version reads up to {supported}); please update fieldapp."
        ),
    }

    def __init__(self, path: Path, found: int, supported: int):
        super().__init__("too_new", path, path=path, found=found, supported=supported)


class StoreReadOnly(StoreError):
    """A write on a store opened read-only."""

    MESSAGES: ClassVar[Mapping[str, str]] = {
        "read_only": N_("The data folder {folder} is open read-only; nothing can be written."),
    }

    def __init__(self, folder: Path):
        super().__init__("read_only", folder, folder=folder)
