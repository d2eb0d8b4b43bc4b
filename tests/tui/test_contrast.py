"""Issue 11, bug 6: inputs were nearly invisible in the dark theme (colour 234 on 233) and focus was hard to see.

WCAG 2.1 AA, read off what the app really draws (the colours of the screen's cells, after Textual blended every
alpha): text and placeholders 4.5:1 against their background; an input's boundary and the focus indicator 3:1
against the colours next to them (the screen outside, the field inside), in the dark and the light theme.
"""

from __future__ import annotations

from typing import Any

import pytest
from rich.color import Color as RichColor
from rich.style import Style
from textual.widget import Widget
from textual.widgets import Input, Select, TextArea

from fieldapp.tui.screens.enterprise_form import EnterpriseFormScreen
from fieldapp.tui.screens.visit_form import VisitFormScreen
from fieldapp.tui.widgets.badges import THEMES
from fieldapp.tui.widgets.enterprise_table import EnterpriseTable
from fieldapp.tui.widgets.fields import AttitudePicker
from fieldapp.tui.widgets.visits_table import VisitsTable

from .conftest import HOANG_MAI

pytestmark = pytest.mark.anyio

TEXT = 4.5  # WCAG 1.4.3 (AA), normal text
EDGE = 3.0  # WCAG 1.4.11 (AA), user interface components and focus indicators


def luminance(color: RichColor) -> float:
    """WCAG relative luminance of an sRGB colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = color.get_truecolor()
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: RichColor, b: RichColor) -> float:
    """WCAG contrast ratio, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_contrast_helper_agrees_with_wcag() -> None:
    black, white = RichColor.parse("#000000"), RichColor.parse("#ffffff")
    assert contrast(black, white) == pytest.approx(21)
    assert contrast(RichColor.parse("#767676"), white) == pytest.approx(4.54, abs=0.01)  # the classic AA grey
    assert contrast(RichColor.parse("#1c1c1c"), RichColor.parse("#121212")) < 1.2  # the bug: 234 on 233


Cell = tuple[str, Style]


def line(app: Any, y: int) -> list[Cell]:
    """Screen line *y* as drawn: one (character, style) per cell."""
    cells: list[Cell] = []
    for segment in app.screen._compositor.render_strips()[y]:
        style = segment.style or Style()
        for char in segment.text:
            cells.append((char, style))  # the forms' text is one cell per character
    return cells


def fg(cell: Cell) -> RichColor:
    assert cell[1].color is not None, cell
    return cell[1].color


def bg(cell: Cell) -> RichColor:
    assert cell[1].bgcolor is not None, cell
    return cell[1].bgcolor


def edges(app: Any, widget: Widget) -> tuple[Cell, Cell, Cell, Cell, list[Cell]]:
    """Of the widget's first line: the cell before it, its first and last cells, the cell after it, and its
    inside (between the first and last cells)."""
    region = widget.region
    row = line(app, region.y)
    inside = row[region.x + 1 : region.right - 1]
    return row[region.x - 1], row[region.x], row[region.right - 1], row[region.right], inside


def check_boundary(app: Any, widget: Widget, what: str) -> tuple[str, str]:
    """The widget's left and right edges are drawn (not blank) in a colour 3:1 from the screen outside and from
    the field inside; returns the left edge (character and colour) to compare focused with not focused."""
    before, first, last, after, inside = edges(app, widget)
    field = bg(inside[-1])  # past the value, which a focused input shows selected
    for edge, outside in ((first, before), (last, after)):
        assert edge[0].strip(), f"{what}: no visible edge {edge[0]!r}"
        assert contrast(fg(edge), bg(outside)) >= EDGE, (what, fg(edge), bg(outside))
        assert contrast(fg(edge), field) >= EDGE, (what, fg(edge), field)
    return first[0], fg(first).name


def check_text(cells: list[Cell], what: str) -> None:
    shown = [c for c in cells if c[0].strip()]
    assert shown, f"{what}: no text drawn"
    for cell in shown:
        assert contrast(fg(cell), bg(cell)) >= TEXT, (what, cell[0], fg(cell), bg(cell))


async def use_theme(app: Any, pilot: Any, theme: str) -> None:
    app.theme = theme
    await pilot.pause()
    await pilot.pause()


