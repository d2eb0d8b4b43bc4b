"""Settings: the cadre's name, language, theme, sync server and token, and a read-only view of the rules in use.

Once a token is set and the server said who it is, the name is the server's (shown, not typed): setting a token
asks the server at once (``sync.client.who_am_i``), and every sync asks again.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical, VerticalScroll
from textual.theme import Theme
from textual.widgets import Footer, Input, Label, Select, Static

from fieldapp.core.errors import RecordError
from fieldapp.core.rules import DEFAULT_RULES_FILE, RULE_KEYS, Rules
from fieldapp.settings import Settings, mask_token
from fieldapp.tui.i18n import N_, _, field, language
from fieldapp.tui.messages import DataChanged, TokenChecked
from fieldapp.tui.screens.base import BaseScreen
from fieldapp.tui.shown import VisibleControls, shown
from fieldapp.tui.widgets.badges import THEMES

__all__ = ["SettingsScreen"]

#: each language named in itself, as language pickers do
_LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
#: the server's roles, as a person reads them
_ROLES = {"admin": N_("administrator"), "cadre": N_("cadre"), "viewer": N_("viewer (read only)")}


def identity_line(settings: Settings) -> str | None:
    """Who the server says this laptop is ("Full Name (name), role — from the server"); None until it said."""
    if not (settings.token and settings.role is not None and settings.cadre):
        return None
    role = _(_ROLES[settings.role]) if settings.role in _ROLES else settings.role
    who = f"{settings.full_name} ({settings.cadre})" if settings.full_name else settings.cadre
    return _("{who}, {role} — from the server", who=who, role=role)


def rules_table(rules: Rules) -> Table:
    """Each threshold in effect, its value and where it comes from: the package, the federation (the server's
    rules, from the last sync) or this laptop's own rules.toml, shown as a local override."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(justify="right")
    grid.add_column()
    for key in RULE_KEYS:
        if key in rules.overridden:
            source = Text("⚠ " + _("overridden on this laptop (rules.toml)"), style="bold")
        elif key in rules.federation:
            source = Text(_("the federation's (from the server)"))
        else:
            source = Text(_("package default"), style="dim")
        grid.add_row(field(key), rules.shown(key), source)
    return grid


