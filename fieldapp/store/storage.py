"""A crash-safe TinyDB storage: an atomic JSON snapshot plus a write-ahead log, replayed on open.

Files in the data folder:

- ``store.json``: the snapshot, a plain TinyDB JSON file (any TinyDB can read it) whose first table holds the
  SHA-256 of the rest (``fieldapp.store.snapshot``). Its ``_store`` table holds ``schema_version`` and ``seq``,
  the last log line it contains. It is only ever replaced whole: temp file, fsync, ``os.replace``, fsync of the
  folder (``fieldapp.files.write_atomic``). Windows refuses the rename while another process has the file open
  (a reader, an antivirus, a sync tool): ``fieldapp.files.replace`` tries again for about a second, then the
  snapshot fails and the log, which still holds every change, is replayed on the next open. Readers read the
  snapshot whole and close it at once, so they never hold it for long. A snapshot that fails its checksum is
  refused (``StoreDamaged``), never silently replaced by an older one: ``fieldapp doctor --repair`` does that,
  keeping the originals.
- ``store.json.prev``: the snapshot before it (a hard link made just before the new one replaces it).
- ``store.wal``: the write-ahead log (``fieldapp.store.wal``), moved to ``store.wal.prev`` after each snapshot,
  so ``store.json.prev`` + ``store.wal.prev`` + ``store.wal`` always lead to the current state.
- ``store.wal.corrupt-<UTC time>``: an unreadable log tail a writer set aside (``fieldapp.store.setaside``).

All are the owner's only (0600), in a folder made 0700.

``commit(ops)`` appends one fsynced log line and then applies it to the in-memory tables that ``read()`` hands
to TinyDB, so a save costs one small append instead of a rewrite of the file. ``write(data)``, the path TinyDB's
own write methods take, writes a full snapshot: slow but correct.

Given a ``Lazy`` (the Store's visits), snapshots are written in the layout of ``fieldapp.store.snapshot`` and that
table is parsed on first use (``table``, ``read``): until then the storage keeps its bytes, the fields of its
documents the snapshot kept apart (``rows``, which the Store's indexes are built from), and the changes made to it
since (the log replayed on open, later commits), applied in order when it is parsed.
"""

from __future__ import annotations

import gc
import os
import shutil
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from fieldapp.core.records import SCHEMA_VERSION
from fieldapp.files import ReplaceRefused, replace, sync_dir, write_atomic
from fieldapp.store import migrations
from fieldapp.store.codec import collector_paused
from fieldapp.store.errors import StoreCorrupt, StoreError, StoreIOError, StoreReadOnly, StoreTooNew
from fieldapp.store.setaside import SetAside, set_aside
from fieldapp.store.snapshot import Lazy, LazyPart, encode_snapshot, parse_lazy, read_snapshot
from fieldapp.store.wal import Op, WalContents, WriteAheadLog, encode_line, read_wal

__all__ = [
    "INFO_TABLE",
    "PREV_SNAPSHOT_FILE",
    "PREV_WAL_FILE",
    "SNAPSHOT_FILE",
    "WAL_FILE",
    "Tables",
    "WalStorage",
    "apply_ops",
    "snapshot_info",
]

SNAPSHOT_FILE = "store.json"
PREV_SNAPSHOT_FILE = "store.json.prev"
WAL_FILE = "store.wal"
PREV_WAL_FILE = "store.wal.prev"
INFO_TABLE = "_store"
DEFAULT_SNAPSHOT_BYTES = 8 * 1024 * 1024

Tables = dict[str, dict[str, dict[str, Any]]]

_LOAD_ATTEMPTS = 5


