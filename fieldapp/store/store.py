"""The Store: the cadre's enterprises and visits on the laptop, durable on every save, looked up from memory.

A real ``tinydb.TinyDB`` sits on ``WalStorage`` (snapshot + write-ahead log). TinyDB's own insert rebuilds the
whole table per call (about 18 ms at 50,000 documents), so the Store commits each change straight to the
storage (one log line, one fsync) and then clears TinyDB's query cache, which leaves TinyDB's read and query
path intact (``store.db``) while a save stays O(1). The records live in memory as frozen models with their
indexes (``fieldapp.store.indexes``); visit models are built on first use (``fieldapp.store.visit_index``).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from tinydb import TinyDB

from fieldapp.core.errors import Problem, RecordError
from fieldapp.core.records import Enterprise, Record, Visit, normalise_tax_code
from fieldapp.store.codec import collector_paused, from_doc, to_doc
from fieldapp.store.errors import StoreCorrupt, StoreReadOnly
from fieldapp.store.indexes import Indexes
from fieldapp.store.lock import FolderLock
from fieldapp.store.storage import DEFAULT_SNAPSHOT_BYTES, WalStorage
from fieldapp.store.syncing import ISSUES, META, Kind, SyncBookkeeping
from fieldapp.store.wal import Op

__all__ = ["Kind", "Store"]

ENTERPRISES, VISITS = "enterprises", "visits"
_FREEZE_AT = 20_000  # records; see Store.open


class _DocIds:
    """TinyDB document ids (integers as text) for the keys of one table."""

    def __init__(self, table: dict[str, dict[str, Any]], key: Callable[[dict[str, Any]], Any], source: Path):
        try:
            self.of: dict[Any, str] = {key(doc): doc_id for doc_id, doc in table.items()}
            self._next = max(map(int, table), default=0) + 1
        except (KeyError, TypeError, ValueError) as exc:
            # a document without its key (an id) cannot be told apart from a new record: refuse the file
            raise StoreCorrupt(source, f"a document lacks {exc}") from None

    def get(self, key: Any) -> str:
        """The id of *key*, a new one when it has none yet (taken back by ``forget`` if the write fails)."""
        doc_id = self.of.get(key)
        if doc_id is None:
            doc_id = self.of[key] = str(self._next)
            self._next += 1
        return doc_id


class Store(SyncBookkeeping):
    """Enterprises, visits and sync bookkeeping in one data folder. Open with ``Store.open(folder)``."""

    def __init__(self, folder: Path, storage: WalStorage, lock: FolderLock | None):
        self.folder = folder
        self.readonly = lock is None
        self._storage = storage
        self._lock = lock
        self._mutex = threading.RLock()
        self._frozen = False
        self.db = TinyDB(storage=lambda: storage)  # read-only use: queries, debugging
        tables = storage.read()
        source = storage.snapshot_path
        enterprises = tables.get(ENTERPRISES, {})
        visits = tables.get(VISITS, {})
        self._ids = {
            ENTERPRISES: _DocIds(enterprises, lambda d: d["id"], source),
            VISITS: _DocIds(visits, lambda d: d["id"], source),
            META: _DocIds(tables.get(META, {}), lambda d: d["key"], source),
            ISSUES: _DocIds(tables.get(ISSUES, {}), lambda d: (d["kind"], d["id"]), source),
        }
        self._index = Indexes(self._load_visit)
        self._index.load((from_doc(Enterprise, doc, source) for doc in enterprises.values()), visits.values())

    def _load_visit(self, visit_id: str) -> Visit:
        # the stored document of a visit whose model nobody has asked for yet (see visit_index)
        doc = self._storage.read()[VISITS][self._ids[VISITS].of[visit_id]]
        return from_doc(Visit, doc, self._storage.snapshot_path)

    @classmethod
    def open(
        cls, data_dir: str | Path, *, readonly: bool = False, snapshot_bytes: int = DEFAULT_SNAPSHOT_BYTES
    ) -> Store:
        """Open the store in *data_dir* (created if needed) for writing, or ``readonly`` without the lock.

        Raises StoreLocked when another process writes the folder, StoreCorrupt when a file cannot be read,
        StoreTooNew when a newer fieldapp wrote it. *snapshot_bytes*: log size that triggers a snapshot.
        """
        folder = Path(data_dir).expanduser().absolute()
        with collector_paused():
            store = cls._open(folder, readonly, snapshot_bytes)
            if len(store._index.enterprises) + len(store._index.visits) >= _FREEZE_AT:
                # A big store's records live as long as it does: moved out of the collector's sight
                # (gc.freeze), the next collections need not rescan them all (measured: 0.5 s of stalls
                # just after opening 70,000). Records are not cyclic, so reference counting still frees
                # the ones a later save replaces. Small stores (tests) skip it.
                gc.freeze()
                store._frozen = True
            return store

    @classmethod
    def _open(cls, folder: Path, readonly: bool, snapshot_bytes: int) -> Store:
        lock: FolderLock | None = None
        if not readonly:
            folder.mkdir(parents=True, exist_ok=True)
            lock = FolderLock(folder)
            lock.acquire()
        try:
            storage = WalStorage(folder, readonly=readonly, snapshot_bytes=snapshot_bytes)
            try:
                return cls(folder, storage, lock)
            except BaseException:
                storage.close()
                raise
        except BaseException:
            if lock is not None:
                lock.release()
            raise

    def close(self) -> None:
        """Close the files and release the writer lock (every save is already on disk)."""
        with self._mutex:
            self._storage.close()
            if self._lock is not None:
                self._lock.release()
                self._lock = None
            if self._frozen:
                gc.unfreeze()
                self._frozen = False

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # --- writing ---------------------------------------------------------------------------------------
    def _commit(self, ops: list[Op]) -> None:
        """Make *ops* durable, or raise with nothing changed (new document ids are taken back)."""
        try:
            self._storage.commit(ops)
        except BaseException:
            tables = self._storage.read()
            for table, ids in self._ids.items():
                stored = tables.get(table, {})
                for key, doc_id in list(ids.of.items()):
                    if doc_id not in stored:
                        del ids.of[key]
            raise
        for table in {op[0] for op in ops}:
            self.db.table(table).clear_cache()

    def _record_ops(self, records: Iterable[Record]) -> list[Op]:
        ops: list[Op] = []
        for record in records:
            table = ENTERPRISES if isinstance(record, Enterprise) else VISITS
            ops.append((table, self._ids[table].get(record.id), to_doc(record)))
        return ops

    # --- enterprises -----------------------------------------------------------------------------------
    def get_enterprise(self, enterprise_id: str) -> Enterprise | None:
        """The enterprise with this id, or None."""
        with self._mutex:
            return self._index.enterprises.get(enterprise_id)

    def find_by_tax_code(self, tax_code: str) -> Enterprise | None:
        """The enterprise with this tax code in any accepted spelling (spaces, dots, 13 digits), or None."""
        try:
            code = normalise_tax_code(tax_code)
        except ValueError:
            return None
        with self._mutex:
            eid = self._index.by_tax_code.get(code)
            return None if eid is None else self._index.enterprises[eid]

    def find_enterprise(self, id_or_tax_code: str) -> Enterprise | None:
        """The enterprise with this id (any case) or this tax code, or None."""
        text = id_or_tax_code.strip()
        with self._mutex:
            found = self._index.enterprises.get(text) or self._index.enterprises.get(text.lower())
        return found or self.find_by_tax_code(text)

    def find_by_name_ward(self, name: str, ward: str) -> list[Enterprise]:
        """Enterprises with the same name and ward, compared without accents or case (in id order)."""
        with self._mutex:
            return [self._index.enterprises[eid] for eid in self._index.name_ward_ids(name, ward)]

    def enterprises(self) -> list[Enterprise]:
        """Every enterprise, by folded name then id."""
        with self._mutex:
            return [self._index.enterprises[eid] for eid in self._index.ordered_ids()]

    def search_enterprises(self, text: str, limit: int | None = None) -> list[Enterprise]:
        """Enterprises whose name, tax code, address or ward contain every word of *text*, ignoring accents
        and case; by folded name then id; at most *limit*. Empty text gives every enterprise."""
        with self._mutex:
            return self._index.search(text, limit)

    def save_enterprise(self, enterprise: Enterprise) -> Enterprise:
        """Insert or replace *enterprise* by id; on disk when it returns.

        Raises RecordError (tax_code, duplicate_tax_code) when another enterprise has its tax code.
        """
        self.save_enterprises([enterprise])
        return enterprise

    def save_enterprises(self, enterprises: Iterable[Enterprise]) -> int:
        """Insert or replace many enterprises with one fsync, all or none; the number saved."""
        batch = {e.id: _check_type(e, Enterprise) for e in enterprises}
        with self._mutex:
            self._save_locked(batch, {})
        return len(batch)

    def _save_locked(self, enterprises: dict[str, Enterprise], visits: dict[str, Visit]) -> None:
        """Check and write *enterprises* and *visits* (by id) in one durable change; the caller holds the lock.

        Raises RecordError with nothing written: a tax code another enterprise holds, a visit whose enterprise is
        neither stored nor among *enterprises*.
        """
        self._check_tax_codes(enterprises)
        stored = self._index.enterprises
        unknown = sorted(
            {v.enterprise_id for v in visits.values() if v.enterprise_id not in stored} - enterprises.keys()
        )
        if unknown:
            raise RecordError(Problem("enterprise_id", "unknown_enterprise", {"value": e}) for e in unknown)
        self._commit(self._record_ops([*enterprises.values(), *visits.values()]))
        for enterprise in enterprises.values():
            self._index.put_enterprise(enterprise)
        for visit in visits.values():
            self._index.visits.put(visit)

    def _check_tax_codes(self, batch: dict[str, Enterprise]) -> None:
        claimed: dict[str, str] = {}
        problems: list[Problem] = []
        for enterprise in batch.values():
            code = enterprise.tax_code
            if code is None:
                continue
            owner = claimed.setdefault(code, enterprise.id)
            if owner == enterprise.id:
                owner = self._index.by_tax_code.get(code, enterprise.id)
                # the current owner keeps it unless this batch gives that enterprise another tax code
                if owner in batch and batch[owner].tax_code != code:
                    owner = enterprise.id
            if owner != enterprise.id:
                other = batch.get(owner) or self._index.enterprises[owner]
                problems.append(
                    Problem("tax_code", "duplicate_tax_code", {"value": code, "other": other.name})
                )
        if problems:
            raise RecordError(problems)

    def delete_enterprise(self, enterprise_id: str) -> None:
        """Delete the enterprise, its visits and their sync issues (one durable change)."""
        with self._mutex:
            if enterprise_id not in self._index.enterprises:
                return
            visits = self._index.visits.ids_of(enterprise_id)
            doomed = [(ENTERPRISES, "enterprise", enterprise_id)] + [(VISITS, "visit", vid) for vid in visits]
            ops: list[Op] = [(table, self._ids[table].of[rid], None) for table, _, rid in doomed]
            issues = self._ids[ISSUES].of
            ops += [(ISSUES, issues[(kind, rid)], None) for _, kind, rid in doomed if (kind, rid) in issues]
            self._commit(ops)
            self._forget(doomed)
            self._index.remove_enterprise(enterprise_id)

    def _forget(self, doomed: list[tuple[str, str, str]]) -> None:
        for table, kind, rid in doomed:
            self._ids[table].of.pop(rid, None)
            self._ids[ISSUES].of.pop((kind, rid), None)

    # --- visits ----------------------------------------------------------------------------------------
    def get_visit(self, visit_id: str) -> Visit | None:
        """The visit with this id, or None."""
        with self._mutex:
            return self._index.visits.get(visit_id)

    def visits(self) -> list[Visit]:
        """Every visit, in the order they were first saved."""
        with self._mutex:
            return self._index.visits.all()

    def visits_of(self, enterprise_id: str) -> list[Visit]:
        """The enterprise's visits, newest first: visited_on, then created_at, both descending."""
        with self._mutex:
            return self._index.visits.of(enterprise_id)

    def latest_visit(self, enterprise_id: str) -> Visit | None:
        """The enterprise's newest visit, or None."""
        with self._mutex:
            return self._index.visits.latest(enterprise_id)

    def save_visit(self, visit: Visit) -> Visit:
        """Insert or replace *visit* by id; on disk when it returns.

        Raises RecordError (enterprise_id, unknown_enterprise) when its enterprise is not in the store.
        """
        self.save_visits([visit])
        return visit

    def save_visits(self, visits: Iterable[Visit]) -> int:
        """Insert or replace many visits with one fsync, all or none; the number saved."""
        batch = {v.id: _check_type(v, Visit) for v in visits}
        with self._mutex:
            self._save_locked({}, batch)
        return len(batch)

    def delete_visit(self, visit_id: str) -> None:
        """Delete the visit and its sync issue (one durable change)."""
        with self._mutex:
            if visit_id not in self._index.visits:
                return
            doomed = [(VISITS, "visit", visit_id)]
            ops: list[Op] = [(VISITS, self._ids[VISITS].of[visit_id], None)]
            if ("visit", visit_id) in self._ids[ISSUES].of:
                ops.append((ISSUES, self._ids[ISSUES].of[("visit", visit_id)], None))
            self._commit(ops)
            self._forget(doomed)
            self._index.visits.remove(visit_id)

    def counts(self) -> dict[str, int]:
        """How many enterprises and visits there are, and how many of each wait to be synced."""
        with self._mutex:
            index = self._index
            return {
                "enterprises": len(index.enterprises),
                "visits": len(index.visits),
                "pending_enterprises": len(index.pending_enterprises),
                "pending_visits": len(index.visits.pending),
            }

    def snapshot(self) -> None:
        """Fold the log into a fresh snapshot now (the store also does it by itself as the log grows)."""
        with self._mutex:
            if self.readonly:
                raise StoreReadOnly(self.folder)
            self._storage.snapshot()


def _check_type(record: Any, model: type[Record]) -> Any:
    if not isinstance(record, model):
        raise TypeError(f"expected {model.__name__}, got {type(record).__name__}")
    return record
