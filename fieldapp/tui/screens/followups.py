"""Follow-ups: the visits due this week and the overdue ones, grouped by ward."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Static

from fieldapp.core.text import fold
from fieldapp.tui.i18n import N_, _, field
from fieldapp.tui.index import Row
from fieldapp.tui.messages import DataChanged
from fieldapp.tui.screens.base import BaseScreen
from fieldapp.tui.shown import shown
from fieldapp.tui.widgets.badges import status_badge

__all__ = ["FollowUpsScreen", "group_followups", "week_end"]


def week_end(today: date) -> date:
    """The Sunday ending *today*'s week (Monday to Sunday)."""
    return today + timedelta(days=6 - today.weekday())


def group_followups(rows: list[Row], today: date) -> list[tuple[str, list[Row]]]:
    """(ward, rows) pairs for visits due by the end of this week, wards in alphabetical order, oldest due first."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        groups[row.ward].append(row)
    ordered = sorted(groups.items(), key=lambda item: (item[0] == "", fold(item[0])))
    return [(ward, sorted(found, key=lambda r: (r.next_due or today, r.name_key))) for ward, found in ordered]


class FollowUpsScreen(BaseScreen[None]):
    """Who to visit this week, ward by ward."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.show_mode('home')", N_("Back"), id="followups.back"),
        Binding("n", "new_visit", N_("Log visit"), id="followups.new_visit"),
    ]

    AUTO_FOCUS = "#followups"

    def compose(self) -> ComposeResult:
        today = self.fapp.today
        until = week_end(today)
        yield Static(
            Text(_("Follow-ups due by {day} (this week) and overdue", day=until.isoformat()), style="bold"),
            id="followups-title",
        )
        table: DataTable[str | Text] = DataTable(id="followups", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.fill()

    def on_resize(self) -> None:
        self.fill()

    def after_rebuild(self) -> None:
        self.fill()

    def fill(self) -> None:
        app = self.fapp
        table = self.query_one("#followups", DataTable)
        table.clear(columns=True)
        # the name takes what the date and the badge leave (cell padding and the scrollbar included)
        name_width = max(20, self.size.width - 12 - 19 - 8)
        table.add_column(_("Due"), key="due", width=12)
        table.add_column(field("name"), key="name", width=name_width)
        table.add_column(_("Verdict"), key="status", width=19)
        if not app.loaded:
            return
        today = app.today
        groups = group_followups(app.index.due(week_end(today)), today)
        total = sum(len(rows) for _ward, rows in groups)
        if not groups:
            table.add_row("", Text(_("Nothing due this week."), style="dim"), "", key="none")
        for ward, rows in groups:
            heading = shown((ward or _("(no ward)")) + f" — {len(rows)}", style="bold")
            table.add_row("", heading, "", key=f"ward:{ward}")
            for row in rows:
                due = row.next_due or today
                late = due < today
                label = Text(due.isoformat(), style="bold red" if late else "")
                if late:
                    label.append(" !")
                table.add_row(
                    label, shown("  " + row.name), status_badge(self.app, row.status, 19), key=row.id
                )
        self.sub_title = str(total)

    @on(DataChanged)
    def _data_changed(self) -> None:
        self.fill()

    def _selected(self) -> str | None:
        table = self.query_one("#followups", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None if key is None or key.startswith("ward:") or key == "none" else str(key)

    @on(DataTable.RowSelected)
    def _open(self) -> None:
        selected = self._selected()
        if selected is not None:
            self.fapp.open_enterprise(selected)

    def action_new_visit(self) -> None:
        selected = self._selected()
        if selected is not None:
            self.fapp.new_visit(selected)
