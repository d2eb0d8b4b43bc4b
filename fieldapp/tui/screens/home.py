"""Enterprises (home): search as you type, quick filters, sort by any column, status counts, pending records."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Footer, Input, Static

from fieldapp.core.classify import PRIORITIES, STATUSES
from fieldapp.tui.i18n import N_, _, field
from fieldapp.tui.index import COLUMNS, Query, Row
from fieldapp.tui.messages import DataChanged
from fieldapp.tui.screens.base import BaseScreen
from fieldapp.tui.screens.ward_picker import WardPicker
from fieldapp.tui.shown import VisibleControls, shown
from fieldapp.tui.widgets.badges import priority_label, status_badge, status_label
from fieldapp.tui.widgets.enterprise_table import WIDE, EnterpriseTable, column_title
from fieldapp.tui.widgets.search_box import SearchBox

__all__ = ["HomeScreen"]


def _cycle(options: list[str | None], current: str | None) -> str | None:
    return options[(options.index(current) + 1) % len(options)] if current in options else options[0]


class HomeScreen(BaseScreen[None]):
    """The table of enterprises with their verdicts."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", N_("Search"), id="home.search"),
        Binding("n", "new_visit", N_("Visit"), id="home.new_visit"),
        Binding("a", "new_enterprise", N_("New"), id="home.new_enterprise"),
        Binding("s", "cycle_status", N_("Status"), id="home.filter_status"),
        Binding("p", "cycle_priority", N_("Priority"), id="home.filter_priority", show=False),
        Binding("w", "pick_ward", N_("Ward"), id="home.filter_ward", show=False),
        Binding("d", "toggle_due", N_("Due"), id="home.filter_due", show=False),
        Binding("x", "clear_filters", N_("Clear filters"), id="home.clear", show=False),
        Binding("o", "cycle_sort", N_("Sort"), id="home.sort"),
        Binding("t", "sort_next_visit", N_("Sort by next visit"), id="home.sort_next_visit", show=False),
        Binding("r", "reverse_sort", N_("Reverse sort"), id="home.reverse", show=False),
        # the app's screen keys work everywhere; the home footer is where a newcomer learns them
        Binding("f2", "app.show_mode('followups')", N_("Follow-ups"), id="home.followups"),
        Binding("f3", "app.show_mode('sync')", N_("Sync"), id="home.sync"),
    ]

    AUTO_FOCUS = "#enterprises"

    def __init__(self) -> None:
        super().__init__()
        self.query_state = Query()
        self.matches: list[Row] = []
        #: the text each status line shows now, by widget (a recompose makes new ones)
        self._lines: dict[str, tuple[Static, Text]] = {}

    # --- layout ----------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield SearchBox(
            self._search_text,
            value=self.query_state.text,
            placeholder=_("Search name, tax code, address or ward (accents optional)"),
            id="search",
            compact=True,
            highlighter=VisibleControls(),
        )
        yield Static(id="counts")
        with Horizontal(id="filterbar"):
            yield Static(id="filters")
            yield Static(id="pager")
        yield EnterpriseTable(id="enterprises")
        yield Static(_("Loading and classifying enterprises…"), id="loading")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.after_rebuild()

    def after_rebuild(self) -> None:
        self.query_one(EnterpriseTable).wide = None  # the column titles are in the new language
        self.refill(keep_cursor=False)
        self.query_one(EnterpriseTable).focus()
        # a rebuilt table gets its columns before it is laid out (a width of 0: the name cut at 30 cells and the
        # rest of each line blank); measure again once it has its width, whether or not a Resize reaches it
        self.call_after_refresh(self.on_resize)

    @property
    def table(self) -> EnterpriseTable:
        return self.query_one(EnterpriseTable)

    # --- filling ---------------------------------------------------------------------------------------
    def refill(self, keep_cursor: bool = True, *, select: str | None = None) -> None:
        """Run the query again and show the matches (the cursor on enterprise *select* when given)."""
        app = self.fapp
        self.query_one("#loading").display = not app.loaded
        if not app.loaded:
            return
        self.matches = app.index.query(self.query_state)
        table = self.table
        selected = select or (self.selected_id() if keep_cursor else None)
        q = self.query_state
        wide = self.size.width >= WIDE
        if table.wide != wide or table.sorted_by != (q.sort, q.descending):
            table.set_columns(wide, q.sort, q.descending)
        table.show(self.matches, app.today, keep=selected)
        self._show_pager(*table.view)
        self.show_counts()
        self.show_filters()

    def _put(self, selector: str, text: Text) -> None:
        """Show *text* in the line *selector*, if it changed; the screen is laid out again only when its width
        changed (a keystroke changes the count of matches, rarely the number of its digits)."""
        static = self.query_one(selector, Static)
        old = self._lines.get(selector)
        if old is not None and old[0] is static and old[1] == text:
            return
        static.update(text, layout=old is None or old[0] is not static or old[1].cell_len != text.cell_len)
        self._lines[selector] = (static, text)

    def _show_pager(self, first: int, last: int, total: int) -> None:
        if total:
            pager = _("rows {first}–{last} of {total}", first=first, last=last, total=total)
        elif self.fapp.loaded and not len(self.fapp.index):
            # a newcomer's first start: say how to begin rather than "nothing matches"
            pager = _("no enterprises yet: press a to add one, or run fieldapp demo")
        else:
            pager = _("no enterprise matches")
        pending = self.fapp.pending_records
        self._put(
            "#pager",
            Text(pager + "  ").append(_("⟳ {n} to sync", n=pending), style="bold" if pending else "dim"),
        )

    @on(EnterpriseTable.Viewed)
    def _viewed(self, event: EnterpriseTable.Viewed) -> None:
        self._show_pager(event.first, event.last, event.total)

    def show_counts(self) -> None:
        counts = self.fapp.index.counts()
        line = Text()
        for status in STATUSES:
            line.append_text(status_badge(self.app, status))
            line.append(f" {counts.get(status, 0)}  ")
        self._put("#counts", line)

    def show_filters(self) -> None:
        q = self.query_state
        parts = []
        if q.status:
            parts.append(status_label(q.status))
        if q.priority:
            parts.append(_("Priority") + f": {priority_label(q.priority)}")
        if q.ward:
            parts.append(f"{field('ward')}: {q.ward}")
        if q.due_only:
            parts.append(_("follow-up due"))
        listed = ", ".join(parts) if parts else _("all")
        line = _("Filter") + f": {listed}"
        if q.sort not in self.table.shown_columns:  # its title, which carries the mark, is scrolled away
            line += "  " + _("Sort") + f": {column_title(q.sort)} {'▼' if q.descending else '▲'}"
        self._put("#filters", shown(line))  # a ward is data

    def on_resize(self) -> None:
        if self.fapp.loaded:
            q = self.query_state
            self.table.set_columns(self.size.width >= WIDE, q.sort, q.descending)
            self.show_filters()  # the sort is named there while its column is off screen

    @on(DataChanged)
    def _data_changed(self, _message: DataChanged) -> None:
        self.refill()

    def select_enterprise(self, enterprise_id: str) -> None:
        """Put the cursor on *enterprise_id* and scroll it into view; a search or filter that hides it is
        cleared (the sort stays), so a new enterprise is seen at once."""
        if enterprise_id not in self.fapp.index.rows:
            return
        q = self.query_state
        if not any(row.id == enterprise_id for row in self.fapp.index.query(q)):
            self.query_state = Query(sort=q.sort, descending=q.descending)
            search = self.query_one("#search", Input)
            search.value = ""  # the query has no text already: the box does not refill the table
            self.notify(_("Search and filters cleared to show the new enterprise."), timeout=4)
        self.refill(select=enterprise_id)
        self.table.focus()

    def selected_id(self) -> str | None:
        """The id of the enterprise under the cursor, if any."""
        row = self.table.selected()
        return row.id if row is not None else None

    # --- events ----------------------------------------------------------------------------------------
    def _search_text(self, text: str) -> None:
        """The search box's text changed (called by the box itself, in the same frame)."""
        if text != self.query_state.text:  # unchanged when the box is emptied for a new enterprise
            self.query_state = self.query_state.but(text=text)
            self.refill(keep_cursor=False)

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.table.focus()

    def key_escape(self) -> None:
        if self.query_one("#search", Input).has_focus:
            self.table.focus()

    @on(EnterpriseTable.Selected)
    def _open(self, event: EnterpriseTable.Selected) -> None:
        self.fapp.open_enterprise(event.enterprise_id)

    @on(EnterpriseTable.HeaderClicked)
    def _sort_by_header(self, event: EnterpriseTable.HeaderClicked) -> None:
        column = event.column
        q = self.query_state
        self.set_query(q.but(sort=column, descending=not q.descending if q.sort == column else False))

    def set_query(self, query: Query) -> None:
        """Show the table for *query* from its first row."""
        self.query_state = query
        self.refill(keep_cursor=False)

    # --- actions ---------------------------------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_new_visit(self) -> None:
        selected = self.selected_id()
        if selected is None:
            self.notify(_("Choose an enterprise first."), severity="warning")
        else:
            self.fapp.new_visit(selected)

    def action_new_enterprise(self) -> None:
        self.fapp.new_enterprise()

    def action_cycle_status(self) -> None:
        options: list[str | None] = [None, *STATUSES]
        self.set_query(self.query_state.but(status=_cycle(options, self.query_state.status)))

    def action_cycle_priority(self) -> None:
        options: list[str | None] = [None, *PRIORITIES]
        self.set_query(self.query_state.but(priority=_cycle(options, self.query_state.priority)))

    def action_pick_ward(self) -> None:
        """Choose the ward from a list searched as you type (there are about 40: cycling took too long)."""

        def picked(ward: str | None) -> None:
            if ward is not None:  # None: cancelled, nothing changes
                self.set_query(self.query_state.but(ward=ward or None))

        self.app.push_screen(WardPicker(self.fapp.index.wards(), self.query_state.ward), picked)

    def action_toggle_due(self) -> None:
        """Only the follow-ups due, soonest (most overdue) first: the order they are worked through in."""
        q = self.query_state
        if q.due_only:
            self.set_query(q.but(due_only=False))
        else:
            self.set_query(q.due_first())

    def action_clear_filters(self) -> None:
        q = self.query_state
        self.set_query(Query(text=q.text, sort=q.sort, descending=q.descending))

    def action_cycle_sort(self) -> None:
        # the columns on screen, left to right: the sorted column's title, with its mark, is always in sight
        q = self.query_state
        columns = [c for c in self.table.shown_columns if c in COLUMNS] or list(COLUMNS)
        following = columns[(columns.index(q.sort) + 1) % len(columns)] if q.sort in columns else columns[0]
        self.set_query(q.but(sort=following, descending=False))

    def action_sort_next_visit(self) -> None:
        """Soonest next visit first (the overdue ones lead); pressed again, the other way round."""
        q = self.query_state
        self.set_query(q.but(sort="next_due", descending=not q.descending if q.sort == "next_due" else False))

    def action_reverse_sort(self) -> None:
        self.set_query(self.query_state.but(descending=not self.query_state.descending))
