"""File utilities shared by the store, io, settings and the CLI: writes that a crash never leaves half done, and
the modes of the data folder (only its owner may read a cadre's data: folder 0700, files 0600).

Every rename onto an existing file goes through ``replace``: Windows refuses ``os.replace`` onto (or of) a file
another process holds open, an antivirus scanning it, a backup or sync tool (OneDrive) copying it, a reader in
the middle of reading it, Excel showing an export. The refusal is a ``PermissionError``, usually gone within
milliseconds; ``replace`` tries again with a short bounded backoff and then raises ``ReplaceRefused``.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

__all__ = [
    "POSIX_MODES",
    "PRIVATE_DIR",
    "PRIVATE_FILE",
    "REPLACE_BACKOFF",
    "ReplaceRefused",
    "make_private_dir",
    "replace",
    "sync_dir",
    "write_atomic",
]

#: the mode of the data folder and of every file fieldapp keeps in it
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600

#: whether those modes mean anything here. On Windows ``chmod`` only sets or clears the read-only flag and every
#: file reads back 0666 (0777 a folder): who may read the data folder is decided by its ACL, which a folder in the
#: user's profile (``%LOCALAPPDATA%``, the default) already limits to that user. So modes are neither checked
#: nor "tightened" there (``fieldapp doctor``).
POSIX_MODES = os.name == "posix"

#: the pauses (seconds) between attempts when the operating system refuses a rename: 1.27 s in all, 8 attempts
REPLACE_BACKOFF = (0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64)

_sleep = time.sleep  # tests record the pauses instead of waiting them out


class ReplaceRefused(PermissionError):
    """``os.replace`` was refused on every attempt; ``filename`` is the file that was to be replaced.

    On Windows: another program holds it (or the new file) open, or the folder's permissions forbid it.
    """


def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
    """``os.replace(src, dst)``, tried again after each pause of ``REPLACE_BACKOFF`` while it raises
    PermissionError; then ReplaceRefused (naming *dst*). Any other error is raised at once.

    Retried on every platform, so the behaviour is the one the tests see: on POSIX a rename in a folder where the
    temporary file could just be made is refused almost never, and then only waits 1.27 s for the same error.
    """
    for pause in (*REPLACE_BACKOFF, None):
        try:
            os.replace(src, dst)
            return
        except PermissionError as exc:
            if pause is None:
                refused = ReplaceRefused(exc.errno, exc.strerror, os.fspath(dst))
                refused.filename2 = os.fspath(src)
                raise refused from exc
        _sleep(pause)


def make_private_dir(path: Path) -> None:
    """Create the folder *path* (and its parents) if needed; a folder made here is the owner's only (0700).

    An existing folder keeps its mode: the cadre may have chosen to share it (``fieldapp doctor`` reports it).
    """
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)


def write_atomic(path: Path, payload: bytes) -> None:
    """Write *payload* to *path* so that a crash leaves either the old file or the new one, never half of one.

    The file is the owner's only (0600: mkstemp's mode).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    sync_dir(path.parent)


def sync_dir(folder: Path) -> None:
    """Make a rename or a new file in *folder* durable (no-op where folders cannot be opened)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
