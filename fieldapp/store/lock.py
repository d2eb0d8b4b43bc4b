"""The writer lock: one process at a time writes a data folder.

An exclusive, non-blocking lock on ``store.lock`` in the folder (``fcntl.flock`` on POSIX, ``msvcrt.locking``
on Windows). The operating system drops it when the process dies, so a crash never leaves a stale lock.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from fieldapp.files import PRIVATE_FILE
from fieldapp.store.errors import StoreLocked

__all__ = ["LOCK_FILE", "FolderLock"]

LOCK_FILE = "store.lock"

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]


class FolderLock:
    """Holds the writer lock of *folder* from ``acquire()`` until ``release()``."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._fd: int | None = None

    def acquire(self) -> None:
        """Take the lock or raise StoreLocked naming the folder (OSError when the file cannot be opened)."""
        fd = os.open(self.folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, PRIVATE_FILE)  # a lock file made by an older fieldapp was 0644
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:  # pragma: no cover - Windows only
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise StoreLocked(self.folder) from None
            raise
        self._fd = fd

    def release(self) -> None:
        """Drop the lock (closing the file releases it)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
