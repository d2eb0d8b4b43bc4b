"""The Store: the cadre's enterprises, visits and founding cases on the laptop, durable on every save, looked up from memory.

A real ``tinydb.TinyDB`` sits on ``WalStorage`` (snapshot + write-ahead log). TinyDB's own insert rebuilds the
whole table per call (about 18 ms at 50,000 documents), so the Store commits each change straight to the
storage (one log line, one fsync, ``fieldapp.store.documents``) and then clears TinyDB's query cache, which
leaves TinyDB's read and query path intact (``store.db``) while a save stays O(1). The records live in memory
as frozen models with their indexes (``fieldapp.store.indexes``); visit models are built on first use
(``fieldapp.store.visit_index``). What only sync needs is kept by a ``SyncBookkeeping`` the Store holds
(``fieldapp.store.syncing``).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from tinydb import TinyDB

from fieldapp.core.errors import Problem, RecordError
from fieldapp.core.founding import FoundingCase, current_case
from fieldapp.core.issues import SyncIssue
from fieldapp.core.kinds import Kind
from fieldapp.core.records import Enterprise, Record, Visit
from fieldapp.core.taxcode import normalise_tax_code
from fieldapp.files import make_private_dir
from fieldapp.store.codec import collector_paused, from_doc
from fieldapp.store.documents import (
    ENTERPRISES,
    FOUNDING,
    ISSUES,
    LAZY_VISITS,
    VISITS,
    Delete,
    Documents,
    record_puts,
)
from fieldapp.store.errors import StoreIOError, StoreReadOnly
from fieldapp.store.founding_index import FoundingIndex
from fieldapp.store.indexes import Indexes
from fieldapp.store.lock import FolderLock
from fieldapp.store.setaside import SetAside
from fieldapp.store.storage import DEFAULT_SNAPSHOT_BYTES, WalStorage
from fieldapp.store.syncing import SyncBookkeeping
from fieldapp.store.views import state_stamp, write_view

__all__ = ["Kind", "PendingOpen", "Store"]

_FREEZE_AT = 20_000  # records; see Store.open


class Store:
    """Enterprises, visits and sync bookkeeping in one data folder. Open with ``Store.open(folder)``.

    Every method may be called from any thread: one lock makes each call a single step.
    """

    def __init__(
        self,
        folder: Path,
        storage: WalStorage,
        lock: FolderLock | None,
        *,
        between_check_and_write: Callable[[], None] | None = None,
    ):
        self.folder = folder
        self.readonly = lock is None
        self._storage = storage
        self._lock = lock
        self._mutex = threading.RLock()
        self._frozen = False
        self.db = TinyDB(storage=lambda: storage)  # read-only use: queries, debugging
        self._documents = Documents(storage, self.db)
        source = storage.snapshot_path
        self._index = Indexes(self._load_visit, self._build_enterprise, self._after_bulk)
        kept = storage.columns(VISITS)
        if kept is None:  # an earlier snapshot, or one no checksum vouched for: every record checked now
            self._index.load(from_doc(Enterprise, doc, source) for doc in storage.table(ENTERPRISES).values())
            self._index.visits.load_docs(storage.table(VISITS).values())
        else:  # the snapshot's visits are not parsed yet: what the index needs of them was kept apart
            self._index.load_docs(storage.table(ENTERPRISES).values())
            self._index.visits.load_columns(*kept[1])
        self._founding = FoundingIndex()
        self._founding.load(from_doc(FoundingCase, doc, source) for doc in storage.table(FOUNDING).values())
        self._sync = SyncBookkeeping(
            self._mutex,
            self._index,
            self._founding,
            self._documents,
            save=self._save_locked,
            delete=self.delete_record,
            between_check_and_write=between_check_and_write,
        )

    def _build_enterprise(self, doc: dict[str, Any]) -> Enterprise:
        return from_doc(Enterprise, doc, self._storage.snapshot_path)

    def _after_bulk(self) -> None:
        # records built in bulk after the open live as long as those built during it: out of the collector's
        # sight too (see _open_frozen)
        if self._frozen:
            gc.freeze()

    def _load_visit(self, visit_id: str) -> Visit:
        # the stored document of a visit whose model nobody has asked for yet (see visit_index)
        doc = self._documents.get(VISITS, visit_id)
        assert doc is not None, visit_id  # the index holds only stored visits
        return from_doc(Visit, doc, self._storage.snapshot_path)

    @classmethod
    def open(
        cls,
        data_dir: str | Path,
        *,
        readonly: bool = False,
        snapshot_bytes: int = DEFAULT_SNAPSHOT_BYTES,
        between_check_and_write: Callable[[], None] | None = None,
    ) -> Store:
        """Open the store in *data_dir* (created if needed) for writing, or ``readonly`` without the lock.

        Raises StoreLocked when another process writes the folder, StoreCorrupt when a file cannot be read
        (StoreDamaged when the snapshot fails its checksum), StoreTooNew when a newer fieldapp wrote it,
        StoreIOError when the operating system refuses. An unreadable log tail is not an error: a writer copies
        it aside and lists it in ``set_aside``. *snapshot_bytes*: log size that triggers a snapshot.
        *between_check_and_write* is for tests only: called between the check and the write of
        ``compare_and_save`` and ``delete_if_synced``, the lock held, to force a concurrent edit into that gap.
        """
        folder = Path(data_dir).expanduser().absolute()
        return cls._open_frozen(folder, readonly, snapshot_bytes, between_check_and_write, None)

    @classmethod
    def open_later(cls, data_dir: str | Path) -> PendingOpen:
        """Take the writer lock of *data_dir* now (StoreLocked, StoreIOError at once) and read the files only when
        the answer's ``open()`` is called: the terminal app paints its first screen in between."""
        folder = Path(data_dir).expanduser().absolute()
        try:
            make_private_dir(folder)
            lock = FolderLock(folder)
            lock.acquire()
        except OSError as exc:
            raise StoreIOError.from_os_error(exc, folder) from exc
        return PendingOpen(folder, lock)

    @classmethod
    def _open_frozen(
        cls,
        folder: Path,
        readonly: bool,
        snapshot_bytes: int,
        between_check_and_write: Callable[[], None] | None,
        held: FolderLock | None,
    ) -> Store:
        with collector_paused():
            store = cls._open(folder, readonly, snapshot_bytes, between_check_and_write, held)
            if len(store._index.enterprises) + len(store._index.visits) >= _FREEZE_AT:
                # A big store's records live as long as it does: moved out of the collector's sight
                # (gc.freeze), the next collections need not rescan them all (measured: 0.5 s of stalls
                # just after opening 70,000). Records are not cyclic, so reference counting still frees
                # the ones a later save replaces. Small stores (tests) skip it.
                gc.freeze()
                store._frozen = True
                store._storage.freeze_when_parsed = True
            return store

    @classmethod
    def _open(
        cls,
        folder: Path,
        readonly: bool,
        snapshot_bytes: int,
        hook: Callable[[], None] | None,
        held: FolderLock | None = None,
    ) -> Store:
        lock: FolderLock | None = held
        try:
            if not readonly and lock is None:
                make_private_dir(folder)
                lock = FolderLock(folder)
                lock.acquire()
            storage = WalStorage(folder, readonly=readonly, snapshot_bytes=snapshot_bytes, lazy=LAZY_VISITS)
            try:
                return cls(folder, storage, lock, between_check_and_write=hook)
            except BaseException:
                storage.close()
                raise
        except BaseException as exc:
            if lock is not None:
                lock.release()
            if isinstance(exc, OSError):  # disk full, no permission, store.lock a folder...: said for people
                raise StoreIOError.from_os_error(exc, folder) from exc
            raise

    @property
    def set_aside(self) -> list[SetAside]:
        """Unreadable log tails this store copied aside when it opened (empty almost always); tell the user.

        A read-only store copies nothing: it lists a damaged tail it saw with ``path`` None."""
        return list(self._storage.set_aside)

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
                self._storage.freeze_when_parsed = False

    def state_stamp(self) -> str | None:
        """What identifies the stored state right now (``fieldapp.store.views``): equal stamps taken before and after
        reading something mean nothing changed in between. None for a store without a checksummed snapshot."""
        with self._mutex:  # no change is half made while the files are read
            return state_stamp(self.folder)

    def write_view(self, name: str, stamp: str, payload: Any) -> None:
        """Keep *payload* (JSON-ready) as view *name* of the state *stamp* (``fieldapp.store.views.read_view``
        gives it back while the store is still in that state); a writer's only."""
        if self.readonly:
            raise StoreReadOnly(self.folder)
        try:
            write_view(self.folder, name, stamp, payload)
        except OSError as exc:
            raise StoreIOError.from_os_error(exc, self.folder) from exc

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

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

    def _save_locked(
        self,
        enterprises: dict[str, Enterprise],
        visits: dict[str, Visit],
        cases: dict[str, FoundingCase] | None = None,
    ) -> None:
        """Check and write *enterprises*, *visits* and founding *cases* (by id) in one durable change; the caller
        holds the lock.

        Raises RecordError with nothing written: a tax code another enterprise holds, a visit or a case whose
        enterprise is neither stored nor among *enterprises*.
        """
        cases = cases or {}
        self._check_tax_codes(enterprises)
        stored = self._index.enterprises
        owners = {v.enterprise_id for v in visits.values()} | {c.enterprise_id for c in cases.values()}
        unknown = sorted({eid for eid in owners if eid not in stored} - enterprises.keys())
        if unknown:
            raise RecordError(Problem("enterprise_id", "unknown_enterprise", {"value": e}) for e in unknown)
        self._documents.commit(record_puts([*enterprises.values(), *visits.values(), *cases.values()]))
        for enterprise in enterprises.values():
            self._index.put_enterprise(enterprise)
        for visit in visits.values():
            self._index.visits.put(visit)
        for case in cases.values():
            self._founding.put(case)

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
            cases = self._founding.ids_of(enterprise_id)
            deletes: list[Delete] = [(ENTERPRISES, enterprise_id), (ISSUES, ("enterprise", enterprise_id))]
            for vid in visits:
                deletes += [(VISITS, vid), (ISSUES, ("visit", vid))]
            for cid in cases:
                deletes += [(FOUNDING, cid), (ISSUES, ("founding_case", cid))]
            self._documents.commit(deletes=deletes)
            self._index.remove_enterprise(enterprise_id)
            for cid in cases:
                self._founding.remove(cid)

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
            self._documents.commit(deletes=[(VISITS, visit_id), (ISSUES, ("visit", visit_id))])
            self._index.visits.remove(visit_id)

    # --- founding cases ---------------------------------------------------------------------------------
    def get_founding_case(self, case_id: str) -> FoundingCase | None:
        """The founding case with this id, or None."""
        with self._mutex:
            return self._founding.get(case_id)

    def founding_cases(self) -> list[FoundingCase]:
        """Every founding case, in the order they were first saved."""
        with self._mutex:
            return self._founding.all()

    def founding_cases_of(self, enterprise_id: str) -> list[FoundingCase]:
        """The enterprise's founding cases, newest first (an abandoned attempt stays, under a newer one)."""
        with self._mutex:
            return self._founding.of(enterprise_id)

    def current_founding_case(self, enterprise_id: str) -> FoundingCase | None:
        """The enterprise's case that is not abandoned (there is at most one), else its newest, else None."""
        return current_case(self.founding_cases_of(enterprise_id))

    def save_founding_case(self, case: FoundingCase, enterprise: Enterprise | None = None) -> FoundingCase:
        """Insert or replace *case* by id, with *enterprise* (the one recognition unionizes) in the same durable
        change; on disk when it returns.

        Raises RecordError (enterprise_id, unknown_enterprise) when its enterprise is neither stored nor given.
        """
        _check_type(case, FoundingCase)
        enterprises = {} if enterprise is None else {enterprise.id: _check_type(enterprise, Enterprise)}
        with self._mutex:
            self._save_locked(enterprises, {}, {case.id: case})
        return case

    def pending_founding_cases(self) -> list[FoundingCase]:
        """Founding cases with changes the server has not acknowledged, oldest change first."""
        with self._mutex:
            found = [self._founding.cases[cid] for cid in self._founding.pending]
        return sorted(found, key=lambda c: (c.pending_since, c.id))

    def delete_founding_case(self, case_id: str) -> None:
        """Delete the founding case and its sync issue (one durable change): only sync does, for a case the
        server deleted or that left the cadre's area; a person pauses or abandons a case instead."""
        with self._mutex:
            if case_id not in self._founding:
                return
            self._documents.commit(deletes=[(FOUNDING, case_id), (ISSUES, ("founding_case", case_id))])
            self._founding.remove(case_id)

    def delete_record(self, kind: Kind, record_id: str) -> None:
        """Delete the record of *kind* (an enterprise with its visits and founding cases) and its sync issues."""
        if kind == "enterprise":
            self.delete_enterprise(record_id)
        elif kind == "visit":
            self.delete_visit(record_id)
        else:
            self.delete_founding_case(record_id)

    def counts(self) -> dict[str, int]:
        """How many enterprises, visits and founding cases there are, and how many of each wait to be synced."""
        with self._mutex:
            index = self._index
            return {
                "enterprises": len(index.enterprises),
                "visits": len(index.visits),
                "founding_cases": len(self._founding),
                "pending_enterprises": len(index.pending_enterprises),
                "pending_visits": len(index.visits.pending),
                "pending_founding_cases": len(self._founding.pending),
            }

    def snapshot(self) -> None:
        """Fold the log into a fresh snapshot now (the store also does it by itself as the log grows)."""
        with self._mutex:
            if self.readonly:
                raise StoreReadOnly(self.folder)
            self._storage.snapshot()

    # --- sync bookkeeping (fieldapp.store.syncing) -------------------------------------------------------
    def compare_and_save(
        self, pairs: Iterable[tuple[Record, int | None]], *, allow_pending: bool = False
    ) -> list[Record]:
        """Save each ``(record, expect_rev)`` only if the stored record with its id is still at *expect_rev*
        (None: no such record is stored) and, unless *allow_pending*, not pending; the records written.

        The check and the write are one step under the store's lock, so an edit saved from another thread is
        never overwritten: it either lands before (the check fails, that record is left alone) or waits until
        after. The records that pass are written in one durable change, all or none: RecordError (as from
        ``save_enterprises`` / ``save_visits``) with nothing written when one of them cannot be stored.
        """
        return self._sync.compare_and_save(pairs, allow_pending=allow_pending)

    def delete_if_synced(self, kind: Kind, record_id: str) -> Literal["deleted", "pending", "absent"]:
        """Delete the record (an enterprise with its visits) unless it, or one of an enterprise's visits, is
        pending; checked and done in one step under the store's lock. What happened."""
        return self._sync.delete_if_synced(kind, record_id)

    def pending_enterprises(self) -> list[Enterprise]:
        """Enterprises with changes the server has not acknowledged, oldest change first."""
        return self._sync.pending_enterprises()

    def pending_visits(self) -> list[Visit]:
        """Visits with changes the server has not acknowledged, oldest change first."""
        return self._sync.pending_visits()

    def mark_synced(self, kind: Kind, record_id: str, *, rev: int, server_version: int | None) -> bool:
        """Record *server_version*; clear pending only if the record is still at *rev*. True when cleared."""
        return self._sync.mark_synced_many([(kind, record_id, rev, server_version)]) > 0

    def contents(self, records: Iterable[tuple[Kind, Record]]) -> list[dict[str, Any]]:
        """``record.content()`` of each (kind, record), the same values read from the stored document of a record
        that is the stored one (what a push sends: no model dumped again)."""
        return self._sync.contents(records)

    def mark_synced_many(self, marks: Iterable[tuple[Kind, str, int, int | None]]) -> int:
        """``mark_synced`` for many (kind, id, rev, server_version) with one fsync; the number cleared."""
        return self._sync.mark_synced_many(marks)

    def sync_issues(self) -> list[SyncIssue]:
        """The conflicts and rejections kept from past syncs, oldest first."""
        return self._sync.sync_issues()

    def sync_issue(self, kind: Kind, record_id: str) -> SyncIssue | None:
        """The record's sync issue, or None."""
        return next((i for i in self.sync_issues() if i.key == (kind, record_id)), None)

    def set_sync_issue(self, issue: SyncIssue) -> None:
        """Keep *issue* for its record until ``clear_sync_issue``; replaces an earlier one."""
        self._sync.set_sync_issue(issue)

    def clear_sync_issue(self, kind: Kind, record_id: str) -> None:
        """Forget the record's sync issue (nothing happens when it has none)."""
        self._sync.clear_sync_issue(kind, record_id)

    def get_meta(self, key: str, default: Any = None) -> Any:
        """A small stored value (e.g. the pull cursor), or *default*."""
        return self._sync.get_meta(key, default)

    def set_meta(self, key: str, value: Any) -> None:
        """Store a small JSON-ready value under *key*, durably."""
        self._sync.set_meta(key, value)


class PendingOpen:
    """A data folder whose writer lock is held and whose store is not read yet (``Store.open_later``)."""

    def __init__(self, folder: Path, lock: FolderLock):
        self.folder = folder
        self._lock: FolderLock | None = lock

    def open(self, *, snapshot_bytes: int = DEFAULT_SNAPSHOT_BYTES) -> Store:
        """Read the store under the lock already held (the errors of ``Store.open``; the lock is released when
        it fails). Once only."""
        lock, self._lock = self._lock, None
        if lock is None:
            raise RuntimeError("opened already")
        return Store._open_frozen(self.folder, False, snapshot_bytes, None, lock)

    def release(self) -> None:
        """Give the lock back without opening (the app quit first)."""
        lock, self._lock = self._lock, None
        if lock is not None:
            lock.release()


def _check_type(record: Any, model: type[Record]) -> Any:
    if not isinstance(record, model):
        raise TypeError(f"expected {model.__name__}, got {type(record).__name__}")
    return record
