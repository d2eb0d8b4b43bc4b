"""The sync bookkeeping of a store: pending records, marking them synced, sync issues, small values.

``SyncBookkeeping`` is held by the Store, which hands it only what it needs: the store's lock, its indexes,
its documents and its own ``save`` and ``delete`` of records (so every write keeps the Store's checks). The
Store's sync methods (``compare_and_save``, ``mark_synced_many``, ``sync_issues``, ...) are this object's.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable
from typing import Any, Literal

from pydantic import ValidationError

from fieldapp.core.founding import FoundingCase
from fieldapp.core.issues import SyncIssue
from fieldapp.core.kinds import Kind, kind_of
from fieldapp.core.records import Enterprise, Record, Visit, utcnow
from fieldapp.store.codec import stored_content, synced_copy, to_doc
from fieldapp.store.documents import ENTERPRISES, FOUNDING, ISSUES, META, VISITS, Documents
from fieldapp.store.errors import StoreCorrupt
from fieldapp.store.founding_index import FoundingIndex
from fieldapp.store.indexes import Indexes

__all__ = ["DeleteRecord", "SaveRecords", "SyncBookkeeping"]

Doc = dict[str, Any]
_TABLES: dict[str, str] = {"enterprise": ENTERPRISES, "visit": VISITS, "founding_case": FOUNDING}

#: check and write enterprises, visits and founding cases (by id) in one durable change, the lock held
#: (Store._save_locked)
SaveRecords = Callable[[dict[str, Enterprise], dict[str, Visit], dict[str, FoundingCase]], None]
#: delete a record (an enterprise with its visits and founding cases) and its sync issues in one durable change
DeleteRecord = Callable[[Kind, str], None]


class SyncBookkeeping:
    """What sync needs from the store besides the records themselves.

    *between_check_and_write* is for tests only: called between the check and the write of
    ``compare_and_save`` and ``delete_if_synced`` (with the lock held), to force a concurrent edit into exactly
    that gap.
    """

    def __init__(
        self,
        lock: threading.RLock,
        index: Indexes,
        founding: FoundingIndex,
        documents: Documents,
        *,
        save: SaveRecords,
        delete: DeleteRecord,
        between_check_and_write: Callable[[], None] | None = None,
    ) -> None:
        self._lock = lock
        self._index = index
        self._founding = founding
        self._documents = documents
        self._save = save
        self._delete = delete
        self._between_check_and_write = between_check_and_write

    def _gap(self) -> None:
        if self._between_check_and_write is not None:
            self._between_check_and_write()

    def _get(self, kind: str, record_id: str) -> Record | None:
        if kind == "enterprise":
            return self._index.enterprises.get(record_id)
        if kind == "visit":
            return self._index.visits.get(record_id)
        if kind == "founding_case":
            return self._founding.get(record_id)
        raise ValueError(f"unknown kind: {kind!r}")

    # --- records -----------------------------------------------------------------------------------------
    def compare_and_save(
        self, pairs: Iterable[tuple[Record, int | None]], *, allow_pending: bool = False
    ) -> list[Record]:
        """See ``Store.compare_and_save``."""
        wanted = list(pairs)
        for record, _ in wanted:
            if not isinstance(record, (Enterprise, Visit, FoundingCase)):
                raise TypeError(f"expected Enterprise, Visit or FoundingCase, got {type(record).__name__}")
        with self._lock:
            enterprises: dict[str, Enterprise] = {}
            visits: dict[str, Visit] = {}
            cases: dict[str, FoundingCase] = {}
            for record, expect_rev in wanted:
                stored = self._get(kind_of(record), record.id)
                if expect_rev is None:
                    unchanged = stored is None
                else:
                    unchanged = stored is not None and stored.rev == expect_rev
                    unchanged = unchanged and (allow_pending or not stored.pending)  # type: ignore[union-attr]
                if unchanged:
                    if isinstance(record, Enterprise):
                        enterprises[record.id] = record
                    elif isinstance(record, Visit):
                        visits[record.id] = record
                    else:
                        assert isinstance(record, FoundingCase)
                        cases[record.id] = record
            self._gap()
            self._save(enterprises, visits, cases)
            return [*enterprises.values(), *visits.values(), *cases.values()]

    def delete_if_synced(self, kind: Kind, record_id: str) -> Literal["deleted", "pending", "absent"]:
        """See ``Store.delete_if_synced``."""
        with self._lock:
            record = self._get(kind, record_id)
            if record is None:
                return "absent"
            pending = record.pending
            if kind == "enterprise" and not pending:
                visits, founding = self._index.visits, self._founding
                pending = any(vid in visits.pending for vid in visits.ids_of(record_id))
                pending = pending or any(cid in founding.pending for cid in founding.ids_of(record_id))
            if pending:
                return "pending"
            self._gap()
            self._delete(kind, record_id)
            return "deleted"

    def pending_enterprises(self) -> list[Enterprise]:
        """Enterprises with changes the server has not acknowledged, oldest change first."""
        with self._lock:
            found = [self._index.enterprises[i] for i in self._index.pending_enterprises]
        return sorted(found, key=_pending_order)

    def pending_visits(self) -> list[Visit]:
        """Visits with changes the server has not acknowledged, oldest change first."""
        with self._lock:
            found = [self._index.visits.model(i) for i in self._index.visits.pending]
        return sorted(found, key=_pending_order)

    def contents(self, records: Iterable[tuple[Kind, Record]]) -> list[dict[str, Any]]:
        """See ``Store.contents``."""
        found: list[dict[str, Any]] = []
        with self._lock:
            for kind, record in records:
                content = None
                if self._get(kind, record.id) is record:  # the stored record: its document is its content
                    doc = self._documents.get(_TABLES[kind], record.id)
                    content = None if doc is None else stored_content(record, doc)
                found.append(record.content() if content is None else content)
        return found

    def mark_synced_many(self, marks: Iterable[tuple[Kind, str, int, int | None]]) -> int:
        """See ``Store.mark_synced_many``."""
        with self._lock:
            # (kind, id) -> the record and its document as they will be stored
            changed: dict[tuple[str, str], tuple[Record, Doc | None]] = {}
            cleared = 0
            for kind, record_id, rev, server_version in marks:
                key = (kind, record_id)
                done = changed.get(key)
                record, doc = done if done is not None else (self._get(kind, record_id), None)
                if record is None:
                    continue
                clear = record.rev == rev
                cleared += int(clear and record.pending_since is not None)
                pending = None if clear else record.pending_since
                if (record.server_version, record.pending_since) == (server_version, pending):
                    continue
                if doc is None:
                    doc = self._documents.get(_TABLES[kind], record_id)
                # only the sync metadata of a stored record changes: its content, so its document's content and
                # its hash, stay as they are (nothing for the save's checks to refuse either)
                quick = None if doc is None else synced_copy(record, doc, server_version, clear)
                if quick is None:
                    copy = record.with_meta(server_version=server_version, pending_since=pending)
                    changed[key] = (copy, None)
                else:
                    changed[key] = quick
            puts = [
                (_TABLES[kind], record_id, to_doc(record) if doc is None else doc)
                for (kind, record_id), (record, doc) in changed.items()
            ]
            self._documents.commit(puts)
            for record, _ in changed.values():
                if isinstance(record, (Enterprise, Visit)):
                    self._index.put_meta(record)
                else:
                    assert isinstance(record, FoundingCase)
                    self._founding.put(record)
            return cleared

    # --- sync issues ---------------------------------------------------------------------------------------
    def sync_issues(self) -> list[SyncIssue]:
        """The conflicts and rejections kept from past syncs, oldest first."""
        with self._lock:
            docs = self._documents.all(ISSUES)
        try:
            return [SyncIssue.from_doc({**d["issue"], "kind": d["kind"], "id": d["id"]}) for d in docs]
        except ValidationError as exc:
            raise StoreCorrupt(self._documents.source, f"a sync issue is not valid: {exc}") from None

    def set_sync_issue(self, issue: SyncIssue) -> None:
        """Keep *issue* for its record until ``clear_sync_issue``; replaces an earlier one."""
        with self._lock:
            doc = {"kind": issue.kind, "id": issue.id, "issue": issue.to_doc()}
            self._documents.commit([(ISSUES, issue.key, doc)])

    def clear_sync_issue(self, kind: Kind, record_id: str) -> None:
        """Forget the record's sync issue (nothing happens when it has none)."""
        with self._lock:
            if self._documents.has(ISSUES, (kind, record_id)):
                self._documents.commit(deletes=[(ISSUES, (kind, record_id))])

    # --- small values ----------------------------------------------------------------------------------
    def get_meta(self, key: str, default: Any = None) -> Any:
        """A small stored value (e.g. the pull cursor), or *default*."""
        with self._lock:
            doc = self._documents.get(META, key)
            return default if doc is None else copy.deepcopy(doc["value"])

    def set_meta(self, key: str, value: Any) -> None:
        """Store a small JSON-ready value under *key*, durably."""
        with self._lock:
            doc = {"key": key, "value": copy.deepcopy(value), "updated_at": utcnow().isoformat()}
            self._documents.commit([(META, key, doc)])


def _pending_order(record: Record) -> tuple[Any, str]:
    return (record.pending_since, record.id)
