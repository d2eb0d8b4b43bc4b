"""The Sync screen facing real servers on 127.0.0.1: another server database (the laptop starts over and says so), a
server that trickles its answer (Stop ends the sync at once), and a plain-http server (refused unless allowed, then
a warning at every sync)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.live_server import LiveServer
from support.trickle_server import TrickleServer
from textual.widgets import Static

from fieldapp.tui.screens.sync import SyncScreen

from .conftest import settle

pytestmark = pytest.mark.anyio
CADRE = "Nguyễn Thị Thu Hà"
#: bounds on waiting for a sync (rounds of 0.1 s): a liveness bound, never a timing
ROUNDS = 300


def _text(screen: SyncScreen, selector: str) -> str:
    widget = screen.query_one(selector, Static)
    return str(widget.render()) if widget.display else ""


async def _open(pilot: Any) -> SyncScreen:
    await pilot.press("f3")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SyncScreen)
    return screen


async def _until(pilot: Any, done: Any, rounds: int = ROUNDS) -> bool:
    for _attempt in range(rounds):
        await pilot.pause(0.1)
        if done():
            return True
    return False


async def _sync(pilot: Any, screen: SyncScreen) -> None:
    await pilot.press("s")
    await pilot.pause()
    assert await _until(pilot, lambda: not screen.running), "the sync never ended"
    await settle(pilot)


def _notes(app: Any) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_the_screen_says_the_laptop_started_over_with_another_server(
    run_app: Any, tmp_path: Path
) -> None:
    first = LiveServer(f"sqlite:///{tmp_path / 'first.db'}", tmp_path / "first.log")
    other = LiveServer(f"sqlite:///{tmp_path / 'other.db'}", tmp_path / "other.log")
    with first, other:
        async with run_app() as (app, pilot):
            app.update_setting("server", first.url)
            app.update_setting("token", first.add_user(CADRE, role="cadre"))
            screen = await _open(pilot)
            await _sync(pilot, screen)
            assert screen.failure is None and _text(screen, "#sync-notice") == ""
            synced = app.store.counts()

            # the office moved the server: another database answers at another address
            app.update_setting("server", other.url)
            app.update_setting("token", other.add_user(CADRE, role="cadre"))
            app.clear_notifications()
            await _sync(pilot, screen)

            assert screen.failure is None, screen.failure
            notice = _text(screen, "#sync-notice")
            assert "Không mất dữ liệu nào trên máy này" in notice
            assert any("Không mất dữ liệu nào trên máy này" in n for n in _notes(app))  # and a toast
            assert app.store.counts()["pending_enterprises"] == synced["pending_enterprises"] == 0
            # in English too, and still there when the screen is shown again
            await pilot.press("ctrl+l")
            await settle(pilot)
            assert "Nothing on this laptop was lost" in _text(screen, "#sync-notice")
            # the next sync with the same server has nothing to say about it
            await _sync(pilot, screen)
            assert _text(screen, "#sync-notice") == ""


async def test_stop_ends_a_sync_stuck_on_a_trickling_server(run_app: Any) -> None:
    with TrickleServer(interval=0.5) as slow:
        async with run_app() as (app, pilot):
            app.update_setting("server", slow.url)
            app.update_setting("token", "t" * 20)
            before = app.store.counts()
            screen = await _open(pilot)
            await pilot.press("s")
            assert await _until(pilot, slow.answering.is_set), "the sync never reached the server"
            assert screen.running

            await pilot.press("c")

            # 50 rounds of 0.1 s: Stop must not wait for the server's next byte nor for any timeout
            assert await _until(pilot, lambda: not screen.running, rounds=50), "Stop did not end the sync"
            await settle(pilot)
            assert "Đã dừng đồng bộ" in _text(screen, "#sync-failure")
            assert app.store.counts() == before  # nothing marked synced


async def test_a_plain_http_server_is_refused_then_allowed_with_a_warning(
    run_app: Any, tmp_path: Path
) -> None:
    with LiveServer(f"sqlite:///{tmp_path / 'server.db'}", tmp_path / "server.log") as live:
        # 0.0.0.0 stands for another machine (it is not loopback by the rule) while the traffic stays here
        plain = live.url.replace("127.0.0.1", "0.0.0.0")
        async with run_app() as (app, pilot):
            app.settings = app.settings.updated("token", live.add_user(CADRE, role="cadre"))
            # a laptop set up before the rule: the address is in its settings file, never checked there
            app.settings = app.settings.model_copy(update={"server": plain})
            pending = app.store.counts()["pending_enterprises"]
            screen = await _open(pilot)
            await _sync(pilot, screen)
            failure = _text(screen, "#sync-failure")
            assert plain in failure and "http://" in failure and "--insecure" in failure, failure
            assert app.store.counts()["pending_enterprises"] == pending  # nothing sent

            app.update_setting("allow_insecure", True)
            app.clear_notifications()
            await _sync(pilot, screen)
            assert screen.failure is None, screen.failure
            assert app.store.counts()["pending_enterprises"] == 0
            assert any(plain in n and "không được mã hóa" in n for n in _notes(app)), _notes(app)
