"""The home table, virtualised: it holds the list of matching rows and draws only the lines on screen.

A DataTable measures and renders every cell it holds (about 7 s to first paint with 20,000 rows here, and a
fixed cost of tens of milliseconds for each 200-row page), so this Line API widget draws each visible line from
the index's rows instead: a new search result costs one list assignment and one repaint.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Offset, Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from fieldapp.tui.i18n import N_, _, field
from fieldapp.tui.index import Row
from fieldapp.tui.localise import localise_bindings
from fieldapp.tui.shown import shown
from fieldapp.tui.widgets.badges import attitude_text, date_text, priority_text, share_text, status_badge

__all__ = ["WIDE", "EnterpriseTable", "column_title"]

#: from this width on the tax code and the ward both follow the name; narrower, the tax code does and the ward
#: comes after the next visit, so two firms of one name never look the same (docs/tui.md)
WIDE = 110
_GAP = 1  # blank cells between columns
_NAME = 30  # the narrowest the name column gets
_NAME_NARROW = 24  # ... below WIDE, where the tax code beside it tells firms apart


def column_title(key: str) -> str:
    """The title of the home table's column *key* in the current language (the palette's sort commands too)."""
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
        "pending": "⟳",  # waiting to sync
    }
    return titles[key]


_WIDTHS = {
    "status": 19,
    "tax_code": 14,
    "ward": 16,
    "next_due": 10,
    "last_visit": 10,
    "stable": 7,
    "seasonal_share": 8,
    "priority": 11,
    "attitude": 9,
    "pending": 1,
}
_RIGHT = {"stable", "seasonal_share"}
_UNDIM = Style(dim=False)


@lru_cache(maxsize=256)
def _parse(style: str) -> Style:
    return Style.parse(style)


def _style(style: str | Style) -> Style:
    return _parse(style) if isinstance(style, str) else style


class EnterpriseTable(ScrollView, can_focus=True):
    """Enterprise rows with a fixed header line, a row cursor, and sorting by clicking a column title."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "enterprise-table--header",
        "enterprise-table--cursor",
        "enterprise-table--odd",
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", N_("Open"), id="table.open", show=False),
        Binding("up", "move(-1)", N_("Up"), id="table.up", show=False),
        Binding("down", "move(1)", N_("Down"), id="table.down", show=False),
        Binding("pageup", "page(-1)", N_("Previous page"), id="table.page_up", show=False),
        Binding("pagedown", "page(1)", N_("Next page"), id="table.page_down", show=False),
        Binding("left", "sideways(-1)", N_("Scroll left"), id="table.left", show=False),
        Binding("right", "sideways(1)", N_("Scroll right"), id="table.right", show=False),
        Binding("home,ctrl+home", "jump(0)", N_("First row"), id="table.first", show=False),
        Binding("end,ctrl+end", "jump(-1)", N_("Last row"), id="table.last", show=False),
    ]

    cursor_row: reactive[int] = reactive(0)

    class Selected(Message):
        """Enter (or a click on the highlighted row) on an enterprise."""

        def __init__(self, enterprise_id: str) -> None:
            self.enterprise_id = enterprise_id
            super().__init__()

    class HeaderClicked(Message):
        """A column title was clicked: sort by it."""

        def __init__(self, column: str) -> None:
            self.column = column
            super().__init__()

    class Viewed(Message):
        """The visible rows changed (first and last shown, 1-based, and how many there are)."""

        def __init__(self, first: int, last: int, total: int) -> None:
            self.first, self.last, self.total = first, last, total
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        localise_bindings(self)
        self.rows: list[Row] = []
        self.today = date.today()
        self.wide: bool | None = None
        self.columns_order: list[str] = []
        #: the columns on screen before any sideways scroll (the others are a scroll away)
        self.shown_columns: list[str] = []
        self.sorted_by: tuple[str, bool] | None = None
        self._widths: list[int] = []
        self._fit = 0
        self._titles: list[str] = []
        self._cells: dict[str, Callable[[Row], Text | str]] = {}
        self._viewed: tuple[int, int, int] | None = None
        #: what each body line on screen shows (see _window), to repaint only the lines that change
        self._drawn: list[tuple[object, ...] | None] | None = None
        self._drawn_at = Offset(0, 0)  # the scroll offset when _drawn was taken

    # --- content ---------------------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self.rows)

    def set_columns(self, wide: bool, sort: str, descending: bool) -> None:
        """Choose the columns for the width, marking the sort column with an arrow."""
        self.wide = wide
        self.sorted_by = (sort, descending)
        order = ["status", "pending", "name", "tax_code"]
        order += ["ward", "next_due"] if wide else ["next_due", "ward"]
        order += ["stable", "last_visit", "seasonal_share", "priority", "attitude"]
        self.columns_order = order
        arrow = " ▼" if descending else " ▲"
        self._titles = [column_title(key) + (arrow if key == sort else "") for key in order]
        # the sorted column is as wide as its title with the mark ("Ổn định ▲" in a column of 7 lost the mark)
        widths = {key: _WIDTHS.get(key, 0) for key in order}
        if sort in widths and sort != "name":
            widths[sort] = max(widths[sort], cell_len(self._titles[order.index(sort)]))
        # the name gets at least _NAME (_NAME_NARROW) cells; the columns after it are shown while they fit and the name takes
        # what is left over (the others are a sideways scroll away). A line is a blank, the cells with a gap
        # before each but the first, and a blank; 2 cells are kept for the vertical scroll bar.
        least = _NAME if wide else _NAME_NARROW
        room = self.size.width - 2 - 2 - least - sum(widths[key] + _GAP for key in order[:2])
        visible = 3
        for key in order[3:]:
            if room < widths[key] + _GAP:
                break
            room -= widths[key] + _GAP
            visible += 1
        self.shown_columns = order[:visible]
        name_width = least + max(0, room)
        self._widths = [name_width if key == "name" else widths[key] for key in order]
        # unscrolled, a line ends after the last column that fits: no sliver of the next one at the edge
        self._fit = 1 + sum(self._widths[:visible]) + _GAP * (visible - 1)
        app = self.app
        ward_shown = "ward" in self.shown_columns

        def ward_hint(r: Row) -> Text:
            return shown("—") if ward_shown or not r.ward else shown(r.ward, style="italic")

        self._cells = {
            "status": lambda r: status_badge(app, r.status, 19),
            # record data: characters only (a name may hold a terminal escape or markup)
            "name": lambda r: shown(r.name),
            # a firm without a tax code is told apart by its ward, when the ward column is not on screen
            "tax_code": lambda r: shown(r.tax_code) if r.tax_code else ward_hint(r),
            "ward": lambda r: shown(r.ward or "—"),
            "next_due": lambda r: date_text(r.next_due, self.today),
            "last_visit": lambda r: date_text(r.last_visit),
            "stable": lambda r: "—" if r.stable is None else str(r.stable),
            "seasonal_share": lambda r: share_text(r.seasonal_share),
            "priority": lambda r: priority_text(app, r.priority),
            "attitude": lambda r: attitude_text(r.attitude),
            "pending": lambda r: "●" if r.pending else "",
        }
        self._resize_virtual()
        self._drawn = None
        self.refresh()

    def show(self, rows: list[Row], today: date, *, keep: str | None = None) -> None:
        """Show *rows* (all matches); the cursor stays on enterprise *keep* when it is still there."""
        drawn = self._drawn if today == self.today else None
        self.rows = rows
        self.today = today
        index = 0
        if keep is not None:
            index = next((i for i, r in enumerate(rows) if r.id == keep), 0)
        self._resize_virtual()
        self.set_reactive(EnterpriseTable.cursor_row, min(index, max(0, len(rows) - 1)))
        if keep is None:
            self.scroll_to(y=0, animate=False, immediate=True)
        self._keep_cursor_visible()
        # a table that grew (a search cleared) can scroll that far only once it is laid out again
        self.call_after_refresh(self._keep_cursor_visible)
        self._repaint(drawn)
        self._report_view()

    def selected(self) -> Row | None:
        """The row under the cursor."""
        return self.rows[self.cursor_row] if 0 <= self.cursor_row < len(self.rows) else None

    @property
    def _stops(self) -> list[int]:
        """The sideways scroll offsets that start a line with a whole column (after its one blank cell)."""
        stops, edge = [], 0
        for width in self._widths:
            stops.append(edge)
            edge += width + _GAP
        return stops

    def _resize_virtual(self) -> None:
        width = sum(self._widths) + _GAP * max(0, len(self._widths) - 1) + 2
        # room to scroll as far as the stop that shows the last column whole (not clamped short of it, which
        # would leave part of a column at the left edge)
        view = self.scrollable_content_region.width
        if view > 0:
            width = max(width, next((s + view for s in self._stops if width - s <= view), width))
        size = Size(width, len(self.rows) + 1)
        if size == self.virtual_size:
            return
        if not self.is_mounted or self._bars(size) != self._bars(self.virtual_size):
            self.virtual_size = size  # a scroll bar comes or goes: the screen is laid out again
            return
        # Only the bars' length and the scroll limits follow the number of rows. Setting virtual_size lays out
        # the whole screen and repaints every line of the table (a third of a keystroke's time, issue 12).
        old = self.virtual_size
        self.set_reactive(EnterpriseTable.virtual_size, size)
        if old.width != size.width:
            self._scroll_update(size)  # what a layout would set: both bars and the scroll limits
        else:  # as _scroll_update, without repainting the horizontal bar, which did not change
            if self.show_vertical_scrollbar:
                self.vertical_scrollbar.window_virtual_size = size.height
            self.scroll_y = self.validate_scroll_y(self.scroll_y)

    def _bars(self, size: Size) -> tuple[bool, ...]:
        """What decides which scroll bars a virtual *size* shows (Textual's ``_refresh_scrollbars``)."""
        width, height = self.container_size
        bar_x, bar_y = self.styles.scrollbar_size_vertical, self.styles.scrollbar_size_horizontal
        return (
            size.width > width,
            size.width > width - bar_x,
            size.height > height,
            size.height > height - bar_y,
        )

    def _window(self) -> list[tuple[object, ...] | None]:
        """What each body line on screen shows: the row's shown values and whether the cursor is on it."""
        top, rows, cursor = int(self.scroll_y), self.rows, self.cursor_row
        return [
            None
            if i >= len(rows)
            else (
                (r := rows[i]).id,
                r.status,
                r.name,
                r.tax_code,
                r.ward,
                r.next_due,
                r.last_visit,
                r.stable,
                r.seasonal_share,
                r.priority,
                r.attitude,
                r.pending,
                i == cursor,
            )
            for i in range(top, top + self._page)
        ]

    def _repaint(self, drawn: list[tuple[object, ...] | None] | None) -> None:
        """Repaint the body lines whose content differs from *drawn* (all of them when *drawn* is None or the
        table scrolled: Textual repaints a scrolled table whole)."""
        window = self._window()
        self._drawn = window
        if drawn is None or len(drawn) != len(window) or self._drawn_at != self.scroll_offset:
            self._drawn_at = self.scroll_offset
            self.refresh()
            return
        runs: list[list[int]] = []  # [first, end) of each run of changed lines (line 0 is the header)
        for y, (was, now) in enumerate(zip(drawn, window, strict=True), 1):
            if was != now:
                if runs and runs[-1][1] == y:
                    runs[-1][1] = y + 1
                else:
                    runs.append([y, y + 1])
        for first, end in runs:
            self.refresh(Region(0, first, self.size.width, end - first))

    # --- drawing ---------------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        base = self.rich_style
        # unscrolled (nearly always), only the columns on screen are made, straight to the width
        shown = len(self.shown_columns) if scroll_x == 0 and self._fit <= width else len(self.columns_order)
        if y == 0:
            style = base + self.get_component_rich_style("enterprise-table--header")
            cells: list[Text | str] = [*self._titles[:shown]]
            cursor = False
        else:
            index = scroll_y + y - 1
            if index >= len(self.rows):
                return Strip.blank(width, base)
            row = self.rows[index]
            style = base
            if index % 2:
                style += self.get_component_rich_style("enterprise-table--odd")
            cursor = index == self.cursor_row
            if cursor:
                style += self.get_component_rich_style("enterprise-table--cursor")
            cells = [self._cells[key](row) for key in self.columns_order[:shown]]
        segments = self._segments(cells, style, cursor=cursor)
        if shown < len(self.columns_order):
            # the line's blank tail in the row's colours as far as the whole line would reach, then the table's
            full = sum(self._widths) + _GAP * (len(self._widths) - 1) + 2
            segments.append(Segment(" " * (min(full, width) - self._fit), style))
            if width > full:
                segments.append(Segment(" " * (width - full), base))
            return Strip(segments, width)
        segments.append(Segment(" ", style))
        strip = Strip(segments)
        # a line ends after the last column that fits whole: no sliver of the next one at the edge
        fit = self._fit if scroll_x == 0 else self._fit_from(scroll_x, width)
        if fit < strip.cell_length:
            strip = Strip.join([strip.crop(0, fit), Strip.blank(strip.cell_length - fit, style)])
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _fit_from(self, scroll_x: int, width: int) -> int:
        """Where a line scrolled by *scroll_x* ends: after the last column whole within *width* cells."""
        fit = scroll_x
        for stop, cells in zip(self._stops, self._widths, strict=False):
            end = stop + 1 + cells
            if end > scroll_x + width:
                break
            fit = end
        return fit

    def _segments(self, cells: list[Text | str], style: Style, *, cursor: bool = False) -> list[Segment]:
        """A blank, then *cells* (the first columns, or all), each cut or padded to its column's width."""
        segments: list[Segment] = [Segment(" ", style)]
        for i, (key, cell, width) in enumerate(zip(self.columns_order, cells, self._widths, strict=False)):
            if i:
                segments.append(Segment(" " * _GAP, style))
            if isinstance(cell, Text):
                plain, cell_style = cell.plain, style + _style(cell.style) if cell.style else style
                if (
                    cursor
                ):  # dimmed on the cursor colour, a "—" or a low priority fell under 4.5:1 (docs/tui.md)
                    cell_style += _UNDIM
            else:
                plain, cell_style = cell, style
            if key in _RIGHT:
                plain = plain.rjust(width)
            if cell_len(plain) != width:
                plain = set_cell_size(plain, width)
            segments.append(Segment(plain, cell_style))
        return segments

    # --- moving ----------------------------------------------------------------------------------------
    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def watch_cursor_row(self, old: int, new: int) -> None:
        drawn = self._drawn
        self._keep_cursor_visible()
        self._repaint(drawn)  # the two lines the cursor left and reached, unless the table scrolled

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._report_view()

    def _keep_cursor_visible(self) -> None:
        top = int(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + self._page:
            self.scroll_to(y=self.cursor_row - self._page + 1, animate=False, immediate=True)

    @property
    def view(self) -> tuple[int, int, int]:
        """(first, last, total): the rows on screen, 1-based, and how many rows there are."""
        total = len(self.rows)
        return min(int(self.scroll_y) + 1, total), min(int(self.scroll_y) + self._page, total), total

    def _report_view(self) -> None:
        view = self.view
        if view != self._viewed:
            self._viewed = view
            self.post_message(self.Viewed(*view))

    def on_resize(self, _event: events.Resize) -> None:
        if self.wide is not None and self.sorted_by is not None:
            # the columns share out the width the table has now: a table rebuilt while its screen was not shown
            # (a language switch) got its columns before it was laid out, at a width of 0
            self.set_columns(self.wide, *self.sorted_by)
        self._report_view()

    def action_move(self, delta: int) -> None:
        self.cursor_row = max(0, min(len(self.rows) - 1, self.cursor_row + delta))

    def action_page(self, delta: int) -> None:
        self.action_move(delta * self._page)

    def action_sideways(self, step: int) -> None:
        """Scroll by whole columns: the line starts with the next (or previous) column, never part of one."""
        x = int(self.scroll_x)
        if step > 0:
            if x + self.scrollable_content_region.width >= self.virtual_size.width:
                return  # the last column is already in sight
            target = next((s for s in self._stops if s > x), x)
        else:
            target = next((s for s in reversed(self._stops) if s < x), 0)
        self.scroll_to(x=target, animate=False, immediate=True)
        self.refresh()

    def action_jump(self, where: int) -> None:
        self.cursor_row = max(0, len(self.rows) - 1) if where < 0 else 0
        if where == 0:  # Home: the first row, and the first columns again
            self.scroll_to(x=0, animate=False, immediate=True)

    def action_select(self) -> None:
        row = self.selected()
        if row is not None:
            self.post_message(self.Selected(row.id))

    def move_cursor(self, row: int) -> None:
        """Put the cursor on line *row* (0-based)."""
        self.cursor_row = max(0, min(len(self.rows) - 1, row))

    def on_click(self, event: events.Click) -> None:
        x = event.x + int(self.scroll_x) - 1
        if event.y == 0:
            edge = 0
            for key, width in zip(self.columns_order, self._widths, strict=False):
                if edge <= x < edge + width + _GAP:
                    self.post_message(self.HeaderClicked(key))
                    return
                edge += width + _GAP
            return
        index = int(self.scroll_y) + event.y - 1
        if 0 <= index < len(self.rows):
            if index == self.cursor_row:
                self.action_select()
            self.cursor_row = index
