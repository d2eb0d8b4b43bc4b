"""Contact details: Vietnamese phone numbers (one stored form, one shown form) and the shape of an e-mail address.

A phone number is checked by ``phonenumbers`` (Google's libphonenumber data), not a pattern of ours: Vietnam's
numbering plan changes (the 2018 move of 11-digit mobiles to 10 digits, new 03x/05x/07x/08x ranges) and the
library follows it. It is stored in E.164 (``+84912345678``): one spelling per number whatever was typed
(``0912.345.678``, ``+84 912 345 678``, ``84912345678``), so the server, a search and a comparison see one value.
People read and type the national form (``0912 345 678``, ``024 3825 3456``): ``phone_display`` gives it.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["email_ok", "normalise_phone", "phone_display"]

_REGION = "VN"
# what a typed number may hold besides digits: a leading +, and the separators people write between the groups.
# phonenumbers reads letters as a keypad would (0912abc678 -> 0912222678): a number with a letter is refused here.
_PHONE_CHARACTERS = re.compile(r"^\+?[0-9 .\-()/]+$")


def normalise_phone(raw: str) -> str:
    """A Vietnamese phone number in E.164 (``+84912345678``); raises ValueError when *raw* is not one.

    Accepted: mobiles and landlines, with or without the leading 0 or +84, grouped with spaces, dots, dashes or
    brackets; digits of other scripts (full-width) are read as ASCII ones. A number of another country is refused.
    """
    import phonenumbers  # here: 15-35 ms of every command's start-up, for the records that have a phone

    text = unicodedata.normalize("NFKC", raw).strip()
    if not _PHONE_CHARACTERS.match(text):
        raise ValueError(raw)
    try:
        number = phonenumbers.parse(text, _REGION)
    except phonenumbers.NumberParseException:
        raise ValueError(raw) from None
    if not phonenumbers.is_valid_number(number) or phonenumbers.region_code_for_number(number) != _REGION:
        raise ValueError(raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(stored: str | None) -> str:
    """How a stored number reads: the national form (``0912 345 678``); anything else as it is ("" for none)."""
    if not stored:
        return ""
    import phonenumbers

    try:
        number = phonenumbers.parse(stored, _REGION)
    except phonenumbers.NumberParseException:
        return stored
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


# one "@", something before it, a dotted domain after it, no spaces: the shape only (a typo in a real address
# cannot be caught without sending mail); the address is kept as typed
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


def email_ok(text: str) -> bool:
    """True when *text* has the shape of an e-mail address (``name@example.vn``)."""
    return bool(_EMAIL.match(text))
