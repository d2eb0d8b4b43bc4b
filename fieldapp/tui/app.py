"""The terminal app: built by ``create_app`` from an open store, the settings, the data folder and the rules.

The F-key screens are Textual modes, each with its own screen stack: Enterprises (``home``, F1), Follow-ups (F2),
Sync (F3), Settings (F4) and the founding Pipeline (F5). The detail and the forms are pushed on top of the current mode.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from fieldapp.core.labels import Lang
from fieldapp.core.rules import Rules, load_rules
from fieldapp.core.text import displayable
from fieldapp.settings import Settings, save_settings
from fieldapp.store import PendingOpen, StoreError
from fieldapp.tui.commands import FieldCommands
from fieldapp.tui.home_view import load_home_view, save_home_view
from fieldapp.tui.i18n import N_, _, language, set_language
from fieldapp.tui.index import EnterpriseIndex
from fieldapp.tui.localise import localise_bindings
from fieldapp.tui.messages import DataChanged, IndexLoaded, IndexUpdated
from fieldapp.tui.ports import AppContext, SyncClientFactory, default_sync_client
from fieldapp.tui.screens.base import Relabel
from fieldapp.tui.screens.detail import DetailScreen
from fieldapp.tui.screens.enterprise_form import EnterpriseFormScreen
from fieldapp.tui.screens.followups import FollowUpsScreen
from fieldapp.tui.screens.home import HomeScreen
from fieldapp.tui.screens.pipeline import PipelineScreen
from fieldapp.tui.screens.settings import SettingsScreen
from fieldapp.tui.screens.sync import SyncScreen
from fieldapp.tui.screens.visit_form import VisitFormScreen
from fieldapp.tui.shown import plain
from fieldapp.tui.widgets.badges import THEMES

if TYPE_CHECKING:
    from fieldapp.store import Store

__all__ = ["FieldApp", "create_app"]

_HERE = Path(__file__).parent
#: seconds a key pressed before the store is read waits for it (it takes about one at 70,000 records)
_OPEN_WAIT = 300.0


class FieldApp(App[None], inherit_bindings=False):
    """Enterprises, visits and CĐCS eligibility for one cadre, offline."""

    TITLE = "fieldapp"
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        _HERE / "app.tcss",
        _HERE / "screens" / "screens.tcss",
        _HERE / "screens" / "forms.tcss",
    ]
    COMMANDS = App.COMMANDS | {FieldCommands}
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        "home": HomeScreen,
        "followups": FollowUpsScreen,
        "sync": SyncScreen,
        "settings": SettingsScreen,
        "pipeline": PipelineScreen,
    }
    DEFAULT_MODE: ClassVar[str] = "home"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", N_("Quit"), id="app.quit", priority=True, show=False),
        # a second key where a terminal keeps Ctrl+Q for flow control (XON), as nano's "exit"; not a priority, so a
        # focused text field keeps it for cut (docs/tui.md, Keys)
        Binding("ctrl+x", "quit", N_("Quit"), id="app.quit_alt", show=False),
        Binding("f1", "show_mode('home')", N_("Enterprises"), id="app.home", show=False),
        Binding("f2", "show_mode('followups')", N_("Follow-ups"), id="app.followups", show=False),
        Binding("f3", "show_mode('sync')", N_("Sync"), id="app.sync", show=False),
        Binding("f4", "show_mode('settings')", N_("Settings"), id="app.settings", show=False),
        Binding("f5", "show_mode('pipeline')", N_("Founding pipeline"), id="app.pipeline", show=False),
        Binding("ctrl+l", "switch_language", N_("Language"), id="app.language", show=False),
        Binding("ctrl+t", "toggle_theme", N_("Light/dark theme"), id="app.theme", show=False),
        Binding("ctrl+p", "command_palette", N_("Commands"), id="app.palette", show=False, priority=True),
    ]

    def __init__(
        self,
        store: Store | PendingOpen,
        settings: Settings,
        data_dir: Path,
        rules: Rules,
        today: date | None = None,
        *,
        cursor_blink: bool = True,
        sync_client_factory: SyncClientFactory | None = None,
    ) -> None:
        super().__init__()
        self._store: Store | None = None
        self._pending_open: PendingOpen | None = None
        self._store_ready = threading.Event()
        self._open_state = threading.Lock()
        self._opening: bool | None = False  # True once the worker reads the store; None: given up before that
        #: why the store could not be read (the app exits with status 1; the CLI says it)
        self.open_error: BaseException | None = None
        self.settings = settings
        self.data_dir = Path(data_dir)
        self.rules = rules
        self.today = today or date.today()
        self.cursor_blink = cursor_blink
        self.sync_client_factory: SyncClientFactory = sync_client_factory or default_sync_client
        self.index = EnterpriseIndex(rules, self.today)
        self.loaded = False
        self.previewing = False
        self.pending_records = 0
        if isinstance(store, PendingOpen):
            # read after the first paint, in a worker; meanwhile the rows kept at the last run, if still true
            self._pending_open = store
            view = load_home_view(self.data_dir, rules, self.today)
            if view is not None:
                self.index.use_rows(view.rows)
                self.loaded = self.previewing = True
                self.pending_records = view.pending
        else:
            self.store = store
        set_language(settings.language)
        localise_bindings(self)
        self.theme = settings.theme if settings.theme in self.available_themes else THEMES[0]

    # --- the store -------------------------------------------------------------------------------------
    @property
    def store(self) -> Store:
        """The open store; while it is still being read (just after start), waits for it."""
        store = self._store
        if store is None:
            self._store_ready.wait(_OPEN_WAIT)
            store = self._store
            if store is None:
                raise self.open_error or StoreError("closed", self.data_dir, folder=self.data_dir)
        return store

    @store.setter
    def store(self, store: Store) -> None:
        self._store = store
        self._store_ready.set()

    def opened_store(self) -> Store | None:
        """The store this app read, once its worker is done (None when it failed or never started)."""
        if self._pending_open is not None:
            with self._open_state:
                if self._opening is False:  # the app stopped before its worker began: give the lock back
                    self._opening = None
                    self._pending_open.release()
                    return None
            self._store_ready.wait(_OPEN_WAIT)
        return self._store

    # --- start -----------------------------------------------------------------------------------------
    def on_mount(self) -> None:
        if self._pending_open is not None:
            self.call_after_refresh(self._open_store)  # the first screen is painted first
            return
        self.load_index()  # the home screen is the default mode's: Textual has built it already
        self._tell_set_aside()

    @work(thread=True, exit_on_error=False, group="load")
    def _open_store(self) -> None:
        """Read the store (its writer lock is already held), then classify everything."""
        assert self._pending_open is not None
        with self._open_state:
            if self._opening is None:
                return
            self._opening = True
        try:
            self.store = self._pending_open.open()
        except BaseException as exc:
            self.open_error = exc
            self._store_ready.set()
            self.call_from_thread(self.exit, None, 1)
            return
        self.call_from_thread(self._tell_set_aside)
        self.reload_index()

    def _tell_set_aside(self) -> None:
        for notice in self.store.set_aside:  # an unreadable log tail the store kept aside: never in silence
            self.notify(
                displayable(notice.message(language())),
                title=_("Part of the log was set aside"),
                severity="warning",
                timeout=60,
                markup=False,
            )

    @work(thread=True, exit_on_error=False, group="load")
    def load_index(self) -> None:
        """Classify every enterprise once (a worker: 20,000 take a moment)."""
        self.reload_index()

    def reload_rules(self) -> None:
        """Read the rules again (a sync brought the federation's new ones) and classify with them from now on;
        call from a worker thread, before ``reload_index``. Raises RulesError and keeps the old rules when the
        files cannot be read."""
        rules = load_rules(self.data_dir)
        self.rules = rules
        self.index.rules = rules

    def reload_index(self) -> None:
        """Read and classify everything again, then tell the screens (call from a worker thread); the rows are
        kept as the home view for the next start (``home_view``)."""
        store = self.store
        stamp = store.state_stamp() if not store.readonly else None
        self.index.load(store.enterprises(), store.visits())
        pending = self._count_pending()
        self.post_message(IndexLoaded(pending))
        self._keep_home_view(stamp, pending)

    def _keep_home_view(self, stamp: str | None, pending: int) -> None:
        # only a shortcut for the next start: without it, that start loads everything
        with contextlib.suppress(StoreError, OSError):
            save_home_view(self.store, stamp, list(self.index.rows.values()), pending, self.rules, self.today)

    def keep_home_view(self) -> None:
        """At the end: when the home view kept is no longer the store's state (saves since), classify everything
        again and keep it, so the next start paints at once. Call once the app has stopped."""
        store = self._store
        if store is None or store.readonly or load_home_view(self.data_dir, self.rules, self.today):
            return
        stamp = store.state_stamp()
        self.index.load(store.enterprises(), store.visits())
        self._keep_home_view(stamp, self._count_pending())

    @on(IndexLoaded)
    def _loaded(self, message: IndexLoaded) -> None:
        self.loaded = True
        self.previewing = False
        self.pending_records = message.pending
        self.data_changed(None)
        # once the table is on screen, get the search text ready before the first keystroke
        self.set_timer(0.1, self._prepare_search)

    @work(thread=True, exit_on_error=False, group="load")
    def _prepare_search(self) -> None:
        self.index.prepare_search()

    def _count_pending(self) -> int:
        counts = self.store.counts()
        kinds = ("pending_enterprises", "pending_visits", "pending_founding_cases")
        return sum(int(counts.get(key, 0)) for key in kinds)

    # --- data changes ----------------------------------------------------------------------------------
    def reindex(self, enterprise_id: str) -> None:
        """Classify one enterprise again from the store (call from a worker thread after a save)."""
        enterprise = self.store.get_enterprise(enterprise_id)
        if enterprise is None:
            self.index.remove(enterprise_id)
        else:
            self.index.update(enterprise, self.store.visits_of(enterprise_id))
        self.post_message(IndexUpdated(enterprise_id, self._count_pending()))

    @on(IndexUpdated)
    def _updated(self, message: IndexUpdated) -> None:
        self.pending_records = message.pending
        self.data_changed(message.enterprise_id)

    def data_changed(self, enterprise_id: str | None) -> None:
        """Tell every screen of every mode that data changed."""
        for screen in self._screens():
            screen.post_message(DataChanged(enterprise_id))

    def _screens(self) -> Iterator[Screen[Any]]:
        """The screens on the stacks of the modes opened so far."""
        for mode in self.MODES:
            with contextlib.suppress(KeyError):  # a mode not shown yet has no stack
                yield from self.get_screen_stack(mode)

    # --- failures --------------------------------------------------------------------------------------
    @staticmethod
    def error_text(error: BaseException) -> str:
        """What went wrong, in the current language (with what to do, when the error says it)."""
        # the product's exceptions say themselves in either language (``message(lang)``)
        message = getattr(error, "message", None)
        if callable(message):
            return str(message(language()))
        return str(error) or type(error).__name__

    def report_error(self, error: BaseException) -> None:
        """Say what went wrong in a notification (the app keeps running)."""
        self.notify(self.error_text(error), title=_("Could not finish"), severity="error", timeout=8)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast of every screen comes here: it may name a record or quote a server, so it shows as
        characters (``fieldapp/tui/shown.py``), never markup (*markup* is ignored: no message of ours uses it)."""
        super().notify(
            plain(message, newlines=True),
            title=plain(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # the app's own workers (the load, the settings file); the screens have theirs (screens/base.py)
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.report_error(event.worker.error)

    # --- navigation ------------------------------------------------------------------------------------
    def action_show_mode(self, mode: str) -> None:
        self.show_mode(mode)

    def show_mode(self, mode: str) -> None:
        """Show the first screen of an F-key mode: a detail or form left open over it is closed, as F1–F4
        always show their own screen."""
        self.switch_mode(mode)
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def open_enterprise(self, enterprise_id: str) -> None:
        """Show an enterprise's detail over the current screen (one detail screen per mode, kept installed and
        refilled: much faster than a new one each time)."""
        name = f"detail-{self.current_mode}"
        if not self.is_screen_installed(name):
            self.install_screen(DetailScreen(enterprise_id), name)
        detail = self.get_screen(name, DetailScreen)
        if detail in self.screen_stack:
            while self.screen is not detail:
                self.pop_screen()
            detail.show(enterprise_id)
            return
        if detail.is_mounted:
            detail.show(enterprise_id)
        else:
            detail.enterprise_id = enterprise_id  # shown when it mounts
        self.push_screen(detail)

    def new_visit(self, enterprise_id: str) -> None:
        """Open the visit form for a new visit of an enterprise."""
        self.push_screen(VisitFormScreen(enterprise_id))

    def new_enterprise(self) -> None:
        """Open the enterprise form for a new enterprise; once saved, the home table selects and shows it."""

        def saved(enterprise_id: str | None) -> None:
            if enterprise_id is not None and isinstance(self.screen, HomeScreen):
                self.screen.select_enterprise(enterprise_id)

        self.push_screen(EnterpriseFormScreen(None), saved)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own palette commands, in the app's language (its theme picker is replaced by ours)."""
        yield SystemCommand(_("Quit"), _("Close the app (everything saved is on disk)"), self.action_quit)
        if screen.query("HelpPanel"):
            yield SystemCommand(_("Keys"), _("Hide the keys panel"), self.action_hide_help_panel)
        else:
            yield SystemCommand(_("Keys"), _("Show the keys of this screen"), self.action_show_help_panel)

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(cast(App[object], self)):
            self.push_screen(CommandPalette(id="--command-palette", placeholder=_("Search for commands…")))

    # --- language and theme ----------------------------------------------------------------------------
    def action_switch_language(self) -> None:
        self.switch_language("en" if language() == "vi" else "vi")

    def switch_language(self, lang: Lang) -> None:
        """Show every screen in *lang* at once, and remember it."""
        set_language(lang)
        localise_bindings(self)
        top = self.screen
        for screen in self._screens():
            if isinstance(screen, Relabel):
                screen.relabel(screen is top)
        self.refresh_bindings()
        self.update_setting("language", lang)

    def action_toggle_theme(self) -> None:
        self.toggle_theme()

    def toggle_theme(self) -> None:
        """Switch between the dark and the light theme, and remember it."""
        self.set_theme(THEMES[1] if self.theme == THEMES[0] else THEMES[0])

    def set_theme(self, theme: str) -> None:
        """Use *theme* and remember it."""
        self.theme = theme
        self.update_setting("theme", theme)
        self.data_changed(None)  # badges take their colours from the theme

    def update_setting(self, key: str, value: Any) -> None:
        """Change one setting and save the settings file (in a worker)."""
        self.use_settings(self.settings.updated(key, value))

    def use_settings(self, settings: Settings) -> None:
        """Use *settings* (already checked) from now on and save them (in a worker)."""
        self.settings = settings
        self._save_settings(settings)

    def adopt_identity(self, name: str, full_name: str | None, role: str | None) -> bool:
        """Take the server's word for who this laptop's token is (a sync or a new token asked it); True when
        the settings changed and were saved."""
        current = self.settings
        if (current.cadre, current.full_name, current.role) == (name, full_name, role):
            return False
        self.use_settings(current.with_identity(name, full_name, role))
        return True

    @work(thread=True, exit_on_error=False, group="settings")
    def _save_settings(self, settings: Settings) -> None:
        save_settings(self.data_dir, settings)


if TYPE_CHECKING:

    def _offers_what_screens_need(app: FieldApp) -> AppContext:
        return app  # mypy checks that FieldApp has everything AppContext lists


def create_app(
    store: Store | PendingOpen,
    settings: Settings,
    data_dir: Path,
    rules: Rules,
    today: date | None = None,
    **options: Any,
) -> FieldApp:
    """Build the app on an open *store*, or on one whose lock is held and that the app reads after its first paint
    (``Store.open_later``: the CLI's way); tests pass a tmp folder and a fixed *today*."""
    return FieldApp(store, settings, data_dir, rules, today, **options)
