"""The writer lock: one process at a time writes a data folder.

An exclusive, non-blocking operating-system lock on ``store.lock`` in the folder, taken with the ``filelock``
library (``flock`` on POSIX, ``LockFileEx`` on Windows; its maintainers test both). The kernel drops it when the
process dies, so a crash never leaves a stale lock. Readers take no lock at all.

The library's options are pinned to keep those semantics: never its "soft" lock (a file whose presence is the
lock, which a crash would leave behind), the lock file kept on release (one inode for everyone), and the hold
shared by all threads (the TUI may close the store from a worker thread other than the one that opened it).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

from filelock import BaseFileLock, Timeout, UnixFileLock, WindowsFileLock

from fieldapp.files import PRIVATE_FILE
from fieldapp.store.errors import StoreLocked

__all__ = ["LOCK_FILE", "FolderLock"]

LOCK_FILE = "store.lock"

#: the kernel lock of this platform, never the soft fallback ``filelock.FileLock`` may resolve to
_OS_LOCK: type[BaseFileLock] = WindowsFileLock if sys.platform == "win32" else UnixFileLock


class FolderLock:
    """Holds the writer lock of *folder* from ``acquire()`` until ``release()``."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._lock = _OS_LOCK(
            folder / LOCK_FILE,
            mode=PRIVATE_FILE,
            thread_local=False,
            blocking=False,
            fallback_to_soft=False,
            preserve_lock_file=True,
        )

    def acquire(self) -> None:
        """Take the lock or raise StoreLocked naming the folder (OSError when the file cannot be opened)."""
        try:
            self._lock.acquire()
        except Timeout:
            raise StoreLocked(self.folder) from None
        # a lock file made by an older fieldapp was 0644 (filelock sets the mode only on files it creates);
        # a no-op on Windows, where the folder's ACL decides
        with contextlib.suppress(OSError):
            os.chmod(self.folder / LOCK_FILE, PRIVATE_FILE)

    def release(self) -> None:
        """Drop the lock (the file stays; only the kernel lock on it goes)."""
        if self._lock.is_locked:
            self._lock.release(force=True)
