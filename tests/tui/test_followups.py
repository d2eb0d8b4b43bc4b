"""Follow-ups: due this week and overdue, soonest first, with the address, only the cadre's own by default."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

from fieldapp.core.records import Enterprise
from fieldapp.settings import load_settings, save_settings
from fieldapp.store import Store
from fieldapp.tui.i18n import _
from fieldapp.tui.index import Row
from fieldapp.tui.screens.detail import DetailScreen
from fieldapp.tui.screens.followups import FollowUpsScreen, by_due_date, is_mine, place, week_end

from .conftest import HOANG_MAI, QUYNH_LUU, TODAY, build_app, ready, screen_text, settle

pytestmark = pytest.mark.anyio

CADRE = "Nguyễn Thị Thu Hà"


def _row(name: str, ward: str, due: date, address: str = "") -> Row:
    e = Enterprise.create(name=name, ward=ward, address=address)
    return Row(id=name, name=name, tax_code="", ward=ward, status="eligible", priority="normal", stable=None,
               seasonal_share=None, attitude=None, last_visit=None, next_due=due, pending=False, enterprise=e,
               name_key=name)  # fmt: skip


def test_week_ends_on_sunday() -> None:
    assert week_end(TODAY) == date(2026, 11, 29)
    assert week_end(date(2026, 11, 29)) == date(2026, 11, 29)


def test_sorted_by_due_date_most_overdue_first_whatever_the_ward() -> None:
    rows = [
        _row("b", "Đức Giang", TODAY),
        _row("a", "Bồ Đề", TODAY + timedelta(days=1)),
        _row("c", "Bồ Đề", TODAY - timedelta(days=5)),
        _row("d", "", TODAY),
    ]
    assert [r.name for r in by_due_date(rows, TODAY)] == ["c", "b", "d", "a"]


def test_the_place_is_the_address_then_the_ward_once() -> None:
    assert place(_row("a", "Bồ Đề", TODAY, "Số 5 Hồng Tiến")) == "Số 5 Hồng Tiến, Bồ Đề"
    assert (
        place(_row("a", "Bồ Đề", TODAY, "Số 5 Hồng Tiến, Bo De, Long Biên"))
        == "Số 5 Hồng Tiến, Bo De, Long Biên"
    )
    assert place(_row("a", "Bồ Đề", TODAY)) == "Bồ Đề"


def test_mine_is_the_latest_visit_or_the_assignment() -> None:
    row = _row("a", "Bồ Đề", TODAY)
    assert not is_mine(row, None, CADRE)
    row.enterprise = Enterprise.create(name="a", assigned_to=CADRE)
    assert is_mine(row, None, CADRE)
    assert not is_mine(row, None, "Trần Văn Nam")


def _keys(app: Any) -> list[str]:
    table = app.screen.query_one("#followups", DataTable)
    return [str(k.value) for k in table.rows]


def _due_everyone(app: Any) -> list[str]:
    until = week_end(TODAY)
    return [r.id for r in app.index.rows.values() if r.next_due is not None and r.next_due <= until]


async def test_the_screen_lists_mine_soonest_first_with_the_address_and_a_count(run_app: Any) -> None:
    async with run_app(size=(120, 40)) as (app, pilot):
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FollowUpsScreen)
        assert screen.mine is True  # the cadre is known: only theirs at first
        keys = _keys(app)
        assert QUYNH_LUU in keys and HOANG_MAI in keys  # overdue by 3 days; due in 2 (both visited by CADRE)
        dues = [app.index.rows[k].next_due for k in keys]
        assert dues == sorted(dues)
        mine = [k for k in _due_everyone(app) if is_mine(app.index.rows[k], app.index.classes[k], CADRE)]
        assert sorted(keys) == sorted(mine)
        everyone = _due_everyone(app)
        assert len(mine) < len(everyone)  # the demo's other cadres have follow-ups due too
        text = screen_text(app)
        assert (
            _("{count} due — yours (your last visit or assigned to you). m: everyone's", count=len(mine))
            in text
        )
        assert "Số 5 Nguyễn Văn Cừ, Ngọc Lâm" in text  # the address, then the ward

        await pilot.press("m")
        await pilot.pause()
        keys = _keys(app)
        assert sorted(keys) == sorted(everyone)
        dues = [app.index.rows[k].next_due for k in keys]
        assert dues == sorted(dues)
        assert _("{count} due — everyone's. m: only yours", count=len(everyone)) in screen_text(app)
        assert app.active_bindings["m"].binding.show  # the key is in the footer

        app.screen.query_one("#followups", DataTable).move_cursor(row=keys.index(QUYNH_LUU))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen) and app.screen.enterprise_id == QUYNH_LUU


async def test_an_enterprise_assigned_to_the_cadre_is_theirs(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        other = next(e for e in store.enterprises() if e.assigned_to and e.assigned_to != CADRE)
    settings = load_settings(data_dir)
    save_settings(data_dir, settings.updated("cadre", other.assigned_to))
    app, store = build_app(data_dir)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            await pilot.press("f2")
            await settle(pilot)
            keys = _keys(app)
            assert keys and "none" not in keys
            for k in keys:
                c = app.index.classes[k]
                by_them = c.visit is not None and c.visit.cadre == other.assigned_to
                enterprise = app.index.rows[k].enterprise
                assert by_them or (enterprise is not None and enterprise.assigned_to == other.assigned_to)
    finally:
        store.close()


async def test_without_a_cadre_everyone_is_listed(data_dir: Path) -> None:
    save_settings(data_dir, load_settings(data_dir).updated("cadre", None))
    app, store = build_app(data_dir)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await ready(pilot)
            await pilot.press("f2")
            await settle(pilot)
            assert sorted(_keys(app)) == sorted(_due_everyone(app))
            assert isinstance(app.screen, FollowUpsScreen) and app.screen.mine is False
            await pilot.press("m")  # nothing to narrow to: it says why and changes nothing
            await settle(pilot)
            assert sorted(_keys(app)) == sorted(_due_everyone(app))
    finally:
        store.close()
