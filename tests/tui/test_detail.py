"""The detail's visits table fits the terminal: short titles, the note cut with “…”, the whole note in the form."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Static, TextArea

from fieldapp.tui.screens.visit_form import VisitFormScreen
from fieldapp.tui.widgets.visits_table import NOTE_MIN_WIDTH, NOTE_WANTED, VisitsTable

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
        # too narrow for every column (issue 11, bug 10: the note got 12 cells, a sideways scroll away): the
        # columns needed least go after the note, which gets NOTE_WANTED cells on screen, unscrolled
        keys = [c.key.value for c in table.ordered_columns]
        at = keys.index("note")
        note = table.ordered_columns[at]
        assert table.after_note and keys[at + 1 :] == list(table.after_note) and not _fits(table)
        assert note.width >= NOTE_WANTED
        start = sum(c.get_render_width(table) for c in table.ordered_columns[:at])
        assert start + note.get_render_width(table) <= table.scrollable_content_region.width
        assert NOTE[: NOTE_WANTED - 1] in _line(table, 0)
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.pause()
        note = table.ordered_columns[-1]
        assert note.key.value == "note" and note.width > NOTE_MIN_WIDTH and _fits(table)
        assert _line(table, 0).rstrip().endswith("…")
        # and in English, after a language switch
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.pause()
        table = app.screen.query_one("#visits", VisitsTable)
        assert [str(c.label) for c in table.ordered_columns][1] == "Workers" and _fits(table)


@pytest.mark.parametrize(
    ("lang", "why", "watch", "steps", "basis"),
    [
        ("vi", "Lý do", "Cần lưu ý", "Bước tiếp theo", "Theo lần thăm ngày {day:%d/%m/%Y}"),
        ("en", "Why", "Watch", "Next steps", "From the visit of {day:%Y-%m-%d}"),
    ],
)
async def test_the_verdict_separates_reasons_flags_and_next_steps(
    run_app: Any, lang: str, why: str, watch: str, steps: str, basis: str
) -> None:
    # issue 11, bug 9: flags sat under "Why" of an eligible verdict as if they were reasons against it, the next
    # steps were titled "What would change it", and "(From a visit)" did not say which visit
    async with run_app(size=(120, 40)) as (app, pilot):
        if lang == "en":
            app.switch_language("en")
            await pilot.pause()
        c = next(
            c for c in app.index.classes.values()
            if c.status == "eligible" and c.visit is not None and len(c.reasons) > 1 and c.next_steps
        )  # fmt: skip
        app.open_enterprise(c.enterprise_id)
        await pilot.pause()
        verdict = str(app.screen.query_one("#verdict", Static).render())
        assert f"{why} ({basis.format(day=c.visit.visited_on)}):" in verdict
        assert f"\n{watch}:\n" in verdict and f"\n{steps}:\n" in verdict
        assert "Điều gì sẽ thay đổi" not in verdict and "What would change it" not in verdict
        reasons, rest = verdict.split(f"\n{watch}:\n")
        flags, _steps = rest.split(f"\n{steps}:\n")
        assert c.reasons[0].text(lang) in reasons  # the reason for the verdict under "Why"
        for flag in c.reasons[1:]:  # the flags under "Watch", none under "Why"
            assert flag.text(lang) in flags and flag.text(lang) not in reasons
