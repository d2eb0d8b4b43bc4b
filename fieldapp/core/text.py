"""Unicode helpers for Vietnamese text: NFC normalisation and accent-insensitive folding."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["fold", "nfc"]

_SPACES = re.compile(r"\s+")
# đ/Đ is a letter of its own, not d with a combining mark, so NFD leaves it alone.
_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(text: str) -> str:
    """Return *text* in NFC form (the form every stored string is kept in)."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Fold *text* for search: no accents, lower case, đ -> d, runs of white space made one space.

    ``fold("LONG BIÊN") == fold("Long Biên") == fold("long  bien") == "long bien"``
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()
