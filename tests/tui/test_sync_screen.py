"""The Sync screen against a real server process on 127.0.0.1: progress, result, and settling a conflict."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.live_server import LiveServer
from textual.widgets import DataTable, ProgressBar, Static

from fieldapp.settings import load_settings, save_settings
from fieldapp.store import Store
from fieldapp.tui.screens.sync import SyncScreen

from .conftest import QUYNH_LUU, build_app, ready, settle

pytestmark = pytest.mark.anyio
CADRE = "Nguyễn Thị Thu Hà"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(url, token): ``python -m sync.server serve`` on SQLite in tmp_path, stopped afterwards."""
    with LiveServer(f"sqlite:///{tmp_path / 'server.db'}", tmp_path / "server.log") as live:
        yield live.url, live.add_user(CADRE, role="cadre")  # the server takes only its own visits


def _point_at(folder: Path, url: str, token: str) -> None:
    settings = load_settings(folder).updated("server", url).updated("token", token)
    save_settings(folder, settings)


async def _sync(pilot: Any) -> SyncScreen:
    screen = pilot.app.screen
    assert isinstance(screen, SyncScreen)
    await pilot.press("s")
    for _attempt in range(300):  # bounded: at most ~30 s
        await settle(pilot)
        if not screen.running:
            break
        await pilot.pause(0.1)
    await settle(pilot)
    return screen


async def test_sync_sends_everything_and_settles_a_conflict(
    server: tuple[str, str], data_dir: Path, tmp_path: Path
) -> None:
    url, token = server
    _point_at(data_dir, url, token)
    app, store = build_app(data_dir)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            await pilot.press("f3")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, SyncScreen)
            assert url in str(screen.query_one("#sync-server", Static).render())
            counts = store.counts()
            assert f"{counts['pending_enterprises']} doanh nghiệp" in str(
                screen.query_one("#sync-pending", Static).render()
            )
            await _sync(pilot)
            # visits logged by other cadres are refused by the server and listed; everything else went through
            foreign = [v.id for v in store.visits() if v.cadre != CADRE]
            assert foreign
            assert store.counts()["pending_enterprises"] == 0
            assert sorted(v.id for v in store.pending_visits()) == sorted(foreign)
            last = str(screen.query_one("#sync-last", Static).render())
            assert f"đã gửi {counts['pending_enterprises'] + counts['pending_visits']}" in last
            assert f"bị từ chối {len(foreign)}" in last
            bar = screen.query_one(ProgressBar)
            assert bar.total is not None and bar.progress == bar.total
            assert app.pending_records == len(foreign)
            table = screen.query_one("#issues", DataTable)
            assert table.row_count == len(foreign)
            first = [str(c) for c in table.get_row_at(0)]
            assert first[2] == "bị từ chối" and "Cán bộ" in first[3]

            # another laptop changes the same enterprise first ...
            other_dir = tmp_path / "other"
            other = Store.open(other_dir)
            try:
                _point_at(other_dir, url, token)
                from sync.client import SyncClient

                SyncClient(other, load_settings(other_dir)).run()
                theirs = other.get_enterprise(QUYNH_LUU)
                assert theirs is not None
                other.save_enterprise(theirs.edit(address="Số 9 Ngọc Lâm (máy khác)"))
                SyncClient(other, load_settings(other_dir)).run()
            finally:
                other.close()
            # ... then this laptop edits the same field: a conflict the cadre settles on the screen
            mine = store.get_enterprise(QUYNH_LUU)
            assert mine is not None
            store.save_enterprise(mine.edit(address="Số 1 Ngọc Lâm (máy này)"))
            await _sync(pilot)
            table = screen.query_one("#issues", DataTable)
            keys = [str(k.value) for k in table.rows]
            assert f"enterprise:{QUYNH_LUU}" in keys
            at = keys.index(f"enterprise:{QUYNH_LUU}")
            row = [str(c) for c in table.get_row_at(at)]
            assert row[1] == "Công ty TNHH Gốm sứ Quỳnh Lưu" and row[2] == "xung đột"
            table.focus()
            table.move_cursor(row=at)
            await pilot.press("t")  # take the server's: asked first
            await settle(pilot)
            await pilot.click("#answer-yes")
            await settle(pilot)
            assert not [i for i in store.sync_issues() if i.id == QUYNH_LUU]
            assert store.get_enterprise(QUYNH_LUU).address == "Số 9 Ngọc Lâm (máy khác)"
            assert screen.query_one("#issues", DataTable).row_count == len(foreign)
    finally:
        store.close()


async def test_without_a_server_the_screen_says_what_to_do(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        await pilot.press("f3")
        await pilot.pause()
        assert "chưa đặt" in str(app.screen.query_one("#sync-server", Static).render())
        # where to set it: the Settings screen first, the command line still named
        setup = str(app.screen.query_one("#sync-setup", Static).render())
        assert setup.index("F4") < setup.index("fieldapp config set server URL")
        assert "fieldapp config set token TOKEN" in setup
        await pilot.press("s")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert messages and all("Traceback" not in m for m in messages)
        assert app.is_running and isinstance(app.screen, SyncScreen) and not app.screen.running
        # nothing is running any more, so the bar must not keep spinning as if something were
        assert app.screen.query_one("#sync-progress", ProgressBar).total is not None


def _failure(screen: SyncScreen) -> str:
    """The persistent failure line of the Sync screen ('' when hidden)."""
    widget = screen.query_one("#sync-failure", Static)
    return str(widget.render()) if widget.display else ""


async def test_a_failed_sync_stays_on_the_screen_until_the_next_attempt(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        await pilot.press("f3")
        await pilot.pause()
        assert _failure(app.screen) == ""
        await _sync(pilot)
        app.clear_notifications()  # the toast goes away; the reason must not
        await pilot.pause()
        failure = _failure(app.screen)
        assert "không thành công" in failure and "Chưa cấu hình máy chủ" in failure
        assert "fieldapp config set server" in failure  # what to do
        # in the language the cadre switches to, and still there after leaving the screen and coming back
        await pilot.press("ctrl+l")
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        await pilot.press("f3")
        await pilot.pause()
        failure = _failure(app.screen)
        assert failure.startswith("The last sync failed: No server and token configured."), failure
        # the next attempt starts clean (and fails again for the same reason)
        await _sync(pilot)
        assert _failure(app.screen).count("No server and token configured") == 1


async def test_a_wrong_token_says_to_get_a_new_one(server: tuple[str, str], data_dir: Path) -> None:
    url, token = server
    _point_at(data_dir, url, "not-the-token")
    app, store = build_app(data_dir)
    pending = store.counts()["pending_enterprises"]
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            await pilot.press("f3")
            await pilot.pause()
            screen = await _sync(pilot)
            app.clear_notifications()
            await pilot.pause()
            failure = _failure(screen)
            assert "mã truy cập (401)" in failure and "fieldapp config set token" in failure, failure
            assert store.counts()["pending_enterprises"] == pending  # nothing was lost or marked sent
            # with the right token the next attempt goes through and the failure is gone
            app.settings = app.settings.updated("token", token)
            await _sync(pilot)
            assert _failure(screen) == ""
            assert store.counts()["pending_enterprises"] == 0
            assert "đã gửi" in str(screen.query_one("#sync-last", Static).render())
    finally:
        store.close()
