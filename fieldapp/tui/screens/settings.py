"""Settings: the cadre's name, language and theme, and a read-only view of the eligibility rules in use."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.widgets import Footer, Input, Label, Select, Static

from fieldapp.core.errors import RecordError
from fieldapp.core.rules import DEFAULT_RULES_FILE, RULE_KEYS
from fieldapp.tui.app import THEMES
from fieldapp.tui.i18n import N_, _, field, language
from fieldapp.tui.screens.base import BaseScreen

__all__ = ["SettingsScreen"]

#: each language named in itself, as language pickers do
_LANGUAGE_NAMES = {"vi": "Tiếng Việt", "en": "English"}


class SettingsScreen(BaseScreen[None]):
    """Change the cadre's name, language and theme; see the thresholds the verdicts use."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.show_home", N_("Back"), id="settings.back"),
    ]

    AUTO_FOCUS = "#cadre"

    def compose(self) -> ComposeResult:
        app = self.fapp
        theme_names = {"textual-dark": _("Dark"), "textual-light": _("Light")}
        with VerticalScroll(id="settings"):
            yield Static(Text(_("Settings"), style="bold"), classes="section")
            with Grid(id="settings-grid"):
                yield Label(field("cadre"))
                yield Input(app.settings.cadre or "", id="cadre", compact=True, placeholder=_("Your name"))
                yield Label(field("language"))
                yield Select(
                    [(name, code) for code, name in _LANGUAGE_NAMES.items()],
                    value=language(),
                    allow_blank=False,
                    id="language",
                    compact=True,
                )
                yield Label(field("theme"))
                theme = app.theme if app.theme in THEMES else THEMES[0]
                yield Select(
                    [(theme_names[t], t) for t in THEMES],
                    value=theme,
                    allow_blank=False,
                    id="theme",
                    compact=True,
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

    @on(Select.Changed, "#language")
    def _language(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != language():
            self.fapp.switch_language(event.value)  # type: ignore[arg-type]

    @on(Select.Changed, "#theme")
    def _theme(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.fapp.theme:
            self.fapp.set_theme(event.value)

    def after_rebuild(self) -> None:
        self.query_one("#language").focus()
