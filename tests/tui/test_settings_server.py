"""Settings: the sync server and access token (validated, saved at once, the token never shown in clear)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from fieldapp.settings import SETTINGS_FILE, load_settings, save_settings
from fieldapp.tui.screens.settings import SettingsScreen
from fieldapp.tui.screens.sync import SyncScreen

from .conftest import settle

pytestmark = pytest.mark.anyio

TOKEN = "s3cretTok3nForThisLaptop9xyz"
URL = "https://dongbo.congdoan.example.vn:8443"


def screen_text(app: Any) -> str:
    """Every character the screen shows now."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def open_settings(app: Any, pilot: Any) -> SettingsScreen:
    await pilot.press("f4")
    await pilot.pause()
    assert isinstance(app.screen, SettingsScreen)
    return app.screen


async def test_a_server_and_token_set_on_settings_persist_and_take_effect(
    run_app: Any, data_dir: Path
) -> None:
    async with run_app(size=(100, 40)) as (app, pilot):
        await pilot.press("f3")  # the Sync screen first: going back to it later must show the new server
        await pilot.pause()
        assert app.screen.query_one("#sync-setup", Static).display
        screen = await open_settings(app, pilot)
        assert "chưa đặt" in str(screen.query_one("#token-state", Static).render())
        server = screen.query_one("#server", Input)
        server.focus()
        server.value = URL
        await pilot.press("enter")
        await settle(pilot)
        assert load_settings(data_dir).server == URL
        screen.query_one("#token", Input).focus()
        await pilot.press(*TOKEN)
        await pilot.pause()
        assert TOKEN not in screen_text(app)  # masked while typed
        await pilot.press("enter")
        await settle(pilot)
        assert load_settings(data_dir).token == TOKEN
        assert screen.query_one("#token", Input).value == ""  # the box does not keep it
        state = str(screen.query_one("#token-state", Static).render())
        assert "đã đặt" in state and TOKEN[-4:] in state
        text = screen_text(app)
        assert TOKEN not in text and TOKEN[:-4] not in text and "…" + TOKEN[-4:] in text
        # the Sync screen uses the new server at once, and no longer asks to set one
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, SyncScreen)
        assert URL in str(app.screen.query_one("#sync-server", Static).render())
        assert not app.screen.query_one("#sync-setup", Static).display
        assert app.settings.server == URL and app.settings.token == TOKEN


@pytest.mark.parametrize(
    "bad", ["dongbo.example.vn", "ftp://dongbo.example.vn", "https://", "http:///sync", "https://a b"]
)
async def test_an_invalid_server_url_says_why_and_saves_nothing(
    run_app: Any, data_dir: Path, bad: str
) -> None:
    before = (data_dir / SETTINGS_FILE).read_bytes()
    async with run_app(size=(100, 40)) as (app, pilot):
        screen = await open_settings(app, pilot)
        error = screen.query_one("#server-error", Static)
        assert not error.display
        server = screen.query_one("#server", Input)
        server.focus()
        server.value = bad
        await pilot.press("enter")
        await settle(pilot)
        assert error.display
        assert "https://" in str(error.render()) and "Nhập địa chỉ" in str(error.render())
        assert app.settings.server is None
        await pilot.press("tab")  # leaving the field does not save it either
        await settle(pilot)
        assert (data_dir / SETTINGS_FILE).read_bytes() == before
        assert load_settings(data_dir).server is None
        # a good address clears the message
        server.focus()
        server.value = "http://127.0.0.1:8000"
        await pilot.press("enter")
        await settle(pilot)
        assert not error.display
        assert load_settings(data_dir).server == "http://127.0.0.1:8000"


async def test_the_stored_token_is_never_shown_and_can_be_replaced(run_app: Any, data_dir: Path) -> None:
    save_settings(data_dir, load_settings(data_dir).updated("token", TOKEN))
    async with run_app(size=(100, 40)) as (app, pilot):
        await pilot.press("ctrl+l")  # in English too
        await settle(pilot)
        screen = await open_settings(app, pilot)
        token_box = screen.query_one("#token", Input)
        assert token_box.password and token_box.value == ""
        text = screen_text(app)
        assert TOKEN not in text and TOKEN[:-4] not in text
        assert "set (…" + TOKEN[-4:] + ")" in text
        token_box.focus()
        await pilot.press("enter")  # an empty box keeps the stored token
        await settle(pilot)
        assert load_settings(data_dir).token == TOKEN
        await pilot.press(*"newtoken0000000000abcd", "tab")  # replaced when leaving the box as well
        await settle(pilot)
        assert load_settings(data_dir).token == "newtoken0000000000abcd"
        assert "…abcd" in screen_text(app) and "newtoken" not in screen_text(app)