class WalStorage(Storage):
    """TinyDB storage over ``store.json`` + ``store.wal`` in *folder*.

    The caller (the Store) holds the folder lock before creating a writable one. ``readonly`` never writes
    anything, not even a migration or the clean-up of a crash's leftovers.
    """

    def __init__(
        self,
        folder: Path,
        *,
        readonly: bool = False,
        snapshot_bytes: int = DEFAULT_SNAPSHOT_BYTES,
        lazy: Lazy | None = None,
    ):
        self.folder = folder
        self.readonly = readonly
        self.lazy = lazy
        #: set by the Store once it has moved its records out of the collector's sight (``gc.freeze``): the
        #: documents of the lazy table join them when they are parsed
        self.freeze_when_parsed = False
        self._unread: _Unread | None = None
        self._parse_lock = threading.Lock()
        self.snapshot_bytes = snapshot_bytes
        self._snapshot_at = snapshot_bytes  # log size that triggers the next snapshot
        self.snapshot_path = folder / SNAPSHOT_FILE
        self.wal_path = folder / WAL_FILE
        self._wal: WriteAheadLog | None = None
        #: unreadable log tails this writer copied aside before cutting them off, or a reader saw (shown to
        #: the user)
        self.set_aside: list[SetAside] = []
        if not readonly:
            self._remove_temp_files()
        self._tables, version, self._seq, wal, wal_size = self._load()
        if wal.tail_lines and not readonly:
            self.set_aside.append(set_aside(folder, wal.tail, wal.tail_lines, wal.tail_intact, wal.torn))
        elif wal.tail_lines and not wal.torn:
            # a reader only reports it (a torn last line may be a writer's append in progress: not a word)
            tail = SetAside(folder, None, len(wal.tail), wal.tail_lines, wal.tail_intact, torn=False)
            self.set_aside.append(tail)
        if version < SCHEMA_VERSION:
            self._tables = migrations.migrate(self.read(), version, self.snapshot_path)
            if not readonly:
                migrations.back_up(self.folder, [self.snapshot_path, self.wal_path], version)
                self._write_snapshot(self._tables)
                wal_size = 0
        if not readonly:
            self._wal = WriteAheadLog(self.wal_path, wal_size)
            if wal_size == 0 and self._wal.size == 0 and not self.snapshot_path.exists():
                self._write_snapshot(self._tables)  # a new folder: make the file TinyDB and readers expect

    # --- TinyDB's Storage interface ------------------------------------------------------------------
    def read(self) -> Tables:
        """The tables, in memory (TinyDB reads them without copying; never mutate them outside commit).
        The lazy table is parsed first if it was not yet."""
        if self._unread is not None:
            self._parse_unread()
        return self._tables

    def write(self, data: Tables) -> None:
        """TinyDB's own write path: replace everything, as a new snapshot."""
        self._check_writable()
        self._unread = None
        self._tables = data
        self._write_snapshot(data)

    def close(self) -> None:
        if self._wal is not None:
            self._wal.close()
            self._wal = None

    # --- what the Store uses -------------------------------------------------------------------------
    @property
    def seq(self) -> int:
        """The sequence number of the last committed change."""
        return self._seq

    def table(self, name: str) -> dict[str, dict[str, Any]]:
        """The documents of table *name* by document id (empty when there is no such table); the lazy table is
        parsed first if it was not yet. Never mutate them outside commit."""
        unread = self._unread
        if unread is not None and unread.part.table == name:
            self._parse_unread()
        return self._tables.get(name, {})

    def columns(self, name: str) -> tuple[list[str], list[list[Any]]] | None:
        """While the lazy table *name* is not parsed: its document ids and what is kept of each document
        (``Lazy.row``), column by column, in the table's order, changes included; None once it is parsed, or for
        any other table."""
        unread = self._unread
        return unread.columns() if unread is not None and unread.part.table == name else None

    def commit(self, ops: list[Op]) -> None:
        """Make *ops* durable (one log line, one fsync), then apply them in memory; all or nothing."""
        wal = self._check_writable()
        if not ops:
            return
        try:
            wal.append(encode_line(self._seq + 1, ops))
        except OSError as exc:
            raise StoreIOError.from_os_error(exc, self.folder) from exc
        self._seq += 1
        self._apply(self._tables, self._unread, ops)
        if wal.size >= self._snapshot_at:
            try:
                self._write_snapshot(self._tables)
            except OSError:
                # The change is durable in the log and applied: the save succeeded. Try the snapshot again
                # once the log has grown as much again (a full disk should not make every save slow).
                self._snapshot_at = wal.size + self.snapshot_bytes

    def snapshot(self) -> None:
        """Write the tables as a new snapshot and empty the log."""
        self._check_writable()
        try:
            self._write_snapshot(self._tables)
        except ReplaceRefused as exc:
            # every change is still in the log, replayed on the next open: say so, it is what matters
            raise StoreIOError.snapshot_refused(exc, self.folder) from exc
        except OSError as exc:
            raise StoreIOError.from_os_error(exc, self.folder) from exc

    # --- internals -----------------------------------------------------------------------------------
    def _check_writable(self) -> WriteAheadLog:
        if self._wal is None:
            if not self.readonly:
                raise StoreError("closed", self.folder, folder=self.folder)
            raise StoreReadOnly(self.folder)
        return self._wal

    def _apply(self, tables: Tables, unread: _Unread | None, ops: Iterable[Any]) -> None:
        if unread is None:
            apply_ops(tables, ops)
            return
        for op in ops:
            if op[0] == unread.part.table:
                unread.apply(op[1], op[2])
            else:
                apply_ops(tables, (op,))

    def _parse_unread(self) -> None:
        with self._parse_lock:  # TinyDB (store.db) may read from another thread than the Store's
            unread = self._unread
            if unread is None:
                return
            with collector_paused():
                self._tables[unread.part.table] = unread.parse(self.snapshot_path)
            self._unread = None
            if self.freeze_when_parsed:
                gc.freeze()

    def _write_snapshot(self, tables: Tables) -> None:
        if tables is self._tables:
            tables = self.read()  # the lazy table is written too
        payload = encode_snapshot(snapshot_info(SCHEMA_VERSION, self._seq, tables), self.lazy)
        if self.snapshot_path.exists():
            _keep_previous(self.snapshot_path, self.folder / PREV_SNAPSHOT_FILE)
        write_atomic(self.snapshot_path, payload)
        self._snapshot_at = self.snapshot_bytes
        # Only once the snapshot is on disk may the log move; a crash in between replays nothing twice because
        # every log line's seq is <= the snapshot's. The moved segment leads from the previous snapshot here.
        previous_log = self.folder / PREV_WAL_FILE
        if self._wal is not None:
            self._wal.rotate(previous_log)
        elif self.wal_path.exists() and self.wal_path.stat().st_size:
            replace(self.wal_path, previous_log)
            sync_dir(self.folder)

    def _remove_temp_files(self) -> None:
        for leftover in self.folder.glob(f".{SNAPSHOT_FILE}.*.tmp"):
            leftover.unlink(missing_ok=True)

    def _load(self) -> tuple[Tables, int, int, WalContents, int]:
        """(tables, schema version, last seq, the log, log size to keep), from the snapshot and the log."""
        for _ in range(_LOAD_ATTEMPTS):
            before = _stamp(self.snapshot_path)
            tables, unread, version, seq = self._read_snapshot()
            wal = read_wal(self.wal_path)
            if _stamp(self.snapshot_path) != before:
                continue  # a writer replaced the snapshot (and emptied the log) while we read: again
            pending = [(s, ops) for s, ops in wal.entries if s > seq]
            if pending and pending[0][0] != seq + 1:
                if self.readonly:
                    continue
                raise StoreCorrupt(self.wal_path, f"missing changes {seq + 1}..{pending[0][0] - 1}")
            for s, ops in pending:
                if s != seq + 1:
                    raise StoreCorrupt(self.wal_path, f"change {s} out of order")
                self._apply(tables, unread, ops)
                seq = s
            self._unread = unread
            # log lines all inside the snapshot (a crash between snapshot and truncation) are cut off
            return tables, version, seq, wal, wal.good_size if pending else 0
        raise StoreCorrupt(self.snapshot_path, "changed while being read")

    def _read_snapshot(self) -> tuple[Tables, _Unread | None, int, int]:
        try:
            raw = self.snapshot_path.read_bytes()
        except FileNotFoundError:
            return {}, None, SCHEMA_VERSION, 0
        snapshot = read_snapshot(raw, self.snapshot_path, self.lazy)  # StoreDamaged: checksum or JSON
        data = snapshot.tables
        unread = None if snapshot.lazy is None or self.lazy is None else _Unread(snapshot.lazy, self.lazy)
        info = data.pop(INFO_TABLE, None)
        if info is None:
            return data, unread, 0, 0  # the version 0 layout had no _store table
        try:
            version, seq = int(info["1"]["schema_version"]), int(info["1"]["seq"])
        except (KeyError, TypeError, ValueError):
            raise StoreCorrupt(self.snapshot_path, "no schema version") from None
        if version > SCHEMA_VERSION:
            raise StoreTooNew(self.snapshot_path, version, SCHEMA_VERSION)
        return data, unread, version, seq


