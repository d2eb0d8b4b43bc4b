"""The terminal app: built by ``create_app`` from an open store, the settings, the data folder and the rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from fieldapp.core.errors import RecordError
from fieldapp.core.labels import Lang
from fieldapp.core.rules import Rules
from fieldapp.settings import Settings, save_settings
from fieldapp.tui.commands import FieldCommands
from fieldapp.tui.i18n import N_, _, language, set_language
from fieldapp.tui.index import EnterpriseIndex
from fieldapp.tui.localise import localise_bindings

if TYPE_CHECKING:
    from fieldapp.store import Store

__all__ = ["THEMES", "FieldApp", "create_app"]

_HERE = Path(__file__).parent
#: the themes the settings screen offers (Textual's built-in ones), dark first
THEMES: tuple[str, ...] = ("textual-dark", "textual-light")


class FieldApp(App[None], inherit_bindings=False):
    """Enterprises, visits and CĐCS eligibility for one cadre, offline."""

    TITLE = "fieldapp"
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        _HERE / "app.tcss",
        _HERE / "screens" / "screens.tcss",
        _HERE / "screens" / "forms.tcss",
    ]
    COMMANDS = App.COMMANDS | {FieldCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", N_("Quit"), id="app.quit", priority=True, show=False),
        Binding("f1", "show_home", N_("Enterprises"), id="app.home", show=False),
        Binding("f2", "show_followups", N_("Follow-ups"), id="app.followups", show=False),
        Binding("f3", "show_sync", N_("Sync"), id="app.sync", show=False),
        Binding("f4", "show_settings", N_("Settings"), id="app.settings", show=False),
        Binding("ctrl+l", "switch_language", N_("Language"), id="app.language", show=False),
        Binding("ctrl+t", "toggle_theme", N_("Light/dark theme"), id="app.theme", show=False),
        Binding("ctrl+p", "command_palette", N_("Commands"), id="app.palette", show=False, priority=True),
    ]

    class DataChanged(Message):
        """The index changed (loaded, or an enterprise was saved); screens showing data refresh."""

        def __init__(self, enterprise_id: str | None) -> None:
            self.enterprise_id = enterprise_id
            super().__init__()

    def __init__(
        self,
        store: Store,
        settings: Settings,
        data_dir: Path,
        rules: Rules,
        today: date | None = None,
        *,
        cursor_blink: bool = True,
        sync_client_factory: Callable[[Store, Settings], Any] | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.settings = settings
        self.data_dir = Path(data_dir)
        self.rules = rules
        self.today = today or date.today()
        self.cursor_blink = cursor_blink
        self.sync_client_factory = sync_client_factory
        self.index = EnterpriseIndex(rules, self.today)
        self.loaded = False
        self.pending_records = 0
        #: why the last sync attempt of this session failed (None: it did not, or none yet); the Sync screen is
        #: rebuilt on each visit, so the app keeps it until the next attempt
        self.sync_failure: BaseException | None = None
        set_language(settings.language)
        localise_bindings(self)
        self.theme = settings.theme if settings.theme in self.available_themes else THEMES[0]

    # --- start -----------------------------------------------------------------------------------------
    def on_mount(self) -> None:
        from fieldapp.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        self.load_index()

    @work(thread=True, exit_on_error=False, group="load")
    def load_index(self) -> None:
        """Classify every enterprise once (a worker: 20,000 take a moment)."""
        self.reload_index()

    def reload_index(self) -> None:
        """Read and classify everything again, then tell the screens (call from a worker thread)."""
        self.index.load(self.store.enterprises(), self.store.visits())
        pending = self._count_pending()
        self.call_from_thread(self._loaded, pending)

    def _loaded(self, pending: int) -> None:
        self.loaded = True
        self.pending_records = pending
        self.data_changed(None)
        # once the table is on screen, get the search text ready before the first keystroke
        self.set_timer(0.1, self._prepare_search)

    @work(thread=True, exit_on_error=False, group="load")
    def _prepare_search(self) -> None:
        self.index.prepare_search()

    def _count_pending(self) -> int:
        counts = self.store.counts()
        return int(counts.get("pending_enterprises", 0)) + int(counts.get("pending_visits", 0))

    # --- data changes ----------------------------------------------------------------------------------
    def reindex(self, enterprise_id: str) -> None:
        """Classify one enterprise again from the store (call from a worker thread after a save)."""
        enterprise = self.store.get_enterprise(enterprise_id)
        if enterprise is None:
            self.index.remove(enterprise_id)
        else:
            self.index.update(enterprise, self.store.visits_of(enterprise_id))
        self.pending_records = self._count_pending()

    def data_changed(self, enterprise_id: str | None) -> None:
        """Tell every screen on the stack that data changed."""
        message_screens = list(self.screen_stack)
        for screen in message_screens:
            screen.post_message(self.DataChanged(enterprise_id))

    # --- failures --------------------------------------------------------------------------------------
    @staticmethod
    def error_text(error: BaseException) -> str:
        """What went wrong, in the current language (with what to do, when the error says it)."""
        if isinstance(error, RecordError):
            return error.describe(language())
        if callable(getattr(error, "message", None)):  # SyncError and friends carry both languages
            return str(error.message(language()))  # type: ignore[attr-defined]
        return str(error) or type(error).__name__

    def report_error(self, error: BaseException) -> None:
        """Say what went wrong in a notification (the app keeps running)."""
        self.notify(
            self.error_text(error), title=_("Could not finish"), severity="error", timeout=8, markup=False
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.report_error(event.worker.error)

    # --- navigation ------------------------------------------------------------------------------------
    def _go(self, screen_type: type) -> None:
        # one instance of each top-level screen on the stack: going to it pops back down to it
        for index, screen in enumerate(self.screen_stack):
            if type(screen) is screen_type:
                while len(self.screen_stack) > index + 1:
                    self.pop_screen()
                return
        self.push_screen(screen_type())

    def action_show_home(self) -> None:
        from fieldapp.tui.screens.home import HomeScreen

        self._go(HomeScreen)

    def action_show_followups(self) -> None:
        from fieldapp.tui.screens.followups import FollowUpsScreen

        self._go(FollowUpsScreen)

    def action_show_settings(self) -> None:
        from fieldapp.tui.screens.settings import SettingsScreen

        self._go(SettingsScreen)

    def action_show_sync(self) -> None:
        from fieldapp.tui.screens.sync import SyncScreen

        self._go(SyncScreen)

    def open_enterprise(self, enterprise_id: str) -> None:
        """Show an enterprise's detail (one detail screen, kept installed and refilled: much faster than a new one)."""
        from fieldapp.tui.screens.detail import DetailScreen

        if not self.is_screen_installed("detail"):
            self.install_screen(DetailScreen(enterprise_id), "detail")
        detail = cast(DetailScreen, self.get_screen("detail"))
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
        from fieldapp.tui.screens.visit_form import VisitFormScreen

        self.push_screen(VisitFormScreen(enterprise_id))

    def new_enterprise(self) -> None:
        """Open the enterprise form for a new enterprise."""
        from fieldapp.tui.screens.enterprise_form import EnterpriseFormScreen

        self.push_screen(EnterpriseFormScreen(None))

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
        for screen in self.screen_stack:
            relabel = getattr(screen, "relabel", None)
            if relabel is not None:
                relabel(screen is top)
        self.refresh_bindings()
        self.update_setting("language", lang)

    def action_toggle_theme(self) -> None:
        self.set_theme(THEMES[1] if self.theme == THEMES[0] else THEMES[0])

    def set_theme(self, theme: str) -> None:
        """Use *theme* and remember it."""
        self.theme = theme
        self.update_setting("theme", theme)
        self.data_changed(None)  # badges take their colours from the theme

    def update_setting(self, key: str, value: Any) -> None:
        """Change one setting and save the settings file (in a worker)."""
        self.settings = self.settings.updated(key, value)
        self._save_settings(self.settings)

    @work(thread=True, exit_on_error=False, group="settings")
    def _save_settings(self, settings: Settings) -> None:
        save_settings(self.data_dir, settings)


def create_app(
    store: Store,
    settings: Settings,
    data_dir: Path,
    rules: Rules,
    today: date | None = None,
    **options: Any,
) -> FieldApp:
    """Build the app on an open *store* (tests pass a tmp folder and a fixed *today*)."""
    return FieldApp(store, settings, data_dir, rules, today, **options)
