"""The command palette's commands (Ctrl+P): open an enterprise by name, new visit, language, theme, filters, screens."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, cast

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from fieldapp.core.classify import PRIORITIES, STATUSES
from fieldapp.core.labels import Lang
from fieldapp.core.text import fold
from fieldapp.tui.i18n import _, field, language
from fieldapp.tui.index import COLUMNS, Query
from fieldapp.tui.ports import AppContext
from fieldapp.tui.screens.detail import DetailScreen
from fieldapp.tui.screens.home import HomeScreen
from fieldapp.tui.shown import as_markup, plain, shown
from fieldapp.tui.widgets.badges import priority_label, status_label
from fieldapp.tui.widgets.enterprise_table import column_title

__all__ = ["FieldCommands"]

#: how many enterprises a palette search offers
_ENTERPRISE_HITS = 15


def _highlight(matcher: Matcher, title: str) -> Content:
    """*title* with the letters the query matched highlighted; characters only (``Matcher.highlight`` reads
    markup, and a title may hold a ward's name)."""
    text = plain(title)
    content = Content(text)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets:
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class FieldCommands(Provider):
    """The app's own commands, in the current language."""

    @property
    def fapp(self) -> AppContext:
        """The app, as the screens see it (``self.app`` is Textual's view of it)."""
        return cast(AppContext, self.app)

    def _home(self) -> HomeScreen:
        self.fapp.show_mode("home")
        home = self.app.screen
        if not isinstance(home, HomeScreen):
            raise LookupError("home")  # the home mode's first screen is always the home screen
        return home

    def _filter(self, **changes: Any) -> None:
        home = self._home()
        home.set_query(home.query_state.but(**changes))

    def _due_first(self) -> None:
        home = self._home()
        home.set_query(home.query_state.due_first())

    def _clear(self) -> None:
        home = self._home()
        q = home.query_state
        home.set_query(Query(text=q.text, sort=q.sort, descending=q.descending))

    def _new_visit(self) -> None:
        screen = self.app.screen
        if isinstance(screen, DetailScreen):
            self.fapp.new_visit(screen.enterprise_id)
        elif isinstance(screen, HomeScreen):
            screen.action_new_visit()
        else:
            self.app.notify(_("Choose an enterprise first."), severity="warning")

    def _founding_step(self) -> None:
        screen = self.app.screen
        if isinstance(screen, DetailScreen):
            screen.action_founding_step()
        else:
            self.app.notify(_("Choose an enterprise first."), severity="warning")

    def commands(self) -> Iterator[tuple[str, Callable[[], Any], str]]:
        """(title, callback, help) of every fixed command."""
        app = self.fapp
        other: Lang = "en" if language() == "vi" else "vi"
        yield _("Go to: Enterprises"), partial(app.show_mode, "home"), _("The table of enterprises (F1)")
        yield (
            _("Go to: Follow-ups"),
            partial(app.show_mode, "followups"),
            _("Visits due this week and overdue (F2)"),
        )
        yield _("Go to: Sync"), partial(app.show_mode, "sync"), _("Send and receive records (F3)")
        yield _("Go to: Settings"), partial(app.show_mode, "settings"), _("Name, language, theme, rules (F4)")
        yield (
            _("Go to: Founding pipeline"),
            partial(app.show_mode, "pipeline"),
            _("Founding cases under way by stage, overdue steps marked (F5)"),
        )
        yield (
            _("Founding step"),
            self._founding_step,
            _("Record the next founding step of the chosen enterprise (f)"),
        )
        yield _("New visit"), self._new_visit, _("Log a visit to the chosen enterprise")
        yield _("New enterprise"), app.new_enterprise, _("Add an enterprise")
        yield (
            _("Switch language to English") if other == "en" else _("Switch language to Vietnamese"),
            partial(app.switch_language, other),
            _("Ctrl+L"),
        )
        yield _("Switch light/dark theme"), app.toggle_theme, _("Ctrl+T")
        for status in STATUSES:
            yield _("Filter: {what}", what=status_label(status)), partial(self._filter, status=status), ""
        for priority in PRIORITIES:
            what = _("Priority") + " " + priority_label(priority)
            yield _("Filter: {what}", what=what), partial(self._filter, priority=priority), ""
        yield (
            _("Filter: follow-up due"),
            self._due_first,
            _("Next visit on or before today"),
        )
        for ward in app.index.wards():
            what = f"{field('ward')} {ward}"
            yield _("Filter: {what}", what=what), partial(self._filter, ward=ward), ""
        yield _("Clear filters"), self._clear, ""
        for column in COLUMNS:
            if column != "pending":
                yield (
                    _("Sort by: {column}", column=column_title(column)),
                    partial(self._filter, sort=column, descending=False),
                    "",
                )

    async def discover(self) -> Hits:
        for title, callback, help_text in self.commands():
            if title.startswith(_("Filter: {what}", what="")) and not help_text:
                continue  # keep the first list short; filters show up when searched for
            yield DiscoveryHit(shown(title), callback, text=plain(title), help=as_markup(help_text) or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self.commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    _highlight(matcher, title),
                    callback,
                    text=plain(title),
                    help=as_markup(help_text) or None,
                )
        if len(fold(query)) >= 2 and self.fapp.loaded:
            rows = self.fapp.index.query(Query(text=query))[:_ENTERPRISE_HITS]
            for row in rows:
                title = _("Open: {name}", name=row.name)
                yield Hit(
                    0.5,
                    shown(title),
                    partial(self.fapp.open_enterprise, row.id),
                    text=plain(title),
                    help=as_markup(row.ward) or None,
                )
