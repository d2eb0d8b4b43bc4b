"""The store's documents as TinyDB keeps them, and the one way they change: a durable commit through the log.

TinyDB holds each table as ``{document id: document}``, the ids being integers as text. The Store finds its
documents by their own keys (a record's id, a small value's key, a sync issue's kind and id), so ``Documents``
knows the document id of every key, gives new keys new ids, and commits each change to the ``WalStorage`` as
one log line with one fsync: all or nothing, the ids of new keys taken back when the write fails.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from operator import itemgetter
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from fieldapp.core.founding import FoundingCase
from fieldapp.core.records import Enterprise, Record, Visit
from fieldapp.store.codec import to_doc
from fieldapp.store.errors import StoreCorrupt
from fieldapp.store.snapshot import Lazy
from fieldapp.store.storage import WalStorage
from fieldapp.store.wal import Op

__all__ = [
    "ENTERPRISES",
    "FOUNDING",
    "ISSUES",
    "LAZY_VISITS",
    "META",
    "VISITS",
    "Delete",
    "Documents",
    "Put",
    "record_puts",
]

ENTERPRISES, VISITS, META, ISSUES = "enterprises", "visits", "meta", "sync_issues"
#: founding cases: a table added after schema version 1 without a migration (an absent table reads as empty,
#: and an older fieldapp ignores a table it does not know)
FOUNDING = "founding_cases"
#: visits are most of a store and most commands need few of them: the snapshot keeps them for last and keeps
#: apart what the indexes need of each (its id first: its key here), so that opening does not parse them
LAZY_VISITS = Lazy(VISITS, ("id", "enterprise_id"), flags=("pending_since",))

Doc = dict[str, Any]
#: write *doc* under *key* in a table: (table, key, doc)
Put = tuple[str, Hashable, Doc]
#: remove the document of *key* from a table, when there is one: (table, key)
Delete = tuple[str, Hashable]

# each table's key, read from its documents
_KEYS: dict[str, Callable[[Doc], Hashable]] = {
    ENTERPRISES: itemgetter("id"),
    VISITS: itemgetter("id"),
    FOUNDING: itemgetter("id"),
    META: itemgetter("key"),
    ISSUES: itemgetter("kind", "id"),
}


class _DocIds:
    """TinyDB document ids (integers as text) for the keys of one table."""

    def __init__(self, table: dict[str, Doc], key: Callable[[Doc], Hashable], source: Path):
        try:
            self.of: dict[Hashable, str] = {key(doc): doc_id for doc_id, doc in table.items()}
            self.next = max(map(int, table), default=0) + 1
        except (KeyError, TypeError, ValueError) as exc:
            # a document without its key (an id) cannot be told apart from a new record: refuse the file
            raise StoreCorrupt(source, f"a document lacks {exc}") from None

    @classmethod
    def of_column(cls, doc_ids: list[str], keys: list[Any], source: Path) -> _DocIds:
        """From what is kept of a table not parsed yet: its document ids and their keys (``LAZY_VISITS``)."""
        ids = cls.__new__(cls)
        ids.of = dict(zip(keys, doc_ids, strict=True))
        if None in ids.of:
            raise StoreCorrupt(source, "a document lacks 'id'")
        ids.next = max(map(int, doc_ids), default=0) + 1
        return ids


class Documents:
    """The documents of one store by table and key, over its storage (and the TinyDB reading it)."""

    def __init__(self, storage: WalStorage, db: TinyDB):
        self._storage = storage
        self._db = db
        self._ids = {name: self._doc_ids(storage, name, key) for name, key in _KEYS.items()}

    @staticmethod
    def _doc_ids(storage: WalStorage, name: str, key: Callable[[Doc], Hashable]) -> _DocIds:
        kept = storage.columns(name)
        if kept is not None:  # the lazy table: its key is its first kept field
            return _DocIds.of_column(kept[0], kept[1][0], storage.snapshot_path)
        return _DocIds(storage.table(name), key, storage.snapshot_path)

    @property
    def source(self) -> Path:
        """The file the documents were read from, to name in errors."""
        return self._storage.snapshot_path

    def get(self, table: str, key: Hashable) -> Doc | None:
        """The stored document of *key* (never mutate it), or None."""
        doc_id = self._ids[table].of.get(key)
        return None if doc_id is None else self._storage.table(table)[doc_id]

    def has(self, table: str, key: Hashable) -> bool:
        """True when *table* holds a document for *key*."""
        return key in self._ids[table].of

    def all(self, table: str) -> list[Doc]:
        """Every document of *table*, in the order their keys were first stored."""
        docs = self._storage.table(table)
        return [docs[doc_id] for doc_id in sorted(docs, key=int)]

    def commit(self, puts: Iterable[Put] = (), deletes: Iterable[Delete] = ()) -> None:
        """Make the changes durable in one step, or raise with nothing changed (new keys' ids taken back)."""
        ops: list[Op] = []
        new: list[Delete] = []
        for table, key, doc in puts:
            ids = self._ids[table]
            doc_id = ids.of.get(key)
            if doc_id is None:
                doc_id = ids.of[key] = str(ids.next)
                ids.next += 1
                new.append((table, key))
            ops.append((table, doc_id, doc))
        gone: list[Delete] = []
        for table, key in deletes:
            doc_id = self._ids[table].of.get(key)
            if doc_id is not None:
                ops.append((table, doc_id, None))
                gone.append((table, key))
        try:
            self._storage.commit(ops)
        except BaseException:
            for table, key in new:
                del self._ids[table].of[key]
            raise
        for table, key in gone:
            del self._ids[table].of[key]
        for table in {op[0] for op in ops}:
            self._db.table(table).clear_cache()  # TinyDB's query cache would still hold the old documents


#: the table of each kind of record
_TABLES: dict[type[Record], str] = {Enterprise: ENTERPRISES, Visit: VISITS, FoundingCase: FOUNDING}


def record_puts(records: Iterable[Record]) -> list[Put]:
    """The puts that store *records* (enterprises, visits, founding cases) under their ids."""
    return [(_TABLES[type(r)], r.id, to_doc(r)) for r in records]
