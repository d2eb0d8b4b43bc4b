"""Follow-ups: due this week and overdue, grouped by ward."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from textual.widgets import DataTable

from fieldapp.tui.index import Row
from fieldapp.tui.screens.detail import DetailScreen
from fieldapp.tui.screens.followups import FollowUpsScreen, group_followups, week_end

from .conftest import HOANG_MAI, QUYNH_LUU, TODAY

pytestmark = pytest.mark.anyio


def _row(name: str, ward: str, due: date) -> Row:
    return Row(id=name, name=name, tax_code="", ward=ward, status="eligible", priority="normal", stable=None,
               seasonal_share=None, attitude=None, last_visit=None, next_due=due, pending=False, name_key=name)  # fmt: skip


def test_week_ends_on_sunday() -> None:
    assert week_end(TODAY) == date(2026, 11, 29)
    assert week_end(date(2026, 11, 29)) == date(2026, 11, 29)


def test_groups_by_ward_alphabetically_oldest_first() -> None:
    rows = [
        _row("b", "Đức Giang", TODAY),
        _row("a", "Bồ Đề", TODAY + timedelta(days=1)),
        _row("c", "Bồ Đề", TODAY - timedelta(days=5)),
        _row("d", "", TODAY),
    ]
    groups = group_followups(rows, TODAY)
    assert [ward for ward, _rows in groups] == ["Bồ Đề", "Đức Giang", ""]
    assert [r.name for r in groups[0][1]] == ["c", "a"]


async def test_the_screen_lists_due_and_overdue_by_ward(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, FollowUpsScreen)
        table = screen.query_one(DataTable)
        keys = [str(k.value) for k in table.rows]
        assert QUYNH_LUU in keys and HOANG_MAI in keys  # overdue by 3 days; due in 2
        assert keys.index("ward:Ngọc Lâm") < keys.index(QUYNH_LUU)
        assert keys.index("ward:Bồ Đề") < keys.index(HOANG_MAI)
        until = week_end(TODAY)
        listed = [k for k in keys if not k.startswith("ward:")]
        assert all(app.index.rows[k].next_due <= until for k in listed)
        expected = [r.id for r in app.index.rows.values() if r.next_due is not None and r.next_due <= until]
        assert sorted(listed) == sorted(expected)
        table.move_cursor(row=keys.index(QUYNH_LUU))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen) and app.screen.enterprise_id == QUYNH_LUU
