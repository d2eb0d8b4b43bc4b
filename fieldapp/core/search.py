"""The one search over enterprises: what text is searched, and what a query matches.

The store (``Store.search_enterprises``, hence ``fieldapp enterprise list --search``), the terminal app's home table
and palette, and later the server all search with these two functions, so a query finds the same enterprises
everywhere (a property test holds them equal).

Searched: the name, the tax code (also without its dash, so ``0101234567001`` finds ``0101234567-001``), the address
and the ward, each folded. A query matches when every one of its folded words occurs in that text.
"""

from __future__ import annotations

from collections.abc import Sequence

from fieldapp.core.records import Enterprise
from fieldapp.core.text import fold, fold_many
from fieldapp.core.wards import ward_key

__all__ = ["matches", "query_words", "search_keys", "search_text", "select"]

# Between fields: white space around it, so no query word (words never hold a space) matches across two fields.
_SEP = " | "


def _tax(enterprise: Enterprise) -> str:
    tax = enterprise.tax_code or ""
    compact = tax.replace("-", "")
    return f"{tax} {compact}" if compact != tax else tax


def search_text(enterprise: Enterprise) -> str:
    """The folded text a query is looked for in: the folded fields, joined."""
    e = enterprise
    return _SEP.join((fold(e.name), _tax(e), fold(e.address), fold(e.ward)))


def search_keys(enterprises: Sequence[Enterprise]) -> list[tuple[str, str, str]]:
    """``(search_text(e), fold(e.name), ward_key(e.ward))`` for each enterprise, folded in bulk (the store's
    open). The ward is compared by its key, so "Phường Bồ Đề" (the official name) and "Bồ Đề" are one ward."""
    names = fold_many([e.name for e in enterprises])
    addresses = fold_many([e.address for e in enterprises])
    wards = fold_many([e.ward for e in enterprises])
    # a few hundred wards among thousands of records; keyed from the text as written: ward_key needs its accents
    # to tell the name "Phương Liệt" from the unit word "phường"
    keys = {ward: ward_key(ward) for ward in {e.ward for e in enterprises}}
    return [
        (_SEP.join((name, _tax(e), address, ward)), name, keys[e.ward])
        for e, name, address, ward in zip(enterprises, names, addresses, wards, strict=True)
    ]


def query_words(query: str) -> list[str]:
    """The folded words of *query*, longest first (the rarest: a scan that tests them first fails soonest)."""
    return sorted(set(fold(query).split()), key=len, reverse=True)


def matches(text: str, words: Sequence[str]) -> bool:
    """True when every word of *words* (from ``query_words``) occurs in *text* (from ``search_text``)."""
    return all(word in text for word in words)


def select(texts: Sequence[str], words: Sequence[str]) -> list[int]:
    """The positions of the *texts* that match *words*, in order (``matches`` over a whole list, faster).

    One pass per word, the longest first: each is a C-speed substring test per candidate, and later passes only
    see what earlier ones kept.
    """
    if not words:
        return list(range(len(texts)))
    first, *rest = words
    hits = [i for i, text in enumerate(texts) if first in text]
    for word in rest:
        hits = [i for i in hits if word in texts[i]]
    return hits
