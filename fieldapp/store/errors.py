"""What can go wrong with the offline store: a code and its parameters, worded by the catalog.

Exceptions:

    StoreError(CodedError)         any problem with the data folder (itself: the store is closed)
    ├── StoreLocked                another process is writing the folder (the message names it)
    ├── StoreCorrupt               a store file cannot be read (the message names it; nothing is changed)
    │   └── StoreDamaged           the snapshot fails its checksum or does not parse: ``fieldapp doctor --repair``
    ├── StoreIOError               the operating system refused (disk full, no permission, a folder where a file
    │                              should be, a file another program holds open on Windows): ``from_os_error``
    │                              words each errno once, naming the folder
    ├── StoreTooNew                the folder was written by a newer fieldapp (schema version above ours)
    └── StoreReadOnly              a write was attempted on a store opened with ``readonly=True``

Each has ``path`` (the folder or the file at fault) and ``message(lang)``. Validation failures (unknown
enterprise, duplicate tax code) are ``fieldapp.core.errors.RecordError``.
"""

from __future__ import annotations

import errno
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from fieldapp.core.i18n import N_, CodedError
from fieldapp.files import ReplaceRefused

__all__ = [
    "StoreCorrupt",
    "StoreDamaged",
    "StoreError",
    "StoreIOError",
    "StoreLocked",
    "StoreReadOnly",
    "StoreTooNew",
]


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


class StoreDamaged(StoreCorrupt):
    """The snapshot fails its checksum or cannot be parsed; the store refuses to open rather than guess."""

    MESSAGES: ClassVar[Mapping[str, str]] = {
        "damaged": N_(
            "The store file {path} in the data folder {folder} is damaged ({detail}); nothing was changed. "
            "Run “fieldapp doctor” to see what is wrong and “fieldapp doctor --repair” to rebuild it from the "
            "previous snapshot and the log (the damaged files are kept)."
        ),
    }

    def __init__(self, path: Path, detail: str):
        StoreError.__init__(self, "damaged", path, path=path, folder=path.parent, detail=detail)


class StoreIOError(StoreError):
    """The operating system refused a read or a write in the data folder; ``os_error`` keeps what it said."""

    MESSAGES: ClassVar[Mapping[str, str]] = {
        "disk_full": N_(
            "The disk of the data folder {folder} is full; nothing was saved. Free some space and try again."
        ),
        "no_permission": N_(
            "fieldapp may not write in the data folder {folder} ({path}); nothing was saved. Check the "
            "folder's permissions, or choose another folder with --data-dir."
        ),
        "read_only_disk": N_(
            "The data folder {folder} is on a read-only disk; nothing was saved. "
            "Choose another folder with --data-dir."
        ),
        "is_a_folder": N_(
            "{path} in the data folder {folder} is a folder where fieldapp keeps a file; "
            "move it away and try again (“fieldapp doctor” checks the folder)."
        ),
        # fieldapp.files.replace gave up: on Windows another program holds the file open
        "in_use": N_(
            "Another program is holding {path} in the data folder {folder} open (an antivirus, a backup or "
            "sync tool such as OneDrive, or an editor), so it could not be replaced; nothing was saved. "
            "Close that program and try again."
        ),
        "snapshot_in_use": N_(
            "Another program is holding the store file {path} open (an antivirus, a backup or sync tool such "
            "as OneDrive, or an editor), so fieldapp could not replace it. Nothing is lost: every change is "
            "kept in the log of the data folder {folder} and is read back the next time it opens. Close that "
            "program and try again."
        ),
        "os_error": N_(
            "Cannot use the data folder {folder}: {detail} ({path}); nothing was saved. "
            "“fieldapp doctor” checks the folder."
        ),
    }

    # errno -> code: the one table of what the operating system can say about the data folder
    _CODES: ClassVar[Mapping[int, str]] = {
        errno.ENOSPC: "disk_full",
        errno.EDQUOT: "disk_full",
        errno.EACCES: "no_permission",
        errno.EPERM: "no_permission",
        errno.EROFS: "read_only_disk",
        errno.EISDIR: "is_a_folder",
    }

    def __init__(self, code: str, folder: Path, path: Path, detail: str, os_error: OSError | None = None):
        self.os_error = os_error
        super().__init__(code, folder, folder=folder, path=path, detail=detail)

    @classmethod
    def from_os_error(cls, exc: OSError, folder: Path) -> StoreIOError:
        """The people's version of *exc*, met while using the data folder *folder*."""
        code = "in_use" if isinstance(exc, ReplaceRefused) else cls._CODES.get(exc.errno or 0, "os_error")
        return cls(code, folder, _path_of(exc, folder), exc.strerror or type(exc).__name__, exc)

    @classmethod
    def snapshot_refused(cls, exc: ReplaceRefused, folder: Path) -> StoreIOError:
        """A snapshot of the store in *folder* could not replace a file; the log still holds every change."""
        return cls("snapshot_in_use", folder, _path_of(exc, folder), exc.strerror or type(exc).__name__, exc)


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


def _path_of(exc: OSError, folder: Path) -> Path:
    name = exc.filename
    if isinstance(name, bytes):
        name = name.decode(errors="replace")
    return Path(name) if isinstance(name, str) and name else folder
