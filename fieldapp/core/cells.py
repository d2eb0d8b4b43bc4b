"""What a value becomes in a spreadsheet cell (CSV or XLSX), and how an imported cell is read back.

The one rule for every table we write, on the laptop (``fieldapp.io.sheets``) and on the server
(``sync.server.export``): a spreadsheet must never run what a cadre or an outside list typed.

- **Formulas** (OWASP "CSV injection"): text that a spreadsheet program would take as a formula, one that begins
  with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, is written with one ``'`` (single quote) in front, so
  it shows as text. Text that already begins with quotes followed by one of those characters gets one more quote,
  so that ``cell_text`` can take exactly one off and every value reads back as it was.
- **Characters XML cannot hold** (NUL and the other C0 controls but tab, newline and carriage return; lone
  surrogates; U+FFFE and U+FFFF) become U+FFFD: the record rule refuses them, but an older store or a server row may
  still hold them, and one of them must not make a whole XLSX export fail.
- Numbers stay numbers (a count of -2 is a number, not a formula); yes/no become ``true``/``false``; nothing is
  an empty cell.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["FORMULA_STARTS", "cell_text", "sheet_cell", "sheet_text", "xml_text"]

#: the first characters that make a spreadsheet program read a cell as a formula (OWASP)
FORMULA_STARTS = frozenset("=+-@\t\r")
# quotes, then a formula character: the cells that carry (or, on reading, lost) one protective quote
_GUARDED = re.compile(r"'*[=+\-@\t\r]")
# what XML 1.0 cannot hold (openpyxl refuses the C0 part with IllegalCharacterError; UTF-8 cannot encode surrogates)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """*text* with every character XML 1.0 cannot hold shown as U+FFFD (the .xlsx and .docx writers refuse them)."""
    return _NOT_XML.sub("\ufffd", text) if _NOT_XML.search(text) else text


def sheet_text(text: str) -> str:
    """*text* safe in a spreadsheet cell: no character XML refuses, and never read as a formula."""
    text = xml_text(text)
    if _GUARDED.match(text):
        return "'" + text
    return text


def sheet_cell(value: Any) -> Any:
    """The cell for *value*: text through ``sheet_text``, numbers as they are, booleans as ``true``/``false``,
    None as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    return sheet_text(value if isinstance(value, str) else str(value))


def cell_text(text: str) -> str:
    """Undo ``sheet_text``'s quote: one leading ``'`` is taken off when what follows it (after any further quotes)
    begins with a formula character, so ``'=1+1`` reads back as ``=1+1`` and ``''=x`` as ``'=x``."""
    if text[:1] == "'" and _GUARDED.match(text, 1):
        return text[1:]
    return text