class SettingsScreen(BaseScreen[None]):
    """Change the cadre's name, language, theme, sync server and token; see the thresholds the verdicts use."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.show_mode('home')", N_("Back"), id="settings.back"),
    ]

    AUTO_FOCUS = "#cadre, #language"

    def __init__(self) -> None:
        super().__init__()
        #: a new token is being checked with the server
        self._asking = False

    def compose(self) -> ComposeResult:
        app = self.fapp
        theme_names = {"textual-dark": _("Dark"), "textual-light": _("Light")}
        with VerticalScroll(id="settings"):
            yield Static(Text(_("Settings"), style="bold"), classes="section")
            with Grid(id="settings-grid"):
                yield Label(field("cadre"))
                with Vertical(classes="field"):
                    yield Input(
                        app.settings.cadre or "",
                        id="cadre",
                        compact=True,
                        placeholder=_("Your name"),
                        highlighter=VisibleControls(),
                    )
                    # the server's name for this laptop, once it said: read only (visits must carry it)
                    yield Static(id="cadre-server", markup=False)
                yield Label(field("language"))
                yield Select(
                    [(name, code) for code, name in _LANGUAGE_NAMES.items()],
                    value=language(),
                    allow_blank=False,
                    id="language",
                    compact=True,
                )
                yield Label(field("theme"))
                theme = self.app.theme if self.app.theme in THEMES else THEMES[0]
                yield Select(
                    [(theme_names[t], t) for t in THEMES],
                    value=theme,
                    allow_blank=False,
                    id="theme",
                    compact=True,
                )
                yield Label(field("server"))
                with Vertical(classes="field"):
                    yield Input(
                        app.settings.server or "",
                        id="server",
                        compact=True,
                        placeholder="https://…",
                        highlighter=VisibleControls(),
                    )
                    yield Static(id="server-error", classes="error", markup=False)
                yield Label(field("token"))
                with Vertical(classes="field"):
                    yield Static(self._token_state(), id="token-state", markup=False)
                    # masked as typed; the stored token is never put in it, so it is never shown in clear
                    yield Input(
                        id="token", password=True, compact=True, placeholder=_("Paste a new token here")
                    )
                    yield Static(id="token-error", classes="error", markup=False)
            yield Static(Text(_("Eligibility rules in use (read-only)"), style="bold"), classes="section")
            yield Static(id="rules")
            yield Static(id="rules-files", markup=False)
            yield Static(_("Data folder: {path}", path=app.data_dir), id="data-dir")
        yield Footer(compact=True)

    @on(Input.Submitted, "#cadre")
    @on(Input.Blurred, "#cadre")
    def _cadre(self, event: Input.Submitted | Input.Blurred) -> None:
        name = event.value.strip()
        if name == (self.fapp.settings.cadre or ""):
            return
        try:
            self.fapp.update_setting("cadre", name)
        except RecordError as exc:
            self.notify(exc.describe(language()), severity="error")
            return
        self.notify(_("Saved."), timeout=2)

    @on(Input.Submitted, "#server")
    @on(Input.Blurred, "#server")
    def _server(self, event: Input.Submitted | Input.Blurred) -> None:
        url = event.value.strip()
        error = self.query_one("#server-error", Static)
        try:
            self.fapp.settings.updated("server", url)  # the rule lives on Settings; nothing is saved here
        except RecordError as exc:
            insecure = [p for p in exc.problems if p.code == "insecure_url"]
            error.update(
                insecure[0].message(language())
                if insecure
                else _("Enter an http:// or https:// address with a host, e.g. https://sync.example.vn")
            )
            error.display = True
            return
        error.display = False
        if url == (self.fapp.settings.server or ""):
            return
        if self._save("server", url):
            self.notify(_("Saved."), timeout=2)

    @on(Input.Submitted, "#token")
    @on(Input.Blurred, "#token")
    def _token(self, event: Input.Submitted | Input.Blurred) -> None:
        token = event.value.strip()
        if not token or self._asking:  # an empty box keeps the stored token
            return
        error = self.query_one("#token-error", Static)
        error.display = False
        if token == self.fapp.settings.token:
            event.input.value = ""
            return
        try:
            candidate = self.fapp.settings.updated("token", token)
        except RecordError as exc:
            self.notify(exc.describe(language()), severity="error")
            return
        if not candidate.server:  # nobody to ask yet: the first sync will
            self.fapp.use_settings(candidate)
            self._token_saved(_("Access token saved."))
            return
        self._asking = True
        self.query_one("#token-state", Static).update(_("asking the server who this token is…"))
        self._ask_server(candidate)

    @work(thread=True, exit_on_error=False, group="token")
    def _ask_server(self, candidate: Settings) -> None:
        """Ask the server who the new token is; move this laptop's pending visits to the name it gives."""
        # imported here: the client and httpx take a while to load
        from sync.client import SyncAuthError, SyncError, adopt_name, who_am_i

        try:
            identity = who_am_i(candidate)
        except SyncAuthError as exc:
            self.post_message(TokenChecked(candidate, None, refused=exc.message(language())))
            return
        except SyncError as exc:
            self.post_message(TokenChecked(candidate, None, unreachable=exc.message(language())))
            return
        if identity is not None:
            adopt_name(self.fapp.store, self.fapp.settings.cadre, identity)
            self.post_message(TokenChecked(candidate, identity.to_dict()))
        else:  # a server too old to say: keep the token and the name typed here
            self.post_message(TokenChecked(candidate, None))

    @on(TokenChecked)
    def _token_checked(self, message: TokenChecked) -> None:
        self._asking = False
        if message.refused is not None:  # the server does not know this token: nothing saved
            self.query_one("#token-state", Static).update(self._token_state())
            error = self.query_one("#token-error", Static)
            error.update(message.refused)
            error.display = True
            return
        settings = message.settings
        identity = message.identity
        if identity is not None:
            settings = settings.with_identity(
                str(identity["name"]), identity.get("full_name"), identity.get("role")
            )
        self.fapp.use_settings(settings)
        if message.unreachable is not None:
            self._token_saved(
                _(
                    "Access token saved. The server could not be asked ({reason}); the next sync will ask who "
                    "this laptop is.",
                    reason=message.unreachable,
                )
            )
        elif identity is not None:
            name = identity.get("full_name") or identity["name"]
            self._token_saved(_("Access token saved. The server says this laptop is {name}'s.", name=name))
        else:
            self._token_saved(_("Access token saved."))

    def _token_saved(self, said: str) -> None:
        self.query_one("#token", Input).value = ""
        self.query_one("#token-state", Static).update(self._token_state())
        self.show_server_facts()
        self.notify(said, timeout=6)

    def _save(self, key: str, value: str) -> bool:
        """Store one setting at once (the Sync screen reads it from the app); say why when it is refused."""
        try:
            self.fapp.update_setting(key, value)
        except RecordError as exc:
            self.notify(exc.describe(language()), severity="error")
            return False
        return True

    def _token_state(self) -> str:
        token = self.fapp.settings.token
        if not token:
            return _("not set")
        return _("set ({masked})", masked=mask_token(token) or "")

    @on(Select.Changed, "#language")
    def _language(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != language():
            self.fapp.switch_language(event.value)  # type: ignore[arg-type]

    @on(Select.Changed, "#theme")
    def _theme(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.app.theme:
            self.fapp.set_theme(event.value)

    def on_mount(self) -> None:
        # the screen stays while the app runs (a mode): Ctrl+T or the palette may change the theme elsewhere
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self.show_server_facts()

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        # a sync may have changed who this laptop is and the rules (Textual also runs the base's handler)
        self.show_server_facts()

    @on(DataChanged)
    def _data_changed(self) -> None:
        self.show_server_facts()

    def show_server_facts(self) -> None:
        """What the server decides: who this laptop is, and the rules in effect with each one's source."""
        app = self.fapp
        who = identity_line(app.settings)
        cadre = self.query_one("#cadre", Input)
        server_name = self.query_one("#cadre-server", Static)
        cadre.display = who is None
        cadre.disabled = who is not None  # hidden and out of the focus chain
        server_name.display = who is not None
        if who is not None:
            server_name.update(shown(who))  # names are data
        elif not cadre.has_focus:
            cadre.value = app.settings.cadre or ""
        self.query_one("#rules", Static).update(rules_table(app.rules))
        files = "\n".join(
            _("built-in defaults (fieldapp/core/rules.toml)") if path == DEFAULT_RULES_FILE else str(path)
            for path in app.rules.sources
        )
        self.query_one("#rules-files", Static).update(_("Read from:") + "\n" + files)

    def _theme_changed(self, theme: Theme) -> None:
        for select in self.query("#theme").results(Select):
            if theme.name in THEMES and select.value != theme.name:
                select.value = theme.name

    def after_rebuild(self) -> None:
        self.query_one("#language").focus()
