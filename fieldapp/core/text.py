"""Unicode helpers for Vietnamese text: NFC normalisation and the one accent-insensitive fold.

``fold`` is what every search, filter, duplicate check and ward match compares: the store, the terminal app, the
command line and the server all call it (``fieldapp.core.search`` builds the searched text with it).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["CONTROL", "control_characters", "displayable", "fold", "fold_many", "fold_slow", "nfc"]

_SPACES = re.compile(r"\s+")
# đ/Đ is a letter of its own, not d with a combining mark, so NFD leaves it alone.
_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


#: characters no text of ours may hold: C0 and C1 controls (NUL, ESC, ...) and the bidirectional embedding,
#: override and isolate marks that make text display as something else. Newline is the one exception, in notes.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# the same characters but the newline: one C-level search answers "none" for nearly every note
_CONTROL_BUT_NEWLINE = re.compile("(?!\n)" + CONTROL.pattern)


def control_characters(text: str, *, newlines: bool = False) -> list[str]:
    """The control characters in *text* (newlines allowed when *newlines*), each once, in order of appearance."""
    if (_CONTROL_BUT_NEWLINE if newlines else CONTROL).search(text) is None:
        return []  # nearly all text: one search instead of a list, a dict and a pop (record validation, per field)
    found = dict.fromkeys(CONTROL.findall(text))
    if newlines:
        found.pop("\n", None)
    return list(found)


def displayable(text: str, *, newlines: bool = False) -> str:
    """*text* safe to print on a terminal or a screen: every control character shown as U+FFFD (a newline kept
    when *newlines*, else shown as a space), so data can never move the cursor, clear the screen or set a title."""

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        if char == "\n":
            return "\n" if newlines else " "
        return "\ufffd"

    return CONTROL.sub(replace, text) if CONTROL.search(text) else text


def nfc(text: str) -> str:
    """Return *text* in NFC form (the form every stored string is kept in)."""
    return unicodedata.normalize("NFC", text)


def fold_slow(text: str) -> str:
    """The definition of the fold: NFD, combining marks dropped, đ -> d, case folded, white space made one space.

    ``fold`` gives exactly this, faster; this one is kept as its reference (a property test holds them equal).
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def _table() -> dict[int, str]:
    # every Latin letter with marks (Vietnamese uses them all), the combining marks themselves, and đ/Đ: each
    # mapped to its fold_slow, so one str.translate folds a whole name
    table: dict[int, str] = {}
    for low, high in ((0x00C0, 0x024F), (0x0300, 0x036F), (0x1E00, 0x1EFF)):
        for code in range(low, high + 1):
            char = chr(code)
            folded = "" if unicodedata.combining(char) else fold_slow(char)
            if folded != char:
                table[code] = folded
    return table


_TABLE = _table()
# text made only of printable ASCII, spaces and the table's characters takes the fast path; anything else (another
# script, a compatibility character, a tab or another white space) is folded by the definition
_OTHER = re.compile("[^ -~" + "".join(map(chr, sorted(_TABLE))) + "]")


def fold(text: str) -> str:
    """Fold *text* for search: no accents, lower case, đ -> d, runs of white space made one space.

    ``fold("LONG BIÊN") == fold("Long Biên") == fold("long  bien") == "long bien"``
    """
    if _OTHER.search(text):
        return fold_slow(text)
    folded = text.translate(_TABLE).casefold()
    # most names are already single-spaced (records clean them): skip the regex then
    if "  " in folded or folded[:1] == " " or folded[-1:] == " ":
        return _SPACES.sub(" ", folded).strip()
    return folded


# Joins the texts of fold_many: a control character, so no record text holds it (the text rule refuses them).
_JOIN = "\x1f"


def fold_many(texts: list[str]) -> list[str]:
    """``[fold(t) for t in texts]``, faster on many short texts (20,000 names when the store opens).

    The texts are joined and folded by one ``str.translate``; a text that needs the slow path is folded on its own.
    """
    if not texts:
        return []
    big = _JOIN.join(texts)
    if big.count(_JOIN) != len(texts) - 1:  # a text holds the joining character itself
        return [fold(t) for t in texts]
    parts = big.translate(_TABLE).casefold().split(_JOIN)
    out = [
        _SPACES.sub(" ", part).strip() if "  " in part or part[:1] == " " or part[-1:] == " " else part
        for part in parts
    ]
    if _OTHER.search(big.replace(_JOIN, " ")):
        for i, text in enumerate(texts):
            if _OTHER.search(text):
                out[i] = fold_slow(text)
    return out
