"""Enterprises (home): search as you type, quick filters, sort, pages, status counts, opening a detail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import OptionList, Static

from fieldapp.core.records import Enterprise
from fieldapp.store import Store
from fieldapp.tui.screens.detail import DetailScreen
from fieldapp.tui.screens.home import HomeScreen
from fieldapp.tui.screens.ward_picker import WardPicker
from fieldapp.tui.widgets.enterprise_table import EnterpriseTable, column_title

from .conftest import DUC_GIANG, HOANG_MAI, QUYNH_LUU, build_app, ready, screen_text

pytestmark = pytest.mark.anyio


def table_ids(app: Any) -> list[str]:
    return [row.id for row in app.screen.query_one(EnterpriseTable).rows]


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_home_shows_every_enterprise_with_counts(run_app: Any) -> None:
    async with run_app() as (app, _pilot):
        assert isinstance(app.screen, HomeScreen)
        assert len(table_ids(app)) == len(app.index)
        counts = text_of(app, "#counts")
        total = app.index.counts()
        assert f"Đủ điều kiện  {total['eligible']}" in counts
        assert f"Đã có CĐCS  {total['unionized']}" in counts
        first, last, total = app.screen.table.view
        assert f"dòng 1–{last} / {total}" in text_of(app, "#pager") and total == len(app.index)


async def test_search_as_you_type_is_accent_insensitive(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        await pilot.press("slash", *"quynh luu")
        await pilot.pause()
        assert table_ids(app) == [QUYNH_LUU]
        await pilot.press(*" zz")
        await pilot.pause()
        assert table_ids(app) == []
        assert "không có doanh nghiệp phù hợp" in text_of(app, "#pager")
        for _ in range(3):
            await pilot.press("backspace")
        await pilot.press("enter")  # back to the table
        await pilot.pause()
        assert table_ids(app) == [QUYNH_LUU]
        await pilot.press("enter")  # open it
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen) and app.screen.enterprise_id == QUYNH_LUU


async def test_quick_filters_and_clear(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        everything = table_ids(app)
        await pilot.press("s", "s")  # eligible, then not eligible
        await pilot.pause()
        shown = table_ids(app)
        assert shown and HOANG_MAI in shown and QUYNH_LUU not in shown
        assert all(app.index.rows[i].status == "not_eligible" for i in shown)
        assert "Chưa đủ điều kiện" in text_of(app, "#filters")
        await pilot.press("x", "d")  # clear, then follow-up due
        await pilot.pause()
        due = table_ids(app)
        assert QUYNH_LUU in due and HOANG_MAI not in due
        assert all(app.index.rows[i].next_due <= app.today for i in due)
        dues = [app.index.rows[i].next_due for i in due]
        assert dues == sorted(dues)  # the due filter also sorts soonest (most overdue) first
        assert app.screen.query_state.sort == "next_due" and not app.screen.query_state.descending
        await pilot.press("x", "w")  # the ward picker, then Enter on the first ward in alphabetical order
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        first_ward = app.index.wards()[0]
        assert {app.index.rows[i].ward for i in table_ids(app)} == {first_ward}
        await pilot.press("x")
        await pilot.pause()
        assert sorted(table_ids(app)) == sorted(
            everything
        )  # every row again, still in the due filter's order


async def test_sort_by_key_and_by_clicking_a_header(run_app: Any) -> None:
    async with run_app(size=(120, 40)) as (
        app,
        pilot,
    ):  # narrower, the stable workers are a sideways scroll away
        await pilot.press("o")  # name -> next column in table order
        await pilot.pause()
        screen = app.screen
        assert screen.query_state.sort != "name"
        table = screen.query_one(EnterpriseTable)
        at = table.columns_order.index("stable")
        x = 1 + sum(width + 1 for width in table._widths[:at])
        await pilot.click(EnterpriseTable, offset=(x + 2, 0))  # the title of the stable workers column
        await pilot.pause()
        assert screen.query_state.sort == "stable" and not screen.query_state.descending
        await pilot.pause()
        column = screen.query_state.sort
        rows = [app.index.rows[i] for i in table_ids(app)]
        await pilot.press("r")
        await pilot.pause()
        reversed_rows = [app.index.rows[i] for i in table_ids(app)]
        assert screen.query_state.descending
        assert [getattr(r, column) for r in rows if getattr(r, column) is not None] == sorted(
            getattr(r, column) for r in rows if getattr(r, column) is not None
        )
        values = [getattr(r, column) for r in reversed_rows if getattr(r, column) is not None]
        assert values == sorted(values, reverse=True)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_sorted_column_is_marked_on_screen_and_next_visit_is_one_key_away(
    run_app: Any, size: tuple[int, int]
) -> None:
    # issue 11, bug 2: `o` reached columns off screen (priority at 120 columns), so no title showed the sort
    async with run_app(size=size) as (app, pilot):
        screen = app.screen
        seen = set()
        for _press in range(12):  # bounded: more presses than there are columns
            await pilot.press("o")
            await pilot.pause()
            q = screen.query_state
            seen.add(q.sort)
            header = next(line for line in screen_text(app).splitlines() if "Tên doanh nghiệp" in line)
            assert f"{column_title(q.sort)} ▲" in header, (q.sort, header)
        assert {"name", "tax_code", "next_due"} <= seen
        if screen.query_state.sort == "next_due":  # where the presses ended: `t` would reverse it
            await pilot.press("o")
        await pilot.press("t")  # the next visit, soonest first, one key away
        await pilot.pause()
        assert (screen.query_state.sort, screen.query_state.descending) == ("next_due", False)
        assert f"{column_title('next_due')} ▲" in screen_text(app)
        due = [app.index.rows[i].next_due for i in table_ids(app)]
        known = [d for d in due if d is not None]
        assert known and known == sorted(known) and due[: len(known)] == known
        await pilot.press("t")  # again: the other way round
        await pilot.pause()
        assert screen.query_state.descending and f"{column_title('next_due')} ▼" in screen_text(app)
        screen.set_query(screen.query_state.but(sort="priority"))  # a column off screen (the palette can)
        await pilot.pause()
        assert f"Sắp xếp: {column_title('priority')}" in text_of(app, "#filters")


async def test_a_big_list_scrolls_by_pages_and_says_which_rows_are_shown(tmp_path: Path) -> None:
    from fieldapp.io.demo import generate_demo

    folder = tmp_path / "big"
    enterprises, _visits = generate_demo(enterprises=450, visits=0, seed=3)
    with Store.open(folder) as store:
        store.save_enterprises(enterprises)
    app, store = build_app(folder)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            table = app.screen.query_one(EnterpriseTable)
            assert len(table_ids(app)) == 450  # every match, drawn only where it is on screen
            first, last, total = table.view
            assert (first, total) == (1, 450) and last < 450
            assert f"dòng 1–{last} / 450" in text_of(app, "#pager")
            await pilot.press("pagedown")
            await pilot.pause()
            assert table.cursor_row == last  # one screenful down (0-based)
            await pilot.press("end")
            await pilot.pause()
            assert table.cursor_row == 449 and table.view[1] == 450
            assert "/ 450" in text_of(app, "#pager") and f"dòng {table.view[0]}–450" in text_of(app, "#pager")
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, DetailScreen) and app.screen.enterprise_id == table.rows[449].id
    finally:
        store.close()


async def test_reloading_the_index_picks_up_new_records(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        new = Enterprise.create(name="Hợp tác xã Rau sạch Cự Khối", ward="Cự Khối")
        app.store.save_enterprise(new)
        app.load_index()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("slash", *"rau sach")
        await pilot.pause()
        assert table_ids(app) == [new.id]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_table_shows_whole_columns_only(run_app: Any, size: tuple[int, int]) -> None:
    # the columns that do not fit are a sideways scroll away; none is shown cut to a sliver at the right edge
    async with run_app(size=size) as (app, pilot):
        table = app.screen.query_one(EnterpriseTable)
        header = table.render_line(0).text.rstrip()
        hidden = len(header) < table.virtual_size.width - 2
        assert hidden, "the check needs a width where some columns are a sideways scroll away"
        titles = [title for title in header.split("  ") if title.strip()]
        last = titles[-1].strip()
        assert any(
            last.endswith(name) for name in ("Hẹn thăm", "Ổn định", "Lần thăm", "Thời vụ", "Ưu tiên")
        ), header
        await pilot.press("right")
        await pilot.pause()
        assert table.render_line(0).text.rstrip() != header  # still reachable sideways


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_sideways_scrolling_moves_by_whole_columns_and_home_resets_it(
    run_app: Any, size: tuple[int, int]
) -> None:
    # issue 11, bug 3: → moved by 8 characters ("ên doanh nghiệp … Thá"), and Home left the table scrolled
    async with run_app(size=size) as (app, pilot):
        table = app.screen.query_one(EnterpriseTable)
        titles = {column_title(key) for key in table.columns_order}

        def shown_titles() -> list[str]:
            """The titles on screen; fails when a column shows only in part."""
            header, x = table.render_line(0).text, int(table.scroll_x)
            found = []
            for key, stop, cells in zip(table.columns_order, table._stops, table._widths, strict=True):
                start, end = stop + 1 - x, stop + 1 + cells - x  # where its cells are on screen
                piece = header[max(0, start) : max(0, min(end, len(header)))].strip()
                if piece:
                    assert start >= 0 and end <= len(header), f"{key} cut: {header!r}"
                    found.append(piece.removesuffix(" ▲"))
            return found

        first = shown_titles()
        moves = 0
        for _press in range(len(table.columns_order)):  # bounded: one press per column at most
            before = table.scroll_x
            await pilot.press("right")
            await pilot.pause()
            if table.scroll_x == before:
                break
            moves += 1
            shown = shown_titles()
            assert shown and all(t in titles for t in shown), shown  # whole titles only, at both edges
        assert moves, "nothing to scroll to at this width"
        assert shown_titles()[-1] == column_title(table.columns_order[-1])  # the last column reached, whole
        await pilot.press("left")
        await pilot.pause()
        assert all(t in titles for t in shown_titles())
        await pilot.press("down", "down", "home")
        await pilot.pause()
        assert table.scroll_x == 0 and table.cursor_row == 0 and shown_titles() == first


async def test_an_empty_store_says_how_to_begin(tmp_path: Path) -> None:
    app, store = build_app(tmp_path / "empty")
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            pager = text_of(app, "#pager")
            assert "chưa có doanh nghiệp nào" in pager and "fieldapp demo" in pager
            await pilot.press("a")  # the key the hint names opens the enterprise form
            await pilot.pause()
            assert type(app.screen).__name__ == "EnterpriseFormScreen"
    finally:
        store.close()


async def test_the_ward_picker_searches_without_accents_picks_and_cancels(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        home = app.screen
        everything = table_ids(app)
        await pilot.press("w")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, WardPicker)
        await pilot.press(*"duc gi")  # "Đức Giang" typed without accents
        await pilot.pause()
        options = picker.query_one(OptionList)
        listed = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert listed == ["Đức Giang"]
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is home and home.query_state.ward == "Đức Giang"
        assert DUC_GIANG in table_ids(app)
        assert {app.index.rows[i].ward for i in table_ids(app)} == {"Đức Giang"}

        await pilot.press("w")  # Esc changes nothing
        await pilot.pause()
        await pilot.press(*"bo de", "escape")
        await pilot.pause()
        assert app.screen is home and home.query_state.ward == "Đức Giang"

        await pilot.press("w")  # the first option is every ward
        await pilot.pause()
        await pilot.press(*["up"] * (app.index.wards().index("Đức Giang") + 1), "enter")  # up to the top
        await pilot.pause()
        assert app.screen is home and home.query_state.ward is None
        assert table_ids(app) == everything
