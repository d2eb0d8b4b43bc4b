"""The write-ahead log: one JSON line per committed change, fsynced before the save returns.

A line is ``{"seq":N,"ops":[[table, doc_id, doc_or_null], ...],"sum":C}`` where ``C`` is the CRC-32 of the
seq's digits followed by the ``ops`` bytes exactly as written, so a flipped byte anywhere in the line shows.
Lines of earlier versions end in ``"crc":C``, the CRC-32 of the ``ops`` bytes alone; they are still read.
``seq`` grows by one per line; the snapshot records the last ``seq`` it holds, so lines at or below it are
skipped on replay (a crash between snapshot and truncation replays nothing twice).

A crash during an append leaves a half-written last line. Any line that does not decode (torn or damaged)
ends what can be replayed: it and everything after it are the log's *tail*, which the storage copies aside
(``store.wal.corrupt-<time>``) before a writer cuts it off, and reports; it is never dropped silently.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from fieldapp.files import PRIVATE_FILE, replace, sync_dir

__all__ = ["Op", "WalContents", "WriteAheadLog", "decode_lines", "encode_line", "read_wal", "sync_dir"]

#: one change: (table name, TinyDB document id as text, the new document or None to delete it)
Op = tuple[str, str, dict[str, Any] | None]

_HEAD = b'{"seq":'
_OPS = b',"ops":'
_SUM = b',"sum":'  # CRC-32 of the seq's digits and the ops
_CRC = b',"crc":'  # earlier lines: CRC-32 of the ops only


def encode_line(seq: int, ops: list[Op]) -> bytes:
    """The bytes of one log line (newline included)."""
    payload = orjson.dumps(ops)
    digits = b"%d" % seq
    return b"%s%s%s%s%s%d}\n" % (_HEAD, digits, _OPS, payload, _SUM, zlib.crc32(payload, zlib.crc32(digits)))


def _decode_line(line: bytes) -> tuple[int, list[Any]] | None:
    """(seq, ops) of a complete line, or None when it is not a whole, intact line."""
    if not line.startswith(_HEAD) or not line.endswith(b"}"):
        return None
    ops_at = line.find(_OPS)
    sum_at = line.rfind(_SUM)
    marker = _SUM if sum_at >= 0 else _CRC
    sum_at = sum_at if sum_at >= 0 else line.rfind(_CRC)
    if ops_at < 0 or sum_at < ops_at:
        return None
    digits = line[len(_HEAD) : ops_at]
    payload = line[ops_at + len(_OPS) : sum_at]
    try:
        seq = int(digits)
        crc = int(line[sum_at + len(marker) : -1])
    except ValueError:
        return None
    expected = zlib.crc32(payload, zlib.crc32(digits)) if marker is _SUM else zlib.crc32(payload)
    if expected != crc:
        return None
    try:
        ops = orjson.loads(payload)
    except orjson.JSONDecodeError:
        return None
    return (seq, ops) if isinstance(ops, list) else None


@dataclass
class WalContents:
    """What a log file holds: its intact lines up to the first unreadable one, and the tail from there."""

    entries: list[tuple[int, list[Any]]]
    good_size: int  # bytes up to the end of the last intact line before the tail
    size: int  # bytes in the file (more than good_size when there is a tail)
    tail_lines: int = 0  # lines in the tail (the first unreadable one and all after it)
    tail_intact: int = 0  # of those, lines that decode (they follow a damaged line: not a crash artefact)
    tail: bytes = b""  # the tail's bytes, exactly as they are in the file

    @property
    def torn(self) -> bool:
        """True when the tail is only a half-written last line: what a crash during a save leaves."""
        return self.tail_lines == 1 and not self.tail.endswith(b"\n")


def _lines(data: bytes) -> Iterator[tuple[int, int]]:
    start = 0
    while start < len(data):
        end = data.find(b"\n", start)
        if end < 0:
            yield start, len(data)
            return
        yield start, end + 1
        start = end + 1


def decode_lines(data: bytes) -> WalContents:
    """The log in *data*: the intact lines up to the first one that does not decode, and the tail from it."""
    entries: list[tuple[int, list[Any]]] = []
    good = 0
    tail_lines = tail_intact = 0
    for start, end in _lines(data):
        decoded = _decode_line(data[start : end - 1]) if data[end - 1 : end] == b"\n" else None
        if tail_lines == 0 and decoded is not None:
            entries.append(decoded)
            good = end
            continue
        tail_lines += 1
        tail_intact += decoded is not None
    return WalContents(entries, good, len(data), tail_lines, tail_intact, data[good:])


def read_wal(path: Path) -> WalContents:
    """Read the log at *path* (missing = empty); see ``decode_lines``."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return WalContents([], 0, 0)
    return decode_lines(data)


class WriteAheadLog:
    """The log file, open for appending; every append is on disk when it returns."""

    def __init__(self, path: Path, size: int):
        self.path = path
        created = not path.exists()
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE)
        if hasattr(os, "fchmod"):
            os.fchmod(self._fd, PRIVATE_FILE)  # a log made by an older fieldapp was 0644
        if os.fstat(self._fd).st_size != size:
            # cut off what cannot be replayed (the storage has set any unreadable tail aside first)
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

    def rotate(self, previous: Path) -> None:
        """Move the log to *previous* (after a snapshot has taken in all of it) and start an empty one.

        The moved segment is what leads from the previous snapshot to the current one, so ``fieldapp doctor``
        can rebuild the store from ``store.json.prev`` when ``store.json`` is damaged.
        """
        if self.size == 0:
            return
        # closed first: Windows refuses to rename a file that is open, even by the process renaming it
        os.close(self._fd)
        self._fd = -1
        try:
            replace(self.path, previous)
        except OSError:
            # the log stays whole where it was (its lines are all in the snapshot: replaying skips them)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
            raise
        # a crash here leaves no store.wal: read as an empty log, which is what it is
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, PRIVATE_FILE)
        self.size = 0
        sync_dir(self.path.parent)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _sync(fd: int) -> None:
    # fdatasync also flushes the file size, which is all a reader needs; it skips the mtime update.
    (getattr(os, "fdatasync", None) or os.fsync)(fd)
