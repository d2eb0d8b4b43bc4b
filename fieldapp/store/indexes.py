"""In-memory indexes over the stored records: by id, tax code, folded name + ward, enterprise, and search text.

They are rebuilt on open and kept up to date by the Store after every committed change. Callers only ever get
the frozen models; visit models are built from their stored documents on first use (``visit_index``), and so are
enterprise models when the store was opened from a snapshot its checksum vouched for (``load_docs``). What needs
every name folded (the search texts, the order by name, the name + ward duplicates) is built the first time one of
them is asked for, in one pass over all enterprises: a command that looks up a record or saves one never pays it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from fieldapp.core.records import Enterprise, Visit
from fieldapp.core.search import query_words, search_keys, search_text, select
from fieldapp.core.text import fold
from fieldapp.core.wards import ward_key
from fieldapp.store.codec import collector_paused
from fieldapp.store.visit_index import VisitIndex

__all__ = ["EnterpriseModels", "Indexes"]

Doc = dict[str, Any]


class EnterpriseModels:
    """Enterprise models by id. One loaded from the store may still be its stored document: it is built into its
    model (``build``) the first time it is asked for, and kept."""

    def __init__(self, build: Callable[[Doc], Enterprise]) -> None:
        self._items: dict[str, Enterprise | Doc] = {}
        self.build = build

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, eid: object) -> bool:
        return eid in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __getitem__(self, eid: str) -> Enterprise:
        item = self._items[eid]
        if type(item) is dict:
            item = self._items[eid] = self.build(item)
        return item  # type: ignore[return-value]

    def get(self, eid: str) -> Enterprise | None:
        """The enterprise with this id, or None."""
        return self[eid] if eid in self._items else None

    def __setitem__(self, eid: str, item: Enterprise | Doc) -> None:
        self._items[eid] = item

    def pop(self, eid: str) -> Enterprise | None:
        """Remove and give the enterprise with this id, or None."""
        if eid not in self._items:
            return None
        enterprise = self[eid]
        del self._items[eid]
        return enterprise


class Indexes:
    """The records of one store and every lookup the product needs."""

    def __init__(
        self,
        load_visit: Callable[[str], Visit],
        build: Callable[[Doc], Enterprise],
        after_bulk: Callable[[], None] = lambda: None,
    ) -> None:
        self.enterprises = EnterpriseModels(build)
        self.visits = VisitIndex(load_visit, after_bulk)
        self.by_tax_code: dict[str, str] = {}
        self.pending_enterprises: set[str] = set()
        # built on first use (_keys): every enterprise's folded name, ward and search text
        self._keyed = False
        self._after_bulk = after_bulk
        self.by_name_ward: dict[tuple[str, str], set[str]] = {}
        self.haystack: dict[str, str] = {}
        self.name_key: dict[str, tuple[str, str]] = {}  # sort key: (folded name, id)
        self.name_ward: dict[str, tuple[str, str]] = {}  # (folded name, ward_key of the ward)
        self._ordered: tuple[list[str], list[str]] | None = None  # ids by folded name, their haystacks

    # --- building ------------------------------------------------------------------------------------
    def load(self, enterprises: Iterable[Enterprise]) -> None:
        """Fill empty indexes with *enterprises* (``visits`` loads apart)."""
        for enterprise in enterprises:
            self._put_base(enterprise.id, enterprise, enterprise.tax_code, enterprise.pending_since)

    def load_docs(self, docs: Iterable[Doc]) -> None:
        """Fill empty indexes with stored enterprise documents that a checksum vouched for: their models are
        built on first use (a document that does not fit the model is validated then)."""
        items, by_tax_code, pending = self.enterprises, self.by_tax_code, self.pending_enterprises
        for doc in docs:
            try:
                eid, tax_code, pending_since = doc["id"], doc["tax_code"], doc["pending_since"]
            except KeyError:  # not a document of this version: built, and so validated, now
                model = self.enterprises.build(doc)
                eid, tax_code, pending_since = model.id, model.tax_code, model.pending_since
                items[eid] = model
            else:
                items[eid] = doc
            if tax_code:
                by_tax_code[tax_code] = eid
            if pending_since is not None:
                pending.add(eid)

    def _keys(self) -> None:
        """Fold every enterprise's name, address and ward in one pass (the first time anything needs them)."""
        if self._keyed:
            return
        with collector_paused():
            batch = [self.enterprises[eid] for eid in self.enterprises]
            for enterprise, keys in zip(batch, search_keys(batch), strict=True):
                self._put_keys(enterprise.id, *keys)
        self._keyed = True
        self._after_bulk()

    # --- enterprises ---------------------------------------------------------------------------------
    def put_enterprise(self, enterprise: Enterprise) -> None:
        """Add or replace *enterprise* in every index."""
        eid = enterprise.id
        if eid in self.enterprises:
            self.remove_enterprise(eid, keep_visits=True)
        self._put_base(eid, enterprise, enterprise.tax_code, enterprise.pending_since)
        if self._keyed:
            self._put_keys(eid, search_text(enterprise), fold(enterprise.name), ward_key(enterprise.ward))

    def _put_base(self, eid: str, item: Enterprise | Doc, tax_code: str | None, pending_since: Any) -> None:
        self.enterprises[eid] = item
        if tax_code:
            self.by_tax_code[tax_code] = eid
        if pending_since is not None:
            self.pending_enterprises.add(eid)

    def _put_keys(self, eid: str, haystack: str, name: str, ward: str) -> None:
        self.haystack[eid] = haystack
        self.name_key[eid] = (name, eid)
        self.name_ward[eid] = (name, ward)
        self.by_name_ward.setdefault((name, ward), set()).add(eid)
        self._ordered = None

    def remove_enterprise(self, eid: str, *, keep_visits: bool = False) -> None:
        """Drop enterprise *eid* from every index (and its visits unless *keep_visits*)."""
        enterprise = self.enterprises.pop(eid)
        if enterprise is None:
            return
        if enterprise.tax_code and self.by_tax_code.get(enterprise.tax_code) == eid:
            del self.by_tax_code[enterprise.tax_code]
        self.pending_enterprises.discard(eid)
        if self._keyed:
            del self.haystack[eid], self.name_key[eid]
            key = self.name_ward.pop(eid)
            owners = self.by_name_ward.get(key)
            if owners is not None:
                owners.discard(eid)
                if not owners:
                    del self.by_name_ward[key]
            self._ordered = None
        if not keep_visits:
            self.visits.remove_enterprise(eid)

    def ordered_ids(self) -> list[str]:
        """Enterprise ids by folded name, then id (cached until the next change)."""
        return self._order()[0]

    def _order(self) -> tuple[list[str], list[str]]:
        self._keys()
        if self._ordered is None:
            ids = sorted(self.name_key, key=self.name_key.__getitem__)
            self._ordered = (ids, [self.haystack[eid] for eid in ids])
        return self._ordered

    def search(self, text: str, limit: int | None = None) -> list[Enterprise]:
        """Enterprises whose folded name, tax code, address or ward contain every folded word of *text*."""
        ids, hays = self._order()
        words = query_words(text)
        if words:
            hits = select(hays, words)
            picked = [ids[i] for i in (hits if limit is None else hits[:limit])]
        else:
            picked = ids if limit is None else ids[:limit]
        return [self.enterprises[eid] for eid in picked]

    def name_ward_ids(self, name: str, ward: str) -> list[str]:
        """Ids of the enterprises with this folded name and ward (by ``ward_key``), in id order."""
        self._keys()
        return sorted(self.by_name_ward.get((fold(name), ward_key(ward)), ()))

    def put_meta(self, record: Enterprise | Visit) -> None:
        """Replace a stored record by a copy whose content is the same (only its sync bookkeeping changed): the
        keys made from its content stay as they are."""
        if isinstance(record, Visit):
            self.visits.put_meta(record)
            return
        self.enterprises[record.id] = record
        if record.pending_since is None:
            self.pending_enterprises.discard(record.id)
        else:
            self.pending_enterprises.add(record.id)

    def put(self, record: Any) -> None:
        """Add or replace a record of either kind."""
        if isinstance(record, Enterprise):
            self.put_enterprise(record)
        else:
            self.visits.put(record)
