"""Follow-ups: the visits due this week and the overdue ones, soonest (most overdue) first, with where to go; then
the founding steps overdue or due within 3 working days."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Static

from fieldapp.core.classify import Classification
from fieldapp.core.text import fold
from fieldapp.tui.i18n import N_, _, field
from fieldapp.tui.index import Row
from fieldapp.tui.messages import DataChanged
from fieldapp.tui.screens.base import BaseScreen
from fieldapp.tui.shown import shown
from fieldapp.tui.widgets.badges import status_badge
from fieldapp.tui.widgets.founding import DueStep, due_founding_steps, mark_text, step_name

__all__ = ["FollowUpsScreen", "by_due_date", "is_mine", "place", "week_end"]

#: the key of a founding step's row starts with this
_FOUNDING_KEY = "founding:"


def week_end(today: date) -> date:
    """The Sunday ending *today*'s week (Monday to Sunday)."""
    return today + timedelta(days=6 - today.weekday())


def by_due_date(rows: list[Row], today: date) -> list[Row]:
    """*rows* soonest due first: the most overdue lead; ties by name, so the order never depends on the store."""
    return sorted(rows, key=lambda r: (r.next_due or today, r.name_key, r.id))


def is_mine(row: Row, classification: Classification | None, cadre: str) -> bool:
    """Whether *cadre* follows this enterprise up: the latest visit was theirs, or the enterprise is assigned to
    them."""
    visit = classification.visit if classification is not None else None
    if visit is not None and visit.cadre == cadre:
        return True
    return row.enterprise is not None and row.enterprise.assigned_to == cadre


def place(row: Row) -> str:
    """Where to go: the street address, then the ward (what a cadre plans a route with)."""
    address = row.enterprise.address if row.enterprise is not None else ""
    if row.ward and fold(row.ward) in fold(address):  # many addresses already end with the ward
        return address
    return ", ".join(part for part in (address, row.ward) if part)


