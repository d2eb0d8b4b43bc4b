"""The terminal app's language: which one is shown now, and ``_()`` to translate into it.

The catalog is the project's one catalog (``fieldapp.core.i18n``); the app only adds the current language, which
is process-wide state since the app shows one language at a time (like gettext's ``install()``). Every user-visible
string of the app goes through ``_()`` (translated now) or ``N_()`` (marked, translated where it is shown, e.g.
binding descriptions declared at class level); field and value labels come from ``fieldapp.core.labels``.
"""

from __future__ import annotations

from typing import Any

from fieldapp.core.i18n import LANGUAGES, N_, Lang, Message, gettext
from fieldapp.core.labels import field_label, value_label

__all__ = ["LANGUAGES", "N_", "_", "field", "language", "render", "set_language", "value"]

_current: list[Lang] = ["vi"]


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
    return gettext(msgid, _current[0], **params)


def render(message: Message) -> str:
    """A message (a problem, a reason, an error) in the current language."""
    return message.render(_current[0])


def field(name: str) -> str:
    """The label of a record field in the current language (from fieldapp.core.labels)."""
    return field_label(name, _current[0])


def value(field_name: str, raw: str) -> str:
    """The label of a choice value in the current language (from fieldapp.core.labels)."""
    return value_label(field_name, raw, _current[0])
