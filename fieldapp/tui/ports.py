"""What the screens need from outside themselves, typed: the app (``AppContext``) and a sync client.

Screens never import ``fieldapp.tui.app`` (the app imports them): they reach the app through ``self.fapp``, typed
by ``AppContext``, or through the messages of ``fieldapp.tui.messages``. ``FieldApp`` is checked against
``AppContext`` by mypy (``fieldapp/tui/app.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from fieldapp.core.kinds import Kind
from fieldapp.core.labels import Lang

if TYPE_CHECKING:
    from fieldapp.core.rules import Rules
    from fieldapp.settings import Settings
    from fieldapp.store import Store
    from fieldapp.tui.index import EnterpriseIndex
    from sync.client import Resolution, SyncProgress, SyncSummary

__all__ = ["AppContext", "SyncClientFactory", "SyncClientPort", "default_sync_client"]


class SyncClientPort(Protocol):
    """What the Sync screen needs of a sync client (``sync.client.SyncClient`` is one)."""

    def run(self, progress: Callable[[SyncProgress], None] | None = None) -> SyncSummary:
        """Push, then pull; raises an exception with ``message(lang)`` (and ``.summary``) when it cannot finish."""
        ...

    def cancel(self) -> None:
        """Ask a running sync to stop (from another thread)."""
        ...

    def resolve(self, kind: Kind, record_id: str, choice: Resolution) -> object:
        """Settle the sync issue of one record."""
        ...


SyncClientFactory: TypeAlias = "Callable[[Store, Settings], SyncClientPort]"


def default_sync_client(store: Store, settings: Settings) -> SyncClientPort:
    """The real client for *store* and *settings*."""
    # imported here, not at the top: the client and httpx take about 0.2 s to load, paid at the first sync
    # rather than at every start of the app
    from sync.client import SyncClient

    return SyncClient(store, settings)


class AppContext(Protocol):
    """What screens, dialogs and the command palette use of the app, besides Textual's own ``App`` API."""

    store: Store
    settings: Settings
    rules: Rules
    data_dir: Path
    today: date
    #: every enterprise with its verdict, for the tables and the palette
    index: EnterpriseIndex
    #: True once the index has rows to show: the first full load's, or a trusted view's (``previewing``)
    loaded: bool
    #: True while the rows shown come from the view kept at the last run and the store is still being read
    #: (``fieldapp/tui/home_view.py``): the enterprise models and the verdicts' reasons are not there yet
    previewing: bool
    #: records waiting to be synced
    pending_records: int
    cursor_blink: bool
    sync_client_factory: SyncClientFactory

    # --- navigation ---
    def show_mode(self, mode: str) -> None:
        """Show the first screen of an F-key mode ("home", "followups", "sync", "settings",
        "pipeline")."""
        ...

    def open_enterprise(self, enterprise_id: str) -> None:
        """Show an enterprise's detail over the current screen."""
        ...

    def new_visit(self, enterprise_id: str) -> None:
        """Open the visit form for a new visit of an enterprise."""
        ...

    def new_enterprise(self) -> None:
        """Open the enterprise form for a new enterprise."""
        ...

    # --- data (the two index methods run in worker threads and post IndexLoaded / IndexUpdated) ---
    def reload_index(self) -> None:
        """Read and classify everything again."""
        ...

    def reindex(self, enterprise_id: str) -> None:
        """Classify one enterprise again after a save."""
        ...

    def reload_rules(self) -> None:
        """Read the rules again (in a worker thread, before ``reload_index``)."""
        ...

    # --- failures, language, theme, settings ---
    def error_text(self, error: BaseException) -> str:
        """What went wrong, in the current language."""
        ...

    def report_error(self, error: BaseException) -> None:
        """Say what went wrong in a notification."""
        ...

    def switch_language(self, lang: Lang) -> None:
        """Show every screen in *lang* at once, and remember it."""
        ...

    def set_theme(self, theme: str) -> None:
        """Use *theme* and remember it."""
        ...

    def toggle_theme(self) -> None:
        """Switch between the dark and the light theme, and remember it."""
        ...

    def update_setting(self, key: str, value: Any) -> None:
        """Change one setting and save the settings file."""
        ...

    def use_settings(self, settings: Settings) -> None:
        """Use *settings* from now on and save them."""
        ...

    def adopt_identity(self, name: str, full_name: str | None, role: str | None) -> bool:
        """Take the server's word for who the token is; True when the settings changed."""
        ...
