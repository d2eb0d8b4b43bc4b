"""Which ward a text names: the one place wards are compared (areas on the server, filters on the laptop).

Registries, cadres and the office write the same ward many ways: "Phường Thanh Nhàn", "P. Thanh Nhàn",
"thanh nhan", "THANH NHÀN". ``ward_key`` reduces each to one key: the text folded the way every search folds it
(``fieldapp.core.text.fold``: no accents, đ → d, lower case), with a leading unit word ("phường", "xã", "thị trấn",
"đặc khu" and their abbreviations) and punctuation dropped. Two texts name the same ward when their keys are
equal. Numbered wards keep their number ("Phường 12" → "12").

A first word written with other accents than its unit word's is part of the name, not a unit word: "Phương Liệt"
and "Xà Phiên" keep "phuong" and "xa" ("Phường Phương Liệt" → "phuong liet", as "Phương Liệt"). Typed without
accents the two cannot be told apart ("phuong liet" → "liet"); the 2025 map's lookup
(``fieldapp.core.admin_units.match_ward``) tries the whole text too.

The official 2025 names and codes are in ``fieldapp.core.admin_units``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from fieldapp.core.text import fold, nfc

__all__ = ["UNIT_WORDS", "closest_wards", "same_ward", "typed_keys", "ward_key", "ward_words"]

#: unit words a ward's name may start with, folded; the longer ones first so "thi tran" wins over "t"
UNIT_WORDS: tuple[str, ...] = ("thi tran", "dac khu", "phuong", "xa", "tt", "p", "x")
_PUNCTUATION_CHARS = r".,;:()\-_/\\"
_PUNCTUATION = re.compile(f"[{_PUNCTUATION_CHARS}]+")
_UNIT = re.compile(r"^(?:" + "|".join(re.escape(word) for word in UNIT_WORDS) + r")\s+(?=\S)")
#: how a one-word unit is written, with its accents or with none: another accented spelling ("phương", "xà") is a
#: name that happens to fold like a unit word
_UNIT_SPELLINGS = frozenset({"phường", "phuong", "xã", "xa", "p", "x", "tt"})
_FIRST_WORD = re.compile(rf"^\s*([^\s{_PUNCTUATION_CHARS}]+)")


def ward_words(text: str) -> str:
    """*text* folded, punctuation gone, single spaces: the whole name, any unit word kept."""
    return " ".join(_PUNCTUATION.sub(" ", fold(text)).split())


def ward_key(text: str) -> str:
    """The key a ward's name is compared by: folded, unit word and punctuation gone, single spaces."""
    folded = ward_words(text)
    # "P.12" and "P12" are "Phường 12": a unit abbreviation glued to a number
    folded = re.sub(r"^(?:p|x|tt)(?=\d)", "", folded)
    first = _FIRST_WORD.match(text)
    if (
        first
        and nfc(first.group(1)).casefold() not in _UNIT_SPELLINGS
        and fold(first.group(1)) in _UNIT_SPELLINGS
    ):
        return folded  # "Phương Liệt": a name, not the unit word "phường"
    return _UNIT.sub("", folded, count=1)


def same_ward(a: str, b: str) -> bool:
    """Do *a* and *b* name the same ward (both non-empty)."""
    key = ward_key(a)
    return bool(key) and key == ward_key(b)


def typed_keys(text: str) -> tuple[str, ...]:
    """The keys a typed ward is looked up by, in order: its ``ward_key``, then its whole folded words (typed
    without accents, "phuong liet" may be "Phương Liệt", whose first word is a name, not a unit word). Empty when
    the text names no ward."""
    key = ward_key(text)
    if not key:
        return ()
    whole = ward_words(text)
    return (key,) if whole == key else (key, whole)


def closest_wards(text: str, names: Sequence[str], n: int = 3) -> list[str]:
    """The *n* of *names* closest to the ward *text* (both compared by ``ward_key``): those whose key the text's
    begins first, then the closest by spelling (difflib); the first *n* names when the text names no ward."""
    key = ward_key(text)
    if not key or not names:
        return list(names[:n])
    chosen = [name for name in names if ward_key(name).startswith(key)][:n]
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(ward_key(name), name)
    for close in difflib.get_close_matches(key, list(by_key), n=n, cutoff=0.5):
        if len(chosen) >= n:
            break
        if by_key[close] not in chosen:
            chosen.append(by_key[close])
    return chosen[:n]
