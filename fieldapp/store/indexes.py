"""In-memory indexes over the stored records: by id, tax code, folded name + ward, enterprise, and search text.

They are rebuilt on open and kept up to date by the Store after every committed change. Callers only ever get
the frozen models; visit models are built from their stored documents on first use (``visit_index``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any

from fieldapp.core.records import Enterprise, Visit
from fieldapp.core.text import fold
from fieldapp.store.visit_index import VisitIndex

__all__ = ["Indexes", "fold_many"]


def _foldable() -> str:
    # Characters whose fold() is their NFD base letter (ASCII) with the combining marks U+0300-U+036F
    # dropped: every accented Vietnamese letter. Text made only of these, ASCII and đ/Đ can be folded by
    # C-level string operations over a whole table at once.
    chars = []
    for code in range(0x80, 0x2000):
        char = chr(code)
        nfd = unicodedata.normalize("NFD", char)
        marks = nfd[1:]
        if len(nfd) > 1 and nfd[0].isascii() and all("\u0300" <= m <= "\u036f" for m in marks):
            chars.append(char)
    return "".join(chars)


_OTHER = re.compile(f"[^\x00-\x7f{_foldable()}đĐ]")
_JOIN = "\x00"


def fold_many(texts: list[str]) -> list[str]:
    """``[fold(t) for t in texts]``, about three times faster on Vietnamese text.

    Joins the texts and folds them in one pass of C-level operations (NFD, drop non-ASCII, lower case); a
    text holding anything else (another script, a stray combining mark, the joining character) gets fold().
    """
    big = _JOIN.join(texts)
    parts = (
        unicodedata.normalize("NFD", big.replace("đ", "d").replace("Đ", "D"))
        .encode("ascii", "ignore")
        .decode("ascii")
        .lower()
        .split(_JOIN)
    )
    if len(parts) != len(texts):
        return [fold(t) for t in texts]
    out = [" ".join(part.split()) for part in parts]
    if _OTHER.search(big):
        for i, text in enumerate(texts):
            if _OTHER.search(text):
                out[i] = fold(text)
    return out


# Fields joined with a separator that fold() keeps, so a query word never matches across two fields.
_SEP = "|"


def _haystack(enterprise: Enterprise) -> str:
    return _SEP.join((enterprise.name, enterprise.tax_code or "", enterprise.address, enterprise.ward))


class Indexes:
    """The records of one store and every lookup the product needs."""

    def __init__(self, load_visit: Callable[[str], Visit]) -> None:
        self.enterprises: dict[str, Enterprise] = {}
        self.visits = VisitIndex(load_visit)
        self.by_tax_code: dict[str, str] = {}
        self.by_name_ward: dict[tuple[str, str], set[str]] = {}
        self.haystack: dict[str, str] = {}
        self.name_key: dict[str, tuple[str, str]] = {}  # sort key: (folded name, id)
        self.name_ward: dict[str, tuple[str, str]] = {}  # (folded name, folded ward)
        self.pending_enterprises: set[str] = set()
        self._ordered: tuple[list[str], list[str]] | None = None  # ids by folded name, their haystacks

    # --- building ------------------------------------------------------------------------------------
    def load(self, enterprises: Iterable[Enterprise], visit_docs: Iterable[dict[str, Any]]) -> None:
        """Fill empty indexes in bulk: one fold over all enterprises; visits from their stored documents."""
        batch = list(enterprises)
        for enterprise, folded in zip(batch, fold_many([_haystack(e) for e in batch]), strict=True):
            self._put_enterprise(enterprise, folded)
        self.visits.load_docs(visit_docs)

    # --- enterprises ---------------------------------------------------------------------------------
    def put_enterprise(self, enterprise: Enterprise) -> None:
        """Add or replace *enterprise* in every index."""
        self._put_enterprise(enterprise, fold_many([_haystack(enterprise)])[0])

    def _put_enterprise(self, enterprise: Enterprise, haystack: str) -> None:
        eid = enterprise.id
        if eid in self.enterprises:
            self.remove_enterprise(eid, keep_visits=True)
        self.enterprises[eid] = enterprise
        if enterprise.tax_code:
            self.by_tax_code[enterprise.tax_code] = eid
        if _SEP in enterprise.name or _SEP in enterprise.ward:
            name, ward = fold(enterprise.name), fold(enterprise.ward)
        else:  # the segments are the folded fields
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
        words = sorted(set(fold(text).split()), key=len, reverse=True)
        if words:
            # One list comprehension per word, the longest (rarest) first: each pass is a C-speed substring
            # test per candidate, and the later passes only see what the earlier ones kept.
            first, *rest = words
            hits = [i for i, hay in enumerate(hays) if first in hay]
            for word in rest:
                hits = [i for i in hits if word in hays[i]]
            picked = [ids[i] for i in (hits if limit is None else hits[:limit])]
        else:
            picked = ids if limit is None else ids[:limit]
        return [self.enterprises[eid] for eid in picked]

    def name_ward_ids(self, name: str, ward: str) -> list[str]:
        """Ids of the enterprises with this folded name and ward, in id order."""
        return sorted(self.by_name_ward.get((fold(name), fold(ward)), ()))

    def put(self, record: Any) -> None:
        """Add or replace a record of either kind."""
        if isinstance(record, Enterprise):
            self.put_enterprise(record)
        else:
            self.visits.put(record)
