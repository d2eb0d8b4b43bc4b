"""In-memory indexes over the stored records: by id, tax code, folded name + ward, enterprise, and search text.

They are rebuilt on open and kept up to date by the Store after every committed change; they hold the frozen
models, so reads never touch TinyDB documents.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from fieldapp.core.records import Enterprise, Visit
from fieldapp.core.text import fold

__all__ = ["Indexes", "fast_fold"]


_WORDS: dict[str, str] = {}
_WORDS_MAX = 200_000  # distinct non-ASCII words remembered; Vietnamese has far fewer syllables than that


def fast_fold(text: str) -> str:
    """``fold(text)``, word by word with the folded form of each accented word remembered.

    fold() works character by character, so folding each white-space separated word and joining them with
    one space gives the same result; a store folds the same few thousand syllables over and over.
    """
    out: list[str] = []
    for word in text.split():
        if word.isascii():
            out.append(word.lower())
            continue
        folded = _WORDS.get(word)
        if folded is None:
            folded = fold(word)
            if len(_WORDS) < _WORDS_MAX:
                _WORDS[word] = folded
        if folded:
            out.append(folded)
    return " ".join(out)


# Fields joined with a separator that fold() keeps, so a query word never matches across two fields.
_SEP = "|"


def _visit_order(visit: Visit) -> tuple[date, datetime, str]:
    return (visit.visited_on, visit.created_at, visit.id)


class Indexes:
    """The records of one store and every lookup the product needs."""

    def __init__(self) -> None:
        self.enterprises: dict[str, Enterprise] = {}
        self.visits: dict[str, Visit] = {}
        self.by_tax_code: dict[str, str] = {}
        self.by_name_ward: dict[tuple[str, str], set[str]] = {}
        self.haystack: dict[str, str] = {}
        self.name_key: dict[str, tuple[str, str]] = {}  # sort key: (folded name, id)
        self.name_ward: dict[str, tuple[str, str]] = {}  # (folded name, folded ward)
        # visits of each enterprise, OLDEST first (so bisect can insert); readers reverse it
        self.visits_by_enterprise: dict[str, list[Visit]] = {}
        self.pending_enterprises: set[str] = set()
        self.pending_visits: set[str] = set()
        self._ordered: list[str] | None = None

    # --- building ------------------------------------------------------------------------------------
    def load(self, enterprises: Iterable[Enterprise], visits: Iterable[Visit]) -> None:
        """Fill empty indexes in bulk (one sort per enterprise instead of one insertion per visit)."""
        for enterprise in enterprises:
            self.put_enterprise(enterprise)
        for visit in visits:
            self.visits[visit.id] = visit
            self.visits_by_enterprise.setdefault(visit.enterprise_id, []).append(visit)
            if visit.pending_since is not None:
                self.pending_visits.add(visit.id)
        for group in self.visits_by_enterprise.values():
            group.sort(key=_visit_order)

    # --- enterprises ---------------------------------------------------------------------------------
    def put_enterprise(self, enterprise: Enterprise) -> None:
        """Add or replace *enterprise* in every index."""
        eid = enterprise.id
        if eid in self.enterprises:
            self.remove_enterprise(eid, keep_visits=True)
        self.enterprises[eid] = enterprise
        if enterprise.tax_code:
            self.by_tax_code[enterprise.tax_code] = eid
        fields = (enterprise.name, enterprise.tax_code or "", enterprise.address, enterprise.ward)
        haystack = fast_fold(_SEP.join(fields))
        if _SEP in enterprise.name or _SEP in enterprise.ward:
            name, ward = fast_fold(enterprise.name), fast_fold(enterprise.ward)
        else:  # one fold call instead of three: the segments are the folded fields
            parts = haystack.split(_SEP)
            name, ward = parts[0].strip(), parts[-1].strip()
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
            for visit in self.visits_by_enterprise.pop(eid, []):
                self.visits.pop(visit.id, None)
                self.pending_visits.discard(visit.id)

    def ordered_ids(self) -> list[str]:
        """Enterprise ids by folded name, then id (cached until the next change)."""
        if self._ordered is None:
            self._ordered = sorted(self.name_key, key=self.name_key.__getitem__)
        return self._ordered

    def search(self, text: str, limit: int | None = None) -> list[Enterprise]:
        """Enterprises whose folded name, tax code, address or ward contain every folded word of *text*."""
        words = fold(text).split()
        if not words:
            ids = self.ordered_ids() if limit is None else self.ordered_ids()[:limit]
            return [self.enterprises[eid] for eid in ids]
        haystack = self.haystack
        found: list[Enterprise] = []
        for eid in self.ordered_ids():
            hay = haystack[eid]
            if all(word in hay for word in words):
                found.append(self.enterprises[eid])
                if limit is not None and len(found) >= limit:
                    break
        return found

    def name_ward_ids(self, name: str, ward: str) -> list[str]:
        """Ids of the enterprises with this folded name and ward, in id order."""
        return sorted(self.by_name_ward.get((fold(name), fold(ward)), ()))

    # --- visits --------------------------------------------------------------------------------------
    def put_visit(self, visit: Visit) -> None:
        """Add or replace *visit* in every index."""
        if visit.id in self.visits:
            self.remove_visit(visit.id)
        self.visits[visit.id] = visit
        group = self.visits_by_enterprise.setdefault(visit.enterprise_id, [])
        bisect.insort(group, visit, key=_visit_order)
        if visit.pending_since is not None:
            self.pending_visits.add(visit.id)

    def remove_visit(self, vid: str) -> None:
        """Drop visit *vid* from every index."""
        visit = self.visits.pop(vid, None)
        if visit is None:
            return
        group = self.visits_by_enterprise.get(visit.enterprise_id, [])
        for i, other in enumerate(group):
            if other.id == vid:
                del group[i]
                break
        if not group:
            self.visits_by_enterprise.pop(visit.enterprise_id, None)
        self.pending_visits.discard(vid)

    def visits_of(self, eid: str) -> list[Visit]:
        """Visits of enterprise *eid*, newest first (visited_on desc, then created_at desc)."""
        return self.visits_by_enterprise.get(eid, [])[::-1]

    def put(self, record: Any) -> None:
        """Add or replace a record of either kind."""
        if isinstance(record, Enterprise):
            self.put_enterprise(record)
        else:
            self.put_visit(record)
