"""What every command shares: the data folder, the settings, the language, the classification rules and the
store (opened on demand)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from fieldapp.core.i18n import Lang
from fieldapp.settings import Settings, load_settings, resolve_data_dir, save_settings

if TYPE_CHECKING:  # the rules and the classification are imported by the commands that use them
    from fieldapp.core.classify import Classification
    from fieldapp.core.records import Enterprise, Visit
    from fieldapp.core.rules import Rules
    from fieldapp.store import Store

__all__ = ["AppContext", "pass_app"]


class AppContext:
    """Built once per invocation by the ``fieldapp`` group; commands get it with ``@pass_app``."""

    def __init__(self, data_dir: str | None):
        self.data_dir: Path = resolve_data_dir(data_dir)
        self._settings: Settings | None = None
        self._rules: Rules | None = None
        self.lang_override: Lang | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.data_dir)
        return self._settings

    def save_settings(self, settings: Settings) -> None:
        save_settings(self.data_dir, settings)
        self._settings = settings

    @property
    def lang(self) -> Lang:
        return self.lang_override or self.settings.language

    @property
    def rules(self) -> Rules:
        """The data folder's classification rules (``rules.toml``, else the defaults); RulesError when bad."""
        if self._rules is None:
            from fieldapp.core.rules import load_rules

            self._rules = load_rules(self.data_dir)
        return self._rules

    def classify(
        self, enterprises: Sequence[Enterprise], visits: Sequence[Visit]
    ) -> dict[str, Classification]:
        """Each of *enterprises*, by id, classified today with its *visits* under the data folder's rules."""
        from fieldapp.core.classify import classify_all, group_visits

        return classify_all(enterprises, group_visits(visits), self.rules, date.today())

    def open_store(self, *, readonly: bool = False) -> Store:
        """The store of the data folder; what it had to set aside on opening is told on stderr first."""
        from fieldapp.core.text import displayable
        from fieldapp.store import Store

        store = Store.open(self.data_dir, readonly=readonly)
        for notice in store.set_aside:
            click.echo(displayable(notice.message(self._notice_lang())), err=True)
        return store

    def _notice_lang(self) -> Lang:
        try:
            return self.lang
        except Exception:  # unreadable settings: their own error comes later; the notice must not be lost
            return self.lang_override or "vi"


pass_app = click.make_pass_decorator(AppContext)
