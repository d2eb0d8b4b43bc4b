"""Vietnamese tax codes (mã số thuế): the one normal form, and the check digit.

A code is 10 ASCII digits, or 10 + "-" + 3 for a branch. Input is NFKC-normalised first, so full-width or
mathematical digits become ASCII ones and one enterprise cannot hide under five spellings; other scripts' digits
are refused.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise_tax_code", "tax_code_check_digit_ok"]

# ASCII digits only: \d would also take Arabic-Indic, Devanagari or mathematical digits as a different code
_TAX_CODE = re.compile(r"^[0-9]{10}(-[0-9]{3})?$")
_THIRTEEN = re.compile(r"[0-9]{13}")
#: the weights of the first nine digits in the check digit (checked on published codes, e.g. 0100109106, 0300588569)
_CHECK_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def normalise_tax_code(raw: str) -> str:
    """Normalise a tax code (mã số thuế): strip spaces and dots, turn 13 digits into ``NNNNNNNNNN-NNN``.

    Raises ValueError when the result is not 10 digits or 10 digits + '-' + 3 digits.
    """
    code = re.sub(r"[\s.]", "", unicodedata.normalize("NFKC", raw))
    if _THIRTEEN.fullmatch(code):
        code = f"{code[:10]}-{code[10:]}"
    if not _TAX_CODE.match(code):
        raise ValueError(code)
    return code


def tax_code_check_digit_ok(code: str) -> bool:
    """True when the tenth digit of a normalised tax code is its check digit.

    The check digit is 10 - (31·d1 + 29·d2 + 23·d3 + 19·d4 + 17·d5 + 13·d6 + 7·d7 + 5·d8 + 3·d9) mod 11; no code is
    issued where that is 10. Registries still carry old or mistyped codes, so a mismatch is a warning, not a refusal.
    """
    digits = [int(ch) for ch in code[:9]]
    expected = 10 - sum(w * d for w, d in zip(_CHECK_WEIGHTS, digits, strict=True)) % 11
    return expected < 10 and int(code[9]) == expected
