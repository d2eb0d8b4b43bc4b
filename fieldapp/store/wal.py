"""The write-ahead log: one JSON line per committed change, fsynced before the save returns.

A line is ``{"seq":N,"ops":[[table, doc_id, doc_or_null], ...],"crc":C}`` where ``C`` is the CRC-32 of the
``ops`` bytes exactly as written. ``seq`` grows by one per line; the snapshot records the last ``seq`` it holds,
so lines at or below it are skipped on replay (a crash between snapshot and truncation replays nothing twice).

Only the last line can be half-written (a crash during the append): it is ignored, and cut off by the next
writer. A bad line followed by good ones is not a crash artefact, so it is refused as corruption.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from fieldapp.store.errors import StoreCorrupt

__all__ = ["Op", "WalContents", "WriteAheadLog", "encode_line", "read_wal", "sync_dir"]

#: one change: (table name, TinyDB document id as text, the new document or None to delete it)
Op = tuple[str, str, dict[str, Any] | None]

_HEAD = b'{"seq":'
_OPS = b',"ops":'
_CRC = b',"crc":'


def encode_line(seq: int, ops: list[Op]) -> bytes:
    """The bytes of one log line (newline included)."""
    payload = orjson.dumps(ops)
    return b"%s%d%s%s%s%d}\n" % (_HEAD, seq, _OPS, payload, _CRC, zlib.crc32(payload))


def _decode_line(line: bytes) -> tuple[int, list[Any]] | None:
    """(seq, ops) of a complete line, or None when it is not a whole, intact line."""
    if not line.startswith(_HEAD) or not line.endswith(b"}"):
        return None
    ops_at = line.find(_OPS)
    crc_at = line.rfind(_CRC)
    if ops_at < 0 or crc_at < ops_at:
        return None
    payload = line[ops_at + len(_OPS) : crc_at]
    try:
        seq = int(line[len(_HEAD) : ops_at])
        crc = int(line[crc_at + len(_CRC) : -1])
    except ValueError:
        return None
    if zlib.crc32(payload) != crc:
        return None
    try:
        ops = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None
    return (seq, ops) if isinstance(ops, list) else None


@dataclass
class WalContents:
    """What a log file holds: its intact lines, and where the intact part ends."""

    entries: list[tuple[int, list[Any]]]
    good_size: int  # bytes up to the end of the last intact line
    size: int  # bytes in the file (more than good_size when the last line is half-written)


def _lines(data: bytes) -> Iterator[tuple[int, int]]:
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        if end < 0:
            yield start, len(data)
            return
        yield start, end + 1
        start = end + 1


def read_wal(path: Path) -> WalContents:
    """Read the log at *path* (missing = empty), tolerating a half-written last line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return WalContents([], 0, 0)
    entries: list[tuple[int, list[Any]]] = []
    good = 0
    bad_at: int | None = None
    for start, end in _lines(data):
        decoded = _decode_line(data[start : end - 1]) if data[end - 1 : end] == b"\n" else None
        if decoded is None:
            if bad_at is None:
                bad_at = start
            continue
        if bad_at is not None:
            # an intact line after a broken one: not what a crash leaves behind
            raise StoreCorrupt(path, f"byte {bad_at}")
        entries.append(decoded)
        good = end
    return WalContents(entries, good, len(data))


class WriteAheadLog:
    """The log file, open for appending; every append is on disk when it returns."""

    def __init__(self, path: Path, size: int):
        self.path = path
        created = not path.exists()
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        if os.fstat(self._fd).st_size != size:
            # cut off a half-written last line left by a crash
            os.ftruncate(self._fd, size)
            _sync(self._fd)
        self.size = size
        if created:
            sync_dir(path.parent)

    def append(self, line: bytes) -> None:
        """Append *line* and fsync; on failure the file is cut back so no partial line remains."""
        try:
            view = memoryview(line)
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            _sync(self._fd)
        except BaseException:
            try:
                os.ftruncate(self._fd, self.size)
                _sync(self._fd)
            except OSError:
                pass  # the next open cuts the partial line off instead
            raise
        self.size += len(line)

    def truncate(self) -> None:
        """Empty the log (after a snapshot has taken in all of it)."""
        os.ftruncate(self._fd, 0)
        _sync(self._fd)
        self.size = 0

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _sync(fd: int) -> None:
    # fdatasync also flushes the file size, which is all a reader needs; it skips the mtime update.
    (getattr(os, "fdatasync", None) or os.fsync)(fd)


def sync_dir(folder: Path) -> None:
    """Make a rename or a new file in *folder* durable (no-op where directories cannot be opened)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
