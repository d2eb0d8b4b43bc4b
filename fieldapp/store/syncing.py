"""The sync bookkeeping part of the Store: pending records, marking them synced, sync issues, small values.

A mixin of ``Store`` (kept apart so each module stays small); it relies on the Store's lock, indexes,
document ids and ``_commit``.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError

from fieldapp.core.issues import SyncIssue
from fieldapp.core.kinds import Kind
from fieldapp.core.records import Enterprise, Record, Visit, utcnow
from fieldapp.store.errors import StoreCorrupt

if TYPE_CHECKING:
    from fieldapp.store.indexes import Indexes
    from fieldapp.store.storage import WalStorage
    from fieldapp.store.wal import Op

__all__ = ["ISSUES", "META", "Kind", "SyncBookkeeping"]

META, ISSUES = "meta", "sync_issues"


class SyncBookkeeping:
    """What sync needs from the store besides the records themselves."""

    _mutex: threading.RLock
    _index: Indexes
    _storage: WalStorage
    _ids: dict[str, Any]
    #: tests only: called between the check and the write of ``compare_and_save`` and ``delete_if_synced`` (with
    #: the lock held), to force a concurrent edit into exactly that gap
    _between_check_and_write: Callable[[], None] | None = None

    def _commit(self, ops: list[Op]) -> None:  # pragma: no cover - provided by Store
        raise NotImplementedError

    def _record_ops(self, records: Iterable[Record]) -> list[Op]:  # pragma: no cover - provided by Store
        raise NotImplementedError

    def _save_locked(
        self, enterprises: dict[str, Enterprise], visits: dict[str, Visit]
    ) -> None:  # pragma: no cover - provided by Store
        raise NotImplementedError

    def delete_enterprise(self, enterprise_id: str) -> None:  # pragma: no cover - provided by Store
        raise NotImplementedError

    def delete_visit(self, visit_id: str) -> None:  # pragma: no cover - provided by Store
        raise NotImplementedError

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
        wanted = list(pairs)
        for record, _ in wanted:
            if not isinstance(record, (Enterprise, Visit)):
                raise TypeError(f"expected Enterprise or Visit, got {type(record).__name__}")
        with self._mutex:
            enterprises: dict[str, Enterprise] = {}
            visits: dict[str, Visit] = {}
            for record, expect_rev in wanted:
                kind = "enterprise" if isinstance(record, Enterprise) else "visit"
                stored = self._get(kind, record.id)
                if expect_rev is None:
                    unchanged = stored is None
                else:
                    unchanged = stored is not None and stored.rev == expect_rev
                    unchanged = unchanged and (allow_pending or not stored.pending)  # type: ignore[union-attr]
                if unchanged:
                    if isinstance(record, Enterprise):
                        enterprises[record.id] = record
                    else:
                        assert isinstance(record, Visit)
                        visits[record.id] = record
            if self._between_check_and_write is not None:
                self._between_check_and_write()
            self._save_locked(enterprises, visits)
            return [*enterprises.values(), *visits.values()]

    def delete_if_synced(self, kind: Kind, record_id: str) -> Literal["deleted", "pending", "absent"]:
        """Delete the record (an enterprise with its visits) unless it, or one of an enterprise's visits, is
        pending; checked and done in one step under the store's lock. What happened."""
        with self._mutex:
            record = self._get(kind, record_id)
            if record is None:
                return "absent"
            pending = record.pending
            if kind == "enterprise" and not pending:
                visits = self._index.visits
                pending = any(vid in visits.pending for vid in visits.ids_of(record_id))
            if pending:
                return "pending"
            if self._between_check_and_write is not None:
                self._between_check_and_write()
            if kind == "enterprise":
                self.delete_enterprise(record_id)
            else:
                self.delete_visit(record_id)
            return "deleted"

    def pending_enterprises(self) -> list[Enterprise]:
        """Enterprises with changes the server has not acknowledged, oldest change first."""
        with self._mutex:
            found = [self._index.enterprises[i] for i in self._index.pending_enterprises]
        return sorted(found, key=_pending_order)

    def pending_visits(self) -> list[Visit]:
        """Visits with changes the server has not acknowledged, oldest change first."""
        with self._mutex:
            found = [self._index.visits.model(i) for i in self._index.visits.pending]
        return sorted(found, key=_pending_order)

    def mark_synced(self, kind: Kind, record_id: str, *, rev: int, server_version: int | None) -> bool:
        """Record *server_version*; clear pending only if the record is still at *rev*. True when cleared."""
        return self.mark_synced_many([(kind, record_id, rev, server_version)]) > 0

    def mark_synced_many(self, marks: Iterable[tuple[Kind, str, int, int | None]]) -> int:
        """``mark_synced`` for many (kind, id, rev, server_version) with one fsync; the number cleared."""
        with self._mutex:
            changed: dict[str, Record] = {}
            cleared = 0
            for kind, record_id, rev, server_version in marks:
                record = changed.get(record_id) or self._get(kind, record_id)
                if record is None:
                    continue
                clear = record.rev == rev
                cleared += int(clear and record.pending_since is not None)
                pending = None if clear else record.pending_since
                if (record.server_version, record.pending_since) != (server_version, pending):
                    changed[record_id] = record.with_meta(
                        server_version=server_version, pending_since=pending
                    )
            self._commit(self._record_ops(changed.values()))
            for record in changed.values():
                self._index.put(record)
            return cleared

    def _get(self, kind: str, record_id: str) -> Record | None:
        if kind == "enterprise":
            return self._index.enterprises.get(record_id)
        if kind == "visit":
            return self._index.visits.get(record_id)
        raise ValueError(f"unknown kind: {kind!r}")

    def sync_issues(self) -> list[SyncIssue]:
        """The conflicts and rejections kept from past syncs, oldest first."""
        with self._mutex:
            table = self._storage.read().get(ISSUES, {})
            docs = [table[doc_id] for doc_id in sorted(self._ids[ISSUES].of.values(), key=int)]
        try:
            return [SyncIssue.from_doc({**d["issue"], "kind": d["kind"], "id": d["id"]}) for d in docs]
        except ValidationError as exc:
            raise StoreCorrupt(self._storage.snapshot_path, f"a sync issue is not valid: {exc}") from None

    def sync_issue(self, kind: Kind, record_id: str) -> SyncIssue | None:
        """The record's sync issue, or None."""
        return next((i for i in self.sync_issues() if i.key == (kind, record_id)), None)

    def set_sync_issue(self, issue: SyncIssue) -> None:
        """Keep *issue* for its record until ``clear_sync_issue``; replaces an earlier one."""
        with self._mutex:
            doc = {"kind": issue.kind, "id": issue.id, "issue": issue.to_doc()}
            self._commit([(ISSUES, self._ids[ISSUES].get(issue.key), doc)])

    def clear_sync_issue(self, kind: Kind, record_id: str) -> None:
        """Forget the record's sync issue (nothing happens when it has none)."""
        with self._mutex:
            doc_id = self._ids[ISSUES].of.get((kind, record_id))
            if doc_id is not None:
                self._commit([(ISSUES, doc_id, None)])
                del self._ids[ISSUES].of[(kind, record_id)]

    def get_meta(self, key: str, default: Any = None) -> Any:
        """A small stored value (e.g. the pull cursor), or *default*."""
        with self._mutex:
            doc_id = self._ids[META].of.get(key)
            if doc_id is None:
                return default
            return copy.deepcopy(self._storage.read()[META][doc_id]["value"])

    def set_meta(self, key: str, value: Any) -> None:
        """Store a small JSON-ready value under *key*, durably."""
        with self._mutex:
            doc = {"key": key, "value": copy.deepcopy(value), "updated_at": utcnow().isoformat()}
            self._commit([(META, self._ids[META].get(key), doc)])


def _pending_order(record: Record) -> tuple[Any, str]:
    return (record.pending_since, record.id)
