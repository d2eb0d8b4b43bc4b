"""The detail's visits table fits the terminal: short titles, the note cut with “…”, the whole note in the form."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import TextArea

from fieldapp.tui.screens.visit_form import VisitFormScreen
from fieldapp.tui.widgets.visits_table import NOTE_MIN_WIDTH, VisitsTable

from .conftest import HOANG_MAI, TODAY

pytestmark = pytest.mark.anyio

# long, and with square brackets a markup parser would eat
NOTE = (
    "Gặp chủ doanh nghiệp ở xưởng [tầng 2]; anh ấy hứa cho người lao động nghỉ 30 phút để nghe giới thiệu "
    "về công đoàn vào thứ Sáu tuần sau, cần mang theo mẫu đơn gia nhập và tờ rơi."
)


def _line(table: VisitsTable, row: int) -> str:
    """The text of one rendered row of *table* (what the cadre sees, scrolled to the left)."""
    return table.render_line(table.header_height + row).text


async def _open_with_long_note(app: Any, pilot: Any) -> VisitsTable:
    visit = app.store.visits_of(HOANG_MAI)[0]
    app.store.save_visit(visit.edit(note=NOTE, today=TODAY))
    app.open_enterprise(HOANG_MAI)
    await pilot.pause()
    return app.screen.query_one("#visits", VisitsTable)


def _fits(table: VisitsTable) -> bool:
    return table.virtual_size.width <= table.scrollable_content_region.width


async def test_the_visits_table_fits_120_columns_and_cuts_the_note(run_app: Any) -> None:
    async with run_app(size=(120, 40)) as (app, pilot):
        table = await _open_with_long_note(app, pilot)
        assert _fits(table), (table.virtual_size, table.scrollable_content_region)
        titles = [str(c.label) for c in table.ordered_columns]
        assert titles[-1] == "Ghi chú" and "Tổng LĐ" in titles  # short titles from the catalog
        line = _line(table, 0)
        # the brackets are the cadre's, not markup (the "who" column before it takes a few characters)
        assert "Gặp chủ doanh nghiệp ở xưởng [tầ" in line
        assert "Tôi" in line or "tôi" in line  # this laptop's own visit
        assert line.rstrip().endswith("…") and NOTE not in line
        # the whole note is in the form that Enter opens
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, VisitFormScreen)
        assert app.screen.query_one("#input-note", TextArea).text == NOTE


async def test_the_note_follows_the_width_and_keeps_a_minimum(run_app: Any) -> None:
    async with run_app(size=(80, 24)) as (app, pilot):
        table = await _open_with_long_note(app, pilot)
        # too narrow for every column: the note keeps a readable width and the table scrolls sideways
        note = table.ordered_columns[-1]
        assert note.width == NOTE_MIN_WIDTH and not _fits(table)
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.pause()
        note = table.ordered_columns[-1]
        assert note.width > NOTE_MIN_WIDTH and _fits(table)
        assert _line(table, 0).rstrip().endswith("…")
        # and in English, after a language switch
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.pause()
        table = app.screen.query_one("#visits", VisitsTable)
        assert [str(c.label) for c in table.ordered_columns][1] == "Workers" and _fits(table)