class _Unread:
    """The lazy table while it is not parsed: its bytes and kept columns, and the changes made since, in order."""

    def __init__(self, part: LazyPart, lazy: Lazy):
        self.part = part
        self._lazy = lazy
        self._changes: list[tuple[str, dict[str, Any] | None]] = []
        self._rows: dict[str, tuple[Any, ...]] | None = None  # the columns as rows, once something changed

    def apply(self, doc_id: str, doc: dict[str, Any] | None) -> None:
        self._changes.append((doc_id, doc))
        rows = self._rows
        if rows is None:
            part = self.part
            rows = self._rows = dict(zip(part.doc_ids, zip(*part.columns, strict=True), strict=True))
        if doc is None:  # as apply_ops does to a table: the rows stay in the table's order
            rows.pop(doc_id, None)
        else:
            rows[doc_id] = self._lazy.row(doc)

    def columns(self) -> tuple[list[str], list[list[Any]]]:
        if self._rows is None:
            return self.part.doc_ids, self.part.columns
        width = len(self.part.columns)
        return list(self._rows), [list(c) for c in zip(*self._rows.values(), strict=True)] or [[]] * width

    def parse(self, path: Path) -> dict[str, dict[str, Any]]:
        docs = parse_lazy(self.part, path)
        for doc_id, doc in self._changes:  # as apply_ops does, in the same order: the same table
            if doc is None:
                docs.pop(doc_id, None)
            else:
                docs[doc_id] = doc
        return docs


def snapshot_info(version: int, seq: int, tables: Tables) -> dict[str, Any]:
    """The document a snapshot holds: the ``_store`` table (schema version, last seq), then the tables."""
    return {INFO_TABLE: {"1": {"schema_version": version, "seq": seq}}, **tables}


def _keep_previous(current: Path, previous: Path) -> None:
    """Make *previous* the file *current* is now, atomically (a hard link, else a copy), before it is replaced."""
    tmp = previous.with_name(f".{current.name}.prev.tmp")  # removed on open like the snapshot's temp files
    tmp.unlink(missing_ok=True)
    try:
        os.link(current, tmp)
    except OSError:  # a file system without hard links: a copy, made durable
        shutil.copyfile(current, tmp)
        os.chmod(tmp, 0o600)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
    replace(tmp, previous)  # made durable with the new snapshot's fsync of the folder


def apply_ops(tables: Tables, ops: Iterable[Any]) -> None:
    """Apply the operations of one log line to *tables*."""
    for table, doc_id, doc in ops:
        if doc is None:
            tables.get(table, {}).pop(doc_id, None)
        else:
            tables.setdefault(table, {})[doc_id] = doc


def _stamp(path: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)
