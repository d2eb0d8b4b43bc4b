"""The home table: one page of enterprise rows at a time (a DataTable with 20,000 rows paints far too slowly)."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable

from fieldapp.tui.i18n import N_, _, field
from fieldapp.tui.index import Row
from fieldapp.tui.localise import localise_bindings
from fieldapp.tui.widgets.badges import attitude_text, date_text, priority_text, share_text, status_badge

__all__ = ["PAGE_SIZE", "EnterpriseTable"]

#: rows per page: small enough to fill in a few milliseconds, large enough to scroll through
PAGE_SIZE = 200
#: from this width on the table also shows the tax code and the ward
WIDE = 110


class EnterpriseTable(DataTable[Text | str]):
    """A page of enterprise rows; PgDn on the last row (PgUp on the first) asks for the next (previous) page."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pagedown", "page_down", N_("Next page"), id="table.page_down", show=False),
        Binding("pageup", "page_up", N_("Previous page"), id="table.page_up", show=False),
        Binding("right_square_bracket", "turn(1)", N_("Next page"), id="table.next_page", show=False),
        Binding("left_square_bracket", "turn(-1)", N_("Previous page"), id="table.prev_page", show=False),
    ]

    class Turn(Message):
        """The cadre asked for another page."""

        def __init__(self, delta: int) -> None:
            self.delta = delta
            super().__init__()

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        localise_bindings(self)
        self.wide: bool | None = None
        self.columns_order: list[str] = []

    def action_page_down(self) -> None:
        if self.row_count and self.cursor_row >= self.row_count - 1:
            self.post_message(self.Turn(1))
        else:
            super().action_page_down()

    def action_page_up(self) -> None:
        if self.cursor_row <= 0:
            self.post_message(self.Turn(-1))
        else:
            super().action_page_up()

    def action_turn(self, delta: int) -> None:
        self.post_message(self.Turn(delta))

    def set_columns(self, wide: bool, sort: str, descending: bool) -> None:
        """(Re)build the columns for the width, marking the sort column with an arrow."""
        self.clear(columns=True)
        self.wide = wide
        order = ["status", "name"]
        if wide:
            order += ["tax_code", "ward"]
        order += ["next_due", "last_visit", "stable", "seasonal_share", "priority", "attitude", "pending"]
        self.columns_order = order
        arrow = " ▼" if descending else " ▲"
        for key in order:
            title = _column_title(key) + (arrow if key == sort else "")
            self.add_column(title, key=key, width=_column_width(key, wide))

    def show(self, rows: list[Row], today: date) -> None:
        """Replace the rows with *rows* (one page)."""
        self.clear()
        app = self.app
        cells = {
            "status": lambda r: status_badge(app, r.status, 19),
            "name": lambda r: r.name,
            "tax_code": lambda r: r.tax_code or "—",
            "ward": lambda r: r.ward or "—",
            "next_due": lambda r: date_text(r.next_due, today),
            "last_visit": lambda r: date_text(r.last_visit),
            "stable": lambda r: Text("—" if r.stable is None else str(r.stable), justify="right"),
            "seasonal_share": lambda r: Text(share_text(r.seasonal_share), justify="right"),
            "priority": lambda r: priority_text(app, r.priority),
            "attitude": lambda r: attitude_text(r.attitude),
            "pending": lambda r: Text("●", style="bold") if r.pending else "",
        }
        makers = [cells[key] for key in self.columns_order]
        for r in rows:
            self.add_row(*[make(r) for make in makers], key=r.id)


def _column_title(key: str) -> str:
    titles = {
        "status": _("Verdict"),
        "name": field("name"),
        "tax_code": field("tax_code"),
        "ward": field("ward"),
        "next_due": _("Next visit"),
        "last_visit": _("Last visit"),
        "stable": _("Stable"),
        "seasonal_share": _("Seasonal"),
        "priority": _("Priority"),
        "attitude": _("Attitude"),
        "pending": "⟳",
    }
    return titles[key]


def _column_width(key: str, wide: bool) -> int | None:
    widths = {
        "status": 19,
        "name": 34 if wide else 24,
        "tax_code": 14,
        "ward": 16,
        "next_due": 10,
        "last_visit": 10,
        "stable": 6,
        "seasonal_share": 6,
        "priority": 11,
        "attitude": 9,
        "pending": 1,
    }
    return widths.get(key)
