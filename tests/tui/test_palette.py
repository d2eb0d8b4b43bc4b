"""The command palette: open an enterprise by name, filters, screens, language."""

from __future__ import annotations

from typing import Any

import pytest
from textual.command import CommandPalette

from fieldapp.tui.screens.detail import DetailScreen
from fieldapp.tui.screens.followups import FollowUpsScreen
from fieldapp.tui.screens.home import HomeScreen

from .conftest import QUYNH_LUU, settle

pytestmark = pytest.mark.anyio


async def run_command(pilot: Any, text: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert CommandPalette.is_open(pilot.app)
    await pilot.press(*text)
    await pilot.pause(0.3)  # the palette searches in the background
    await pilot.press("enter")
    await settle(pilot)


async def test_open_an_enterprise_by_name_without_accents(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        await run_command(pilot, "quynh luu")
        assert isinstance(app.screen, DetailScreen) and app.screen.enterprise_id == QUYNH_LUU


async def test_filter_command_sets_the_home_filter(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        await pilot.press("f2")
        await pilot.pause()
        await run_command(pilot, "Lọc: Chưa rõ")
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.query_state.status == "unknown"


async def test_screen_and_language_commands(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        await run_command(pilot, "Mở: Hẹn thăm")
        assert isinstance(app.screen, FollowUpsScreen)
        await run_command(pilot, "tiếng Anh")
        assert app.settings.language == "en"
        await run_command(pilot, "Go to: Enterprises")
        assert isinstance(app.screen, HomeScreen)


async def test_the_due_filter_command_sorts_soonest_first_like_the_key(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        await run_command(pilot, "Lọc: đến hạn thăm lại")
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert (
            home.query_state.due_only
            and home.query_state.sort == "next_due"
            and not home.query_state.descending
        )
