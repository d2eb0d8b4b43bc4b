"""The terminal app's one translation layer: gettext catalogs (``locale/<lang>/LC_MESSAGES/fieldapp.po``) read with Babel.

Every user-visible string of the app goes through ``_()`` (translated now) or ``N_()`` (marked for the catalogs,
translated later, e.g. binding descriptions declared at class level). Message ids are the English text, as gettext
does it; both catalogs must hold every id (``tests/tui/test_i18n.py`` scans the source for these calls).

Field and value labels are not here: they come from ``fieldapp.core.labels`` (``field()``/``value()`` below wrap
them in the current language), and status labels from the classifier.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from fieldapp.core.labels import Lang, field_label, value_label

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "_",
    "catalog",
    "field",
    "language",
    "set_language",
    "value",
]

DOMAIN = "fieldapp"
LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES: tuple[Lang, ...] = ("vi", "en")

# The app shows one language at a time, so the current one is process-wide state (like gettext's install()).
_current: list[Lang] = ["vi"]


@cache
def catalog(lang: Lang) -> dict[str, str]:
    """msgid -> msgstr of *lang*'s catalog (entries with an empty msgstr are left out)."""
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as fh:
        po = read_po(fh, locale=lang, domain=DOMAIN)
    return {str(m.id): str(m.string) for m in po if m.id and isinstance(m.id, str) and m.string}


def set_language(lang: Lang) -> None:
    """Make *lang* the language of every string translated from now on."""
    if lang not in LANGUAGES:
        raise ValueError(lang)
    _current[0] = lang


def language() -> Lang:
    """The current language."""
    return _current[0]


def _(msgid: str, /, **params: Any) -> str:
    """*msgid* in the current language, formatted with *params* (``{name}`` placeholders)."""
    text = catalog(_current[0]).get(msgid, msgid)
    return text.format(**params) if params else text


def N_(msgid: str, /) -> str:
    """Mark *msgid* for the catalogs without translating it yet (translate with ``_()`` where it is shown)."""
    return msgid


def field(name: str) -> str:
    """The label of a record field in the current language (from fieldapp.core.labels)."""
    return field_label(name, _current[0])


def value(field_name: str, raw: str) -> str:
    """The label of a choice value in the current language (from fieldapp.core.labels)."""
    return value_label(field_name, raw, _current[0])