class FollowUpsScreen(BaseScreen[None]):
    """Who to visit this week, soonest first, with the address."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.show_mode('home')", N_("Back"), id="followups.back"),
        Binding("n", "new_visit", N_("Log visit"), id="followups.new_visit"),
        Binding("m", "toggle_mine", N_("Mine/all"), id="followups.mine"),
    ]

    AUTO_FOCUS = "#followups"

    def __init__(self) -> None:
        super().__init__()
        #: only the cadre's own enterprises; None until the screen first fills (then on when the cadre is known)
        self.mine: bool | None = None

    def compose(self) -> ComposeResult:
        today = self.fapp.today
        until = week_end(today)
        yield Static(
            Text(_("Follow-ups due by {day} (this week) and overdue", day=until.isoformat()), style="bold"),
            id="followups-title",
        )
        yield Static(id="followups-count")
        table: DataTable[str | Text] = DataTable(id="followups", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.fill()

    def on_resize(self) -> None:
        self.fill()

    def after_rebuild(self) -> None:
        self.fill()

    def listed(self) -> list[Row]:
        """The rows shown: due by the end of the week, only the cadre's own when "mine" is on, soonest first."""
        app = self.fapp
        today = app.today
        rows = app.index.due(week_end(today))
        cadre = app.settings.cadre
        if self.mine is None:
            self.mine = bool(cadre)
        if self.mine and cadre:
            rows = [r for r in rows if is_mine(r, app.index.classes.get(r.id), cadre)]
        return by_due_date(rows, today)

    def founding_due(self) -> list[DueStep]:
        """The founding steps overdue or due within 3 working days, soonest first (only the cadre's own
        enterprises when "mine" is on, as for the visits)."""
        app = self.fapp
        due = due_founding_steps(app.store.founding_cases(), app.rules, app.today)
        cadre = app.settings.cadre
        if self.mine and cadre:
            rows = app.index.rows
            due = [
                d
                for d in due
                if d.case.enterprise_id in rows
                and is_mine(rows[d.case.enterprise_id], app.index.classes.get(d.case.enterprise_id), cadre)
            ]
        return due

    def fill(self) -> None:
        app = self.fapp
        table = self.query_one("#followups", DataTable)
        table.clear(columns=True)
        # the name and the address share what the date and the badge leave (cell padding and the scrollbar
        # included); the address is what a route is planned with, so it keeps a fair share on a narrow screen
        rest = max(40, self.size.width - 12 - 19 - 10)
        name_width = rest * 11 // 20
        table.add_column(_("Due"), key="due", width=12)
        table.add_column(field("name"), key="name", width=name_width)
        table.add_column(field("address"), key="address", width=rest - name_width)
        table.add_column(_("Verdict"), key="status", width=19)
        if (
            not app.loaded or app.previewing
        ):  # a follow-up is the cadre's: that needs the enterprises themselves
            return
        today = app.today
        rows = self.listed()
        for row in rows:
            due = row.next_due or today
            late = due < today
            label = Text(due.isoformat(), style="bold red" if late else "")
            if late:
                label.append(" !")
            table.add_row(
                label, shown(row.name), shown(place(row)), status_badge(self.app, row.status, 19), key=row.id
            )
        steps = self.founding_due()
        if not rows and not steps:
            table.add_row("", Text(_("Nothing due this week."), style="dim"), "", "", key="none")
        if steps:
            heading = Text(_("Founding steps") + ":", style="bold")
            table.add_row(Text("──", style="dim"), heading, "", "", key="none-founding")
        for step in steps:
            self._founding_row(table, step)
        self.show_count(len(rows), len(steps))
        self.sub_title = str(len(rows) + len(steps))

    def _founding_row(self, table: DataTable[str | Text], step: DueStep) -> None:
        app = self.fapp
        row = app.index.rows.get(step.case.enterprise_id)
        overdue = step.status.overdue
        label = Text(step.due_on.isoformat(), style="bold red" if overdue else "bold")
        if overdue:
            label.append(" !")
        what = Text(step_name(step.status.step) + " — ", no_wrap=True, overflow="ellipsis")
        what.append_text(mark_text(step.status))
        name = shown(row.name if row is not None else "?", no_wrap=True, overflow="ellipsis")
        # a key per step: one enterprise may have two due (the BCH meeting and the dossier)
        key = f"{_FOUNDING_KEY}{step.case.enterprise_id}:{step.status.step.value}"
        table.add_row(label, name, what, status_badge(self.app, row.status, 19) if row else "", key=key)

    def show_count(self, total: int, founding: int = 0) -> None:
        cadre = self.fapp.settings.cadre
        if self.mine and cadre:
            line = _("{count} due — yours (your last visit or assigned to you). m: everyone's", count=total)
        elif cadre:
            line = _("{count} due — everyone's. m: only yours", count=total)
        else:
            line = _("{count} due — everyone's (set your name in Settings to see only yours)", count=total)
        if founding:
            line += " · " + _("{n} founding steps", n=founding)
        self.query_one("#followups-count", Static).update(shown(line))

    def action_toggle_mine(self) -> None:
        if not self.fapp.settings.cadre:
            self.notify(
                _('Set your name in Settings (F4) first: "mine" means your visits.'), severity="warning"
            )
            return
        self.mine = not self.mine
        self.fill()

    @on(DataChanged)
    def _data_changed(self) -> None:
        self.fill()

    def _selected(self) -> str | None:
        table = self.query_one("#followups", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is None or key.startswith("none"):
            return None
        if key.startswith(_FOUNDING_KEY):  # a founding step: the enterprise's id, then the step
            return key.removeprefix(_FOUNDING_KEY).split(":")[0]
        return str(key)

    @on(DataTable.RowSelected)
    def _open(self) -> None:
        selected = self._selected()
        if selected is not None:
            self.fapp.open_enterprise(selected)

    def action_new_visit(self) -> None:
        selected = self._selected()
        if selected is not None:
            self.fapp.new_visit(selected)
