"""The ``fieldapp`` root group: its ``--help`` and its usage errors in the user's language (the mechanism is
``fieldapp.clihelp``, shared with ``fieldapp-server``); here, how ``fieldapp`` finds the language of a run:
``--lang``, else the language of the settings in the data folder (``--data-dir``), else Vietnamese.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from fieldapp.clihelp.usage import LocalisedRoot
from fieldapp.core.i18n import Lang, as_lang

__all__ = ["LocalisedGroup", "lang_of"]


def lang_of(lang: str | None, data_dir: str | None) -> Lang:
    """The language of a run from its ``--lang`` and ``--data-dir``, read without creating anything."""
    # --lang, else the settings' language if the settings file exists (never created here), else Vietnamese
    if lang is not None:
        return as_lang(lang)
    from fieldapp.datafolder import resolve_data_dir, stored_language

    return stored_language(resolve_data_dir(data_dir)) or "vi"


class LocalisedGroup(LocalisedRoot):
    """The ``fieldapp`` group: every usage error raised below it, and its help, in the user's language."""

    language_options = ("--lang", "--data-dir")

    def language(self, values: Sequence[str | None]) -> Lang:
        lang, data_dir = values
        return lang_of(lang, data_dir)

    def context_language(self, root: click.Context) -> Lang:
        if root.obj is not None:  # the group's callback ran (`--help` comes before it, and needs no settings)
            from fieldapp.cli.context import AppContext

            if isinstance(root.obj, AppContext):
                try:
                    return root.obj.lang
                except Exception:  # unreadable settings: their own error comes later
                    return root.obj.lang_override or "vi"
        return super().context_language(root)
