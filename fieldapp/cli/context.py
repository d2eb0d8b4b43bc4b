"""What every command shares: the data folder, the settings, the language and the store (opened on demand)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from fieldapp.core.labels import Lang
from fieldapp.settings import Settings, load_settings, resolve_data_dir, save_settings

if TYPE_CHECKING:
    from fieldapp.store import Store

__all__ = ["AppContext", "pass_app"]


class AppContext:
    """Built once per invocation by the ``fieldapp`` group; commands get it with ``@pass_app``."""

    def __init__(self, data_dir: str | None):
        self.data_dir: Path = resolve_data_dir(data_dir)
        self._settings: Settings | None = None
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

    def open_store(self, *, readonly: bool = False) -> Store:
        from fieldapp.store import Store

        return Store.open(self.data_dir, readonly=readonly)

    def extra(self) -> dict[str, Any]:
        return {}


pass_app = click.make_pass_decorator(AppContext)
