"""In-memory indexes over the stored records: by id, tax code, folded name + ward, enterprise, and search text.

They are rebuilt on open and kept up to date by the Store after every committed change. Callers only ever get
the frozen models; visit models are built from their stored documents on first use (``visit_index``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from fieldapp.core.records import Enterprise, Visit
from fieldapp.core.search import query_words, search_keys, search_text, select
from fieldapp.core.text import fold
from fieldapp.core.wards import ward_key
from fieldapp.store.visit_index import VisitIndex

__all__ = ["Indexes"]


class Indexes:
    """The records of one store and every lookup the product needs."""

    def __init__(self, load_visit: Callable[[str], Visit]) -> None:
        self.enterprises: dict[str, Enterprise] = {}
        self.visits = VisitIndex(load_visit)
        self.by_tax_code: dict[str, str] = {}
        self.by_name_ward: dict[tuple[str, str], set[str]] = {}
        self.haystack: dict[str, str] = {}
        self.name_key: dict[str, tuple[str, str]] = {}  # sort key: (folded name, id)
        self.name_ward: dict[str, tuple[str, str]] = {}  # (folded name, ward_key of the ward)
        self.pending_enterprises: set[str] = set()
        self._ordered: tuple[list[str], list[str]] | None = None  # ids by folded name, their haystacks

    # --- building ------------------------------------------------------------------------------------
    def load(self, enterprises: Iterable[Enterprise], visit_docs: Iterable[dict[str, Any]]) -> None:
        """Fill empty indexes in bulk: one fold over all enterprises; visits from their stored documents."""
        batch = list(enterprises)
        for enterprise, keys in zip(batch, search_keys(batch), strict=True):
            self._put_enterprise(enterprise, *keys)
        self.visits.load_docs(visit_docs)

    # --- enterprises ---------------------------------------------------------------------------------
    def put_enterprise(self, enterprise: Enterprise) -> None:
        """Add or replace *enterprise* in every index."""
        self._put_enterprise(
            enterprise, search_text(enterprise), fold(enterprise.name), ward_key(enterprise.ward)
        )

    def _put_enterprise(self, enterprise: Enterprise, haystack: str, name: str, ward: str) -> None:
        eid = enterprise.id
        if eid in self.enterprises:
            self.remove_enterprise(eid, keep_visits=True)
        self.enterprises[eid] = enterprise
        if enterprise.tax_code:
            self.by_tax_code[enterprise.tax_code] = eid
        self.haystack[eid] = haystack
        self.name_key[eid] = (name, eid)
        self.name_ward[eid] = (name, ward)
        self.by_name_ward.setdefault((name, ward), set()).add(eid)
        if enterprise.pending_since is not None:
            self.pending_enterprises.add(eid)
        self._ordered = None

    def remove_enterprise(self, eid: str, *, keep_visits: bool = False) -> None:
        """Drop enterprise *eid* from every index (and its visits unless *keep_visits*)."""
        enterprise = self.enterprises.pop(eid, None)
        if enterprise is None:
            return
        if enterprise.tax_code and self.by_tax_code.get(enterprise.tax_code) == eid:
            del self.by_tax_code[enterprise.tax_code]
        del self.haystack[eid], self.name_key[eid]
        key = self.name_ward.pop(eid)
        owners = self.by_name_ward.get(key)
        if owners is not None:
            owners.discard(eid)
            if not owners:
                del self.by_name_ward[key]
        self.pending_enterprises.discard(eid)
        self._ordered = None
        if not keep_visits:
            self.visits.remove_enterprise(eid)

    def ordered_ids(self) -> list[str]:
        """Enterprise ids by folded name, then id (cached until the next change)."""
        return self._order()[0]

    def _order(self) -> tuple[list[str], list[str]]:
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
        return sorted(self.by_name_ward.get((fold(name), ward_key(ward)), ()))

    def put(self, record: Any) -> None:
        """Add or replace a record of either kind."""
        if isinstance(record, Enterprise):
            self.put_enterprise(record)
        else:
            self.visits.put(record)
