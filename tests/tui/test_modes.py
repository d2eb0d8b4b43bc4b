"""The F-key screens are Textual modes: each keeps its own stack, F1–F4 always show their own screen, the detail and
the forms go on top of the current mode, and a change made in one mode reaches the screens of the others."""

from __future__ import annotations

from typing import Any

import pytest
from textual.message import Message
from textual.widgets import DataTable, Input, Select, Static

from fieldapp.tui.messages import DataChanged, IndexUpdated, RecordSaved
from fieldapp.tui.screens.detail import DetailScreen
from fieldapp.tui.screens.followups import FollowUpsScreen
from fieldapp.tui.screens.home import HomeScreen
from fieldapp.tui.screens.settings import SettingsScreen
from fieldapp.tui.screens.sync import SyncScreen
from fieldapp.tui.screens.visit_form import VisitFormScreen
from fieldapp.tui.widgets.badges import status_label

from .conftest import HOANG_MAI, QUYNH_LUU, settle

pytestmark = pytest.mark.anyio


async def test_each_f_key_shows_its_mode(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        assert app.current_mode == "home" and isinstance(app.screen, HomeScreen)
        for key, mode, screen_type in [
            ("f2", "followups", FollowUpsScreen),
            ("f3", "sync", SyncScreen),
            ("f4", "settings", SettingsScreen),
            ("f1", "home", HomeScreen),
        ]:
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == mode and isinstance(app.screen, screen_type)
            assert len(app.screen_stack) == 1
        followups = app.get_screen_stack("followups")[0]
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is followups  # built once, kept while the app runs
        await pilot.press("escape")  # back to the enterprises
        await pilot.pause()
        assert app.current_mode == "home"


async def test_f1_from_a_detail_or_form_shows_the_table(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        home = app.screen
        app.open_enterprise(QUYNH_LUU)
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, VisitFormScreen) and app.screen_stack[0] is home
        await pilot.press("f1")
        await pilot.pause()
        assert app.screen is home and app.screen_stack == [home]


async def test_a_detail_opened_from_follow_ups_goes_back_to_them(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        app.open_enterprise(QUYNH_LUU)  # a detail on the home mode, left open
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=[str(k.value) for k in table.rows].index(QUYNH_LUU))
        await pilot.press("enter")
        await pilot.pause()
        detail = app.screen
        assert isinstance(detail, DetailScreen) and app.current_mode == "followups"
        assert isinstance(app.get_screen_stack("home")[-1], DetailScreen)  # the other mode's stays as it was
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FollowUpsScreen)


async def test_a_visit_saved_in_one_mode_refreshes_the_others(run_app: Any) -> None:
    seen: list[Message] = []
    async with run_app(message_hook=seen.append) as (app, pilot):
        home = app.screen
        assert isinstance(home, HomeScreen)
        eligible_before = app.index.counts()["eligible"]
        await pilot.press("f2")
        await pilot.pause()
        app.open_enterprise(HOANG_MAI)  # not eligible: 2 stable workers
        await pilot.pause()
        await pilot.press("v")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, VisitFormScreen)
        for name, value in (("headcount", "40"), ("seasonal", "0"), ("managers", "1"), ("applications", "6")):
            form.query_one(f"#input-{name}", Input).value = value
        form.query_one("#input-attitude").focus()
        await pilot.press("1")  # supportive
        await pilot.pause()
        seen.clear()
        await pilot.press("ctrl+s")
        await settle(pilot)
        # the worker reported through messages: the record to its form, the new verdict to the app, which told
        # every screen of every mode
        saved = [m for m in seen if isinstance(m, RecordSaved)]
        assert len(saved) == 1 and saved[0].enterprise_id == HOANG_MAI
        assert app.store.get_visit(saved[0].record.id) is not None
        assert [m.enterprise_id for m in seen if isinstance(m, IndexUpdated)] == [HOANG_MAI]
        told = [m for m in seen if isinstance(m, DataChanged)]
        assert told and all(m.enterprise_id == HOANG_MAI for m in told)
        assert isinstance(app.screen, DetailScreen) and app.current_mode == "followups"
        # the home screen, in a mode not on screen, already counts the new verdict
        assert app.index.rows[HOANG_MAI].status == "eligible"
        counts = str(home.query_one("#counts", Static).render())
        assert f"{status_label('eligible')}  {eligible_before + 1}" in counts, counts


async def test_the_settings_screen_follows_a_theme_changed_elsewhere(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        await pilot.press("f4")
        await pilot.pause()
        select = app.screen.query_one("#theme", Select)
        assert select.value == "textual-dark"
        await pilot.press("f1", "ctrl+t")
        await settle(pilot)
        await pilot.press("f4")
        await pilot.pause()
        assert app.theme == "textual-light" and select.value == "textual-light"
