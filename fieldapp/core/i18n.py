"""The one translation mechanism of fieldapp: gettext catalogs, for the core, the CLI, the TUI and the server.

Message ids are the English text, as gettext does it; English needs no catalog. The Vietnamese catalog is
``fieldapp/core/locale/vi/LC_MESSAGES/fieldapp.po`` (edited by people) compiled to ``fieldapp.mo`` (read here, by the
standard library). ``python scripts/messages.py update`` extracts every marked string with Babel (``pybabel
extract``), merges the catalog and compiles it; ``tests/test_messages.py`` fails on a missing, stale or
placeholder-dropping entry, or a ``.mo`` older than its ``.po``.

How code says things:

- ``gettext("Saved {n} enterprises.", lang, n=3)``: a sentence now, in *lang*;
- ``N_("must not be empty")``: mark a string kept in a table or a class attribute, translated where it is shown;
- ``NC_("field", "Status")`` / ``pgettext("field", "Status", lang)``: the same with a context, where one English
  word needs two Vietnamese ones (a field label "Status" and a column "Status");
- ``Message(msgid, params)``: a message to render later in any language (problems, reasons, exceptions carry
  a code and parameters; their text is looked up from the code only when shown);
- ``CodedError``: the base of exceptions that carry a code and parameters only; ``message(lang)`` words them.
  Every exception shown to a person has ``message(lang)`` (``Translatable``).

A parameter that is itself a Message is rendered in the same language (``{status}`` of "not operating (status:
{status})" shows "Tạm ngừng" in Vietnamese and "Suspended" in English).
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol, cast, get_args

__all__ = [
    "DOMAIN",
    "CodedError",
    "Translatable",
    "LANGUAGES",
    "LOCALE_DIR",
    "Lang",
    "Message",
    "SOURCE_LANGUAGE",
    "NC_",
    "N_",
    "as_lang",
    "gettext",
    "is_lang",
    "pgettext",
    "translate",
]

Lang = Literal["vi", "en"]
#: the languages fieldapp speaks, Vietnamese first (the default everywhere)
LANGUAGES: tuple[Lang, ...] = get_args(Lang)
#: the language of the message ids: it needs no catalog
SOURCE_LANGUAGE: Lang = "en"
DOMAIN = "fieldapp"
LOCALE_DIR = Path(__file__).with_name("locale")


def is_lang(value: object) -> bool:
    """True when *value* is one of LANGUAGES."""
    return value in LANGUAGES


@cache
def _catalog(lang: Lang) -> _gettext.NullTranslations:
    if lang == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    with path.open("rb") as fh:
        return _gettext.GNUTranslations(fh)


def translate(msgid: str, lang: Lang, context: str | None = None) -> str:
    """*msgid* in *lang* (the msgid itself when the catalog has no translation), not formatted."""
    catalog = _catalog(lang)
    return catalog.pgettext(context, msgid) if context is not None else catalog.gettext(msgid)


def _render(value: Any, lang: Lang) -> Any:
    return value.render(lang) if isinstance(value, Message) else value


def _format(text: str, lang: Lang, params: Mapping[str, Any]) -> str:
    if not params:
        return text
    return text.format_map({name: _render(value, lang) for name, value in params.items()})


def gettext(msgid: str, lang: Lang, /, **params: Any) -> str:
    """*msgid* in *lang*, its ``{name}`` placeholders filled from *params*."""
    return _format(translate(msgid, lang), lang, params)


def pgettext(context: str, msgid: str, lang: Lang, /, **params: Any) -> str:
    """*msgid* of *context* in *lang*, filled from *params*."""
    return _format(translate(msgid, lang, context), lang, params)


def N_(msgid: str, /) -> str:
    """Mark *msgid* for the catalog without translating it (it is translated where it is shown)."""
    return msgid


def NC_(context: str, msgid: str, /) -> str:
    """Mark *msgid* of *context* for the catalog; translate it with ``translate(msgid, lang, context)``."""
    del context  # read by the extractor only
    return msgid


@dataclass(frozen=True, slots=True)
class Message:
    """A message to show later, in whichever language is asked for: a msgid, its context and its parameters."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)
    context: str | None = None

    def render(self, lang: Lang = "vi") -> str:
        """The message in *lang*, filled in."""
        return _format(translate(self.msgid, lang, self.context), lang, self.params)

    def __str__(self) -> str:
        return self.render(SOURCE_LANGUAGE)


def as_lang(value: object, default: Lang = "vi") -> Lang:
    """*value* if it is one of LANGUAGES, else *default*."""
    return cast(Lang, value) if is_lang(value) else default


class Translatable(Protocol):
    """Anything that can say itself in either language: problems, reasons, messages, the product's exceptions."""

    def message(self, lang: Lang = "vi") -> str: ...


class CodedError(Exception):
    """An exception that carries a ``code`` and its ``params`` only; ``message(lang)`` words it from the catalog.

    Subclasses list their codes in ``MESSAGES`` (code -> English template marked with ``N_``). ``str(error)`` is
    the English message, for logs and tracebacks.
    """

    MESSAGES: ClassVar[Mapping[str, str]] = {}

    def __init__(self, code: str, /, **params: Any) -> None:
        if code not in self.MESSAGES:
            raise KeyError(f"{type(self).__name__} has no message for code {code!r}")
        self.code = code
        self.params: dict[str, Any] = params
        super().__init__(self.message(SOURCE_LANGUAGE))

    def message(self, lang: Lang = "vi") -> str:
        """The message in *lang*, filled in."""
        return gettext(self.MESSAGES[self.code], lang, **self.params)
