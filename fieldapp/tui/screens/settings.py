"""Settings: the cadre's name, language, theme, sync server and token, and a read-only view of the rules in use."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical, VerticalScroll
from textual.theme import Theme
from textual.widgets import Footer, Input, Label, Select, Static

from fieldapp.core.errors import RecordError
from fieldapp.core.rules import DEFAULT_RULES_FILE, RULE_KEYS
from fieldapp.settings import mask_token
from fieldapp.tui.i18n import N_, _, field, language
from fieldapp.tui.screens.base import BaseScreen
from fieldapp.tui.shown import VisibleControls
from fieldapp.tui.widgets.badges import THEMES

__all__ = ["SettingsScreen"]

#: each language named in itself, as language pickers do
_LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


class SettingsScreen(BaseScreen[None]):
    """Change the cadre's name, language, theme, sync server and token; see the thresholds the verdicts use."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.show_mode('home')", N_("Back"), id="settings.back"),
    ]

    AUTO_FOCUS = "#cadre"

    def compose(self) -> ComposeResult:
        app = self.fapp
        theme_names = {"textual-dark": _("Dark"), "textual-light": _("Light")}
        with VerticalScroll(id="settings"):
            yield Static(Text(_("Settings"), style="bold"), classes="section")
            with Grid(id="settings-grid"):
                yield Label(field("cadre"))
                yield Input(
                    app.settings.cadre or "",
                    id="cadre",
                    compact=True,
                    placeholder=_("Your name"),
                    highlighter=VisibleControls(),
                )
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
            yield Static(Text(_("Eligibility rules in use (read-only)"), style="bold"), classes="section")
            with Grid(id="rules-grid"):
                values = app.rules.values()
                for key in RULE_KEYS:
                    mark = " *" if key in app.rules.overridden else ""
                    yield Label(field(key))
                    yield Static(f"{values[key]}{mark}", classes="rule-value")
            files = "\n".join(
                _("built-in defaults (fieldapp/core/rules.toml)") if path == DEFAULT_RULES_FILE else str(path)
                for path in app.rules.sources
            )
            yield Static(_("Read from:") + "\n" + files, id="rules-files")
            if app.rules.overridden:
                yield Static(_("* changed by the data folder's rules.toml"), id="rules-note")
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
        if not token:  # an empty box keeps the stored token
            return
        if token != self.fapp.settings.token and not self._save("token", token):
            return
        event.input.value = ""
        self.query_one("#token-state", Static).update(self._token_state())
        self.notify(_("Access token saved."), timeout=2)

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

    def _theme_changed(self, theme: Theme) -> None:
        for select in self.query("#theme").results(Select):
            if theme.name in THEMES and select.value != theme.name:
                select.value = theme.name

    def after_rebuild(self) -> None:
        self.query_one("#language").focus()
