"""The Sync screen through its typed seam (``SyncClientPort``), in-process: progress and the result arrive as
messages from the worker, a failure stays on the screen, Stop reaches the running client."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from textual.message import Message
from textual.widgets import ProgressBar, Static

from fieldapp.core.i18n import Lang
from fieldapp.core.kinds import Kind
from fieldapp.settings import Settings
from fieldapp.store import Store
from fieldapp.tui.messages import SyncFinished, SyncProgressed
from fieldapp.tui.ports import SyncClientFactory, SyncClientPort
from fieldapp.tui.screens.sync import SyncScreen
from sync.client import Resolution, SyncProgress, SyncSummary

from .conftest import screen_text, settle

pytestmark = pytest.mark.anyio


class Stopped(Exception):
    """What a client raises when a sync could not finish: it says itself in either language."""

    def __init__(self, vi: str, en: str, summary: SyncSummary | None = None) -> None:
        super().__init__(en)
        self.texts = {"vi": vi, "en": en}
        self.summary = summary

    def message(self, lang: Lang = "vi") -> str:
        return self.texts[lang]


class FakeClient:
    """Pushes 3 records in two reports and pulls 2, or raises *fails*; waits for cancel() when *blocks*."""

    def __init__(self, fails: Stopped | None = None, blocks: bool = False) -> None:
        self.fails = fails
        self.blocks = blocks
        self.started = threading.Event()
        self.cancelled = threading.Event()

    def run(self, progress: Callable[[SyncProgress], None] | None = None) -> SyncSummary:
        report = progress or (lambda _p: None)
        self.started.set()
        if self.blocks and self.cancelled.wait(timeout=10):
            raise Stopped("Đã dừng.", "Stopped.", SyncSummary(pushed=3, accepted=1, unanswered=2))
        if self.fails is not None:
            raise self.fails
        report(SyncProgress("push", 2, 3))
        report(SyncProgress("push", 3, 3))
        report(SyncProgress("pull", 2, None))
        return SyncSummary(pushed=3, accepted=3, pulled=2)

    def cancel(self) -> None:
        self.cancelled.set()

    def resolve(self, kind: Kind, record_id: str, choice: Resolution) -> None:
        raise AssertionError("not used here")


def factory_of(client: FakeClient) -> SyncClientFactory:
    def make(_store: Store, _settings: Settings) -> SyncClientPort:
        return client  # typed as the port: mypy tells when the fake no longer fits it

    return make


def text(screen: SyncScreen, selector: str) -> str:
    widget = screen.query_one(selector, Static)
    return str(widget.render()) if widget.display else ""


async def _open_sync(pilot: Any) -> SyncScreen:
    await pilot.press("f3")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SyncScreen)
    return screen


async def test_progress_and_result_arrive_as_messages(run_app: Any) -> None:
    seen: list[Message] = []
    async with run_app(message_hook=seen.append, sync_client_factory=factory_of(FakeClient())) as (
        app,
        pilot,
    ):
        screen = await _open_sync(pilot)
        await pilot.press("s")
        await settle(pilot)
        progressed = [m.progress for m in seen if isinstance(m, SyncProgressed)]
        assert [(p.phase, p.done) for p in progressed] == [("push", 2), ("push", 3), ("pull", 2)]
        assert [m.summary.pulled for m in seen if isinstance(m, SyncFinished)] == [2]
        assert not screen.running
        bar = screen.query_one(ProgressBar)
        assert bar.total == 3 and bar.progress == 3
        assert text(screen, "#sync-phase") == "đang nhận: đã nhận 2 thay đổi"
        last = text(screen, "#sync-last")
        assert "đã gửi 3, được nhận 3" in last and "đã nhận về 2" in last
        assert text(screen, "#sync-failure") == ""


async def test_a_failure_says_why_and_keeps_the_work_done(run_app: Any) -> None:
    failing = Stopped(
        "Máy chủ từ chối.", "The server said no.", SyncSummary(pushed=4, accepted=1, rejected=3)
    )
    async with run_app(sync_client_factory=factory_of(FakeClient(fails=failing))) as (app, pilot):
        screen = await _open_sync(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert not screen.running and screen.failure is failing
        assert "Máy chủ từ chối." in text(screen, "#sync-failure")
        last = text(screen, "#sync-last")
        assert "đã gửi 4, được nhận 1" in last and "bị từ chối 3" in last
        assert any("Máy chủ từ chối." in n.message for n in app._notifications)  # and the toast


async def test_stop_cancels_the_running_client(run_app: Any) -> None:
    client = FakeClient(blocks=True)
    async with run_app(sync_client_factory=factory_of(client)) as (app, pilot):
        screen = await _open_sync(pilot)
        await pilot.press("s")
        for _attempt in range(100):  # bounded: at most ~10 s
            if client.started.is_set() and screen.client is client:
                break
            await pilot.pause(0.1)
        assert screen.running
        await pilot.press("c")
        await settle(pilot)
        assert client.cancelled.is_set() and not screen.running
        assert "Đã dừng." in text(screen, "#sync-failure")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_bar_shows_its_percent_whole_and_keeps_it_across_a_language_switch(
    run_app: Any, size: tuple[int, int]
) -> None:
    # issue 11, bug 8: the bar read "━━━ 100" (the % cut), the pull "receiving: 303/?", and after Ctrl+L a new
    # bar said 0% under a finished sync
    async with run_app(size=size, sync_client_factory=factory_of(FakeClient())) as (app, pilot):
        screen = await _open_sync(pilot)
        await pilot.press("s")
        await settle(pilot)
        bar_line = next(line for line in screen_text(app).splitlines() if "━" in line)
        assert "100%" in bar_line, bar_line
        assert "/?" not in screen_text(app)
        await pilot.press("ctrl+l")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SyncScreen)
        bar_line = next(line for line in screen_text(app).splitlines() if "━" in line)
        assert "100%" in bar_line and "0%" not in bar_line.replace("100%", ""), bar_line
        assert text(screen, "#sync-phase") == "receiving: 2 changes so far"
