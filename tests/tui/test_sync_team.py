"""The Sync and Settings screens with a real server process on 127.0.0.1: who this laptop is (from the token),
the federation's rules, and a demo folder that never syncs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from support.live_server import LiveServer, free_port
from textual.widgets import Input, Static

from fieldapp.core.classify import classify_all, group_visits
from fieldapp.core.rules import load_rules
from fieldapp.settings import load_settings, save_settings
from fieldapp.store import Store
from fieldapp.tui.screens.settings import SettingsScreen
from sync.client import DEMO_KEY, SyncClient
from sync.server.db import make_engine
from sync.server.rules import set_rules

from .conftest import build_app, ready, screen_text, settle
from .test_sync_screen import _failure, _point_at, _sync

pytestmark = pytest.mark.anyio
SEEDED_NAME = "Nguyễn Thị Thu Hà"  # what the laptop's settings say before the server is asked


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    with LiveServer(f"sqlite:///{tmp_path / 'server.db'}", tmp_path / "server.log") as server:
        yield server


async def test_after_a_sync_the_laptop_is_who_the_server_says(live: LiveServer, data_dir: Path) -> None:
    token = live.add_user("nva", "cadre", full_name="Nguyễn Văn A")
    _point_at(data_dir, live.url, token)
    app, store = build_app(data_dir)
    own = [v.id for v in store.visits() if v.cadre == SEEDED_NAME]
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            await pilot.press("f3")
            await pilot.pause()
            await _sync(pilot)
            assert (app.settings.cadre, app.settings.full_name, app.settings.role) == (
                "nva",
                "Nguyễn Văn A",
                "cadre",
            )
            await app.workers.wait_for_complete()
            saved = load_settings(data_dir)
            assert (saved.cadre, saved.full_name, saved.role) == ("nva", "Nguyễn Văn A", "cadre")
            # the visits typed under the old name went under the server's, and were accepted
            assert all(store.get_visit(v).cadre == "nva" and not store.get_visit(v).pending for v in own)
            # Settings shows the server's name, read only, and no box to type another
            await pilot.press("f4")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, SettingsScreen)
            assert not screen.query_one("#cadre", Input).display
            line = str(screen.query_one("#cadre-server", Static).render())
            assert line == "Nguyễn Văn A (nva), cán bộ — theo máy chủ", line
    finally:
        store.close()


async def test_a_token_set_in_settings_asks_the_server(live: LiveServer, data_dir: Path) -> None:
    token = live.add_user("nva", "cadre", full_name="Nguyễn Văn A")
    save_settings(data_dir, load_settings(data_dir).updated("server", live.url))
    app, store = build_app(data_dir)
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await ready(pilot)
            await pilot.press("f4")
            await settle(pilot)
            screen = app.screen
            box = screen.query_one("#token", Input)
            error = screen.query_one("#token-error", Static)
            # a token the server does not know: refused under the field, nothing saved
            box.focus()
            await pilot.press(*"not-a-token", "enter")
            await settle(pilot)
            assert error.display and "401" in str(error.render()), str(error.render())
            await app.workers.wait_for_complete()
            assert app.settings.token is None and load_settings(data_dir).token is None
            assert app.settings.cadre == SEEDED_NAME
            # the right one: kept, and the name is the server's from now on
            box.value = ""
            await pilot.press(*token, "enter")
            await settle(pilot)
            assert not error.display
            assert (app.settings.token, app.settings.cadre, app.settings.role) == (token, "nva", "cadre")
            await app.workers.wait_for_complete()
            assert load_settings(data_dir).cadre == "nva"
            assert not screen.query_one("#cadre", Input).display
            assert "Nguyễn Văn A (nva)" in str(screen.query_one("#cadre-server", Static).render())
            # this laptop's pending visits were moved to the server's name, so the next sync sends them as nva's
            assert {v.cadre for v in store.pending_visits()} >= {"nva"}
            assert SEEDED_NAME not in {v.cadre for v in store.pending_visits()}
    finally:
        store.close()


async def test_a_token_set_while_the_server_is_away_is_kept_for_the_next_sync(data_dir: Path) -> None:
    settings = load_settings(data_dir).updated("server", f"http://127.0.0.1:{free_port()}")
    save_settings(data_dir, settings.model_copy(update={"sync_deadline": 1.0, "request_deadline": 1.0}))
    app, store = build_app(data_dir)
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await ready(pilot)
            await pilot.press("f4")
            await settle(pilot)
            app.screen.query_one("#token", Input).focus()
            await pilot.press(*"a-token-nobody-checked", "enter")
            for _attempt in range(100):  # bounded: the deadline is 1 s
                await settle(pilot)
                if app.settings.token:
                    break
                await pilot.pause(0.1)
            assert app.settings.token == "a-token-nobody-checked"
            assert app.settings.cadre == SEEDED_NAME and app.settings.role is None
            assert any("lần đồng bộ tới" in n.message for n in app._notifications)
    finally:
        store.close()


async def test_the_federations_rules_change_the_verdicts_after_a_sync(
    live: LiveServer, data_dir: Path
) -> None:
    token = live.add_user("nva", "cadre")
    _point_at(data_dir, live.url, token)
    engine = make_engine(live.database_url)
    try:
        set_rules(engine, "min_members = 30\npriority_size = 5\n", by="office")
    finally:
        engine.dispose()
    app, store = build_app(data_dir)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await ready(pilot)
            before = {i: c.status for i, c in app.index.classes.items()}
            await pilot.press("f3")
            await pilot.pause()
            await _sync(pilot)
            assert (app.rules.min_members, app.rules.priority_size) == (30, 5)
            assert app.index.rules is app.rules
            # every verdict on screen is what the rules now in effect give
            expected = classify_all(
                store.enterprises(), group_visits(store.visits()), load_rules(data_dir), app.today
            )
            assert {i: c.status for i, c in app.index.classes.items()} == {
                i: c.status for i, c in expected.items()
            }
            assert {i: c.status for i, c in app.index.classes.items()} != before  # they did change
            # Settings names each value's source
            await pilot.press("f4")
            await settle(pilot)
            lines = screen_text(app).splitlines()
            row = next(line for line in lines if "Số đoàn viên/đơn gia nhập tối thiểu" in line)
            assert " 30 " in row and "của Liên đoàn" in row, row
            assert any(" 20 " in line and "mặc định của phần mềm" in line for line in lines)
            # this laptop's own override wins, and says so
            (data_dir / "rules.toml").write_text("min_members = 4\n", encoding="utf-8")
            await pilot.press("f3")
            await pilot.pause()
            set_again = make_engine(live.database_url)
            try:
                set_rules(set_again, "min_members = 31\n", by="office")
            finally:
                set_again.dispose()
            await _sync(pilot)
            assert app.rules.min_members == 4 and "min_members" in app.rules.overridden
            await pilot.press("f4")
            await settle(pilot)
            row = next(line for line in screen_text(app).splitlines() if "Số đoàn viên/đơn gia nhập" in line)
            assert " 4 " in row and "ghi đè trên máy này" in row, row
    finally:
        store.close()


async def test_a_demo_folder_sends_nothing_and_says_why(
    live: LiveServer, data_dir: Path, tmp_path: Path
) -> None:
    token = live.add_user("nva", "cadre")
    _point_at(data_dir, live.url, token)
    with Store.open(data_dir) as store:
        store.set_meta(DEMO_KEY, True)  # as `fieldapp demo` marks its folder
    app, store = build_app(data_dir)
    pending = store.counts()
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            await pilot.press("f3")
            await pilot.pause()
            screen = await _sync(pilot)
            failure = _failure(screen)
            assert "dữ liệu mẫu" in failure and "--data-dir" in failure, failure
            assert store.counts() == pending  # nothing marked sent
            await pilot.press("ctrl+l")  # and in English
            await settle(pilot)
            assert "demo data" in _failure(app.screen)
    finally:
        store.close()
    # the server holds nothing: an admin's laptop pulls nothing
    admin = live.add_user("office", "admin")
    office_dir = tmp_path / "office"
    with Store.open(office_dir) as office:
        _point_at(office_dir, live.url, admin)
        summary = SyncClient(office, load_settings(office_dir)).run()
        assert summary.pulled == 0 and office.enterprises() == []
