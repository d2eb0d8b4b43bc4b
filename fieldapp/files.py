"""File utilities shared by the store, io, settings and the CLI: writes that a crash never leaves half done, and
the modes of the data folder (only its owner may read a cadre's data: folder 0700, files 0600)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["PRIVATE_DIR", "PRIVATE_FILE", "make_private_dir", "sync_dir", "write_atomic"]

#: the mode of the data folder and of every file fieldapp keeps in it
PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


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
        os.replace(tmp, path)
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