@pytest.mark.parametrize("theme", THEMES)
async def test_the_visit_form_reads_well_and_shows_focus(run_app: Any, theme: str) -> None:
    async with run_app(size=(100, 30)) as (app, pilot):
        await use_theme(app, pilot, theme)
        app.open_enterprise(HOANG_MAI)
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, VisitFormScreen)
        visited, cadre, following = (
            form.query_one(f"#input-{n}", Input) for n in ("visited_on", "cadre", "next_visit_on")
        )
        visited.focus()
        await pilot.pause()
        focused = check_boundary(app, visited, "focused date")
        check_text(edges(app, visited)[4], "typed date")
        resting = check_boundary(app, cadre, "cadre")
        check_text(edges(app, cadre)[4], "cadre")
        assert focused != resting, "the focused field looks like the others"
        assert following.value == "" and following.placeholder
        check_boundary(app, following, "empty next visit")
        check_text(edges(app, following)[4], "placeholder")  # the placeholder is text a person must read
        # the other kinds of field: the attitude picker and the note, resting and focused
        for widget in (form.query_one(AttitudePicker), form.query_one(TextArea)):
            resting = check_boundary(app, widget, type(widget).__name__)
            widget.focus()
            await pilot.pause()
            assert check_boundary(app, widget, f"focused {type(widget).__name__}") != resting


@pytest.mark.parametrize("theme", THEMES)
async def test_the_enterprise_form_reads_well_and_shows_focus(run_app: Any, theme: str) -> None:
    async with run_app(size=(100, 30)) as (app, pilot):
        await use_theme(app, pilot, theme)
        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EnterpriseFormScreen)
        name, ward = form.query_one("#input-name", Input), form.query_one("#input-ward", Input)
        assert name.has_focus
        await pilot.press(*"Xưởng may Thạch Bàn")
        focused = check_boundary(app, name, "focused name")
        check_text(edges(app, name)[4], "typed name")
        assert check_boundary(app, ward, "ward") != focused
        select = form.query(Select).first()
        form.query_one("#form").scroll_to_widget(select, animate=False)
        await pilot.pause()
        resting = check_boundary(app, select, "select")
        check_text(edges(app, select)[4], "select")
        select.focus()
        await pilot.pause()
        assert check_boundary(app, select, "focused select") != resting


def check_cursor_row(app: Any, top: int, cursor: int, what: str, skip: int = 0) -> None:
    """The cursor line *cursor* (screen y) stands out 3:1 from the lines above and below it, and its text (from
    cell *skip* of the line on, past a badge with its own colours) is 4.5:1 on it."""
    left = app.screen.query_one(EnterpriseTable).region.x if what == "home" else 0
    row = line(app, cursor)
    cursor_bg = bg(row[left + skip])
    for y in (cursor - 1, cursor + 1):
        if y > top:  # not the header
            neighbour = bg(line(app, y)[left + skip])
            assert contrast(cursor_bg, neighbour) >= EDGE, (what, cursor_bg, neighbour)
    check_text(row[left + skip :], what)


@pytest.mark.parametrize("theme", THEMES)
async def test_the_table_cursors_stand_out(run_app: Any, theme: str) -> None:
    async with run_app(size=(100, 30)) as (app, pilot):
        await use_theme(app, pilot, theme)
        table = app.screen.query_one(EnterpriseTable)
        assert table.has_focus
        await pilot.press("down", "down")  # a cursor between an odd and an even line
        await pilot.pause()
        y = table.region.y + 1 + table.cursor_row
        badge = 1 + table._widths[0] + 1  # the status badge keeps its own colours
        check_cursor_row(app, table.region.y, y, "home", skip=badge)
        # the visits of an enterprise on the detail screen
        app.open_enterprise(max(app.index.rows, key=lambda i: len(app.store.visits_of(i))))
        await pilot.pause()
        visits = app.screen.query_one(VisitsTable)
        assert visits.row_count >= 3
        visits.focus()
        app.screen.query_one("#detail").scroll_to_widget(visits, animate=False)
        visits.move_cursor(row=1)
        await pilot.pause()
        y = visits.region.y + visits.header_height + 1 - int(visits.scroll_y)
        row = line(app, y)
        region = visits.region
        assert len(row) >= region.right
        cursor_bg = bg(row[region.x + 1])
        for other in (y - 1, y + 1):
            if other >= visits.region.y + visits.header_height:
                assert contrast(cursor_bg, bg(line(app, other)[region.x + 1])) >= EDGE
        check_text(row[region.x : region.right - 2], "visit cursor")
