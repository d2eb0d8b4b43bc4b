"""A server that trickles its answer one byte at a time cannot hold a sync: a total deadline per request and per sync
ends it, and cancel() ends it at once, even while it waits for the next byte. Nothing is marked either way.

The server is real (``tests/support/trickle_server.py``: headers, then a byte every 0.5 s, each well within httpx's
read timeout). Liveness is checked by joining the sync's thread with a generous bound, never by timing it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support.trickle_server import TrickleServer

from fieldapp.core.errors import RecordError
from fieldapp.settings import Settings, load_settings, save_settings
from fieldapp.store import Store
from sync.client import CURSOR_KEY, SyncCancelled, SyncClient, SyncSummary, SyncTooSlow

from .laptop import add_enterprise, add_visits

#: how long a stopped sync may take to come back before the test calls it hung (a liveness bound, not a timing)
LIVENESS = 30.0


@pytest.fixture
def slow() -> Iterator[TrickleServer]:
    with TrickleServer(interval=0.5) as server:
        yield server


def _pending(store: Store) -> tuple[int, int]:
    counts = store.counts()
    return counts["pending_enterprises"], counts["pending_visits"]


class Running:
    """A sync running on its own thread; ``outcome`` is its summary or the exception it raised."""

    def __init__(self, client: SyncClient) -> None:
        self.client = client
        self.outcome: SyncSummary | BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            self.outcome = self.client.run()
        except BaseException as exc:  # handed to the test
            self.outcome = exc

    def ended(self, timeout: float) -> bool:
        self.thread.join(timeout)
        return not self.thread.is_alive()


def _client(store: Store, url: str, **deadlines: float) -> SyncClient:
    return SyncClient(store, Settings(server=url, token="t" * 20, **deadlines))


@pytest.mark.parametrize(
    ("deadlines", "code", "seconds"),
    [
        ({"sync_deadline": 2.0}, "sync_deadline", "2"),
        ({"request_deadline": 1.5}, "request_deadline", "1.5"),
    ],
)
def test_a_trickling_server_ends_with_the_deadline_error_and_nothing_marked(
    slow: TrickleServer, laptop: Store, deadlines: dict[str, float], code: str, seconds: str
) -> None:
    add_visits(laptop, add_enterprise(laptop), "an", 3)
    before = _pending(laptop)

    sync = Running(_client(laptop, slow.url, **deadlines))

    assert sync.ended(LIVENESS), "the sync still hangs on a server that trickles its answer"
    error = sync.outcome
    assert isinstance(error, SyncTooSlow) and error.code == code, error
    assert slow.requests >= 1 and slow.answering.is_set()  # it did reach the server and start reading
    for lang, words in (("vi", "quá chậm"), ("en", "too slow")):
        text = error.message(lang)
        assert words in text and slow.url in text and f"{seconds} " in text
    assert error.summary is not None and error.summary.accepted == 0
    assert _pending(laptop) == before  # nothing marked synced: running it again sends them all
    assert laptop.get_meta(CURSOR_KEY, 0) in (0, None)


def test_cancel_stops_a_sync_blocked_in_a_read(slow: TrickleServer, laptop: Store) -> None:
    add_visits(laptop, add_enterprise(laptop), "an", 3)
    before = _pending(laptop)
    # deadlines far away: only cancel() can end this one soon
    sync = Running(_client(laptop, slow.url, sync_deadline=3600, request_deadline=3600))
    assert slow.answering.wait(LIVENESS)  # the answer has begun: the client is blocked reading its body

    sync.client.cancel()

    assert sync.ended(5.0), "cancel() did not stop a sync blocked in a read"
    assert isinstance(sync.outcome, SyncCancelled)
    assert sync.outcome.summary is not None and sync.outcome.summary.accepted == 0
    assert _pending(laptop) == before
    assert not laptop.sync_issues()


def test_a_cancel_before_the_run_starts_still_stops_it(slow: TrickleServer, laptop: Store) -> None:
    """The app may ask to stop while the client is still being made: the run that follows stops at once."""
    add_enterprise(laptop)
    client = _client(laptop, slow.url, sync_deadline=3600, request_deadline=3600)
    client.cancel()
    sync = Running(client)
    assert sync.ended(5.0)
    assert isinstance(sync.outcome, SyncCancelled)
    # and the client is usable again afterwards: the next run is not cancelled by the old request
    again = Running(client)
    assert slow.answering.wait(LIVENESS)
    client.cancel()
    assert again.ended(5.0) and isinstance(again.outcome, SyncCancelled)


def test_after_a_deadline_the_next_sync_against_a_good_server_sends_everything(
    slow: TrickleServer, laptop: Store, module_server: Any, cadre: Any
) -> None:
    add_visits(laptop, add_enterprise(laptop, assigned_to=cadre.name), cadre.name, 4)
    sync = Running(_client(laptop, slow.url, sync_deadline=1.5))
    assert sync.ended(LIVENESS) and isinstance(sync.outcome, SyncTooSlow)

    summary = SyncClient(laptop, Settings(server=module_server.url, token=cadre.token)).run()

    assert summary.ok and summary.accepted == 5 and _pending(laptop) == (0, 0)


def test_fieldapp_sync_says_the_server_is_too_slow_and_exits_1(
    slow: TrickleServer, run: Callable[..., Any], data_dir: Path
) -> None:
    with Store.open(data_dir) as store:
        add_enterprise(store)
    settings = load_settings(data_dir).updated("server", slow.url).updated("token", "t" * 20)
    save_settings(data_dir, settings.model_copy(update={"sync_deadline": 1.5}))
    done: list[Any] = []
    thread = threading.Thread(target=lambda: done.append(run("sync")), daemon=True)
    thread.start()
    thread.join(LIVENESS)
    assert done, "fieldapp sync still hangs on a server that trickles its answer"
    result = done[0]
    assert result.exit_code == 1
    assert "quá chậm" in result.stderr and slow.url in result.stderr
    with Store.open(data_dir, readonly=True) as store:
        assert store.counts()["pending_enterprises"] == 1


def test_the_deadlines_are_settings_with_sane_bounds() -> None:
    settings = Settings()
    assert (settings.sync_deadline, settings.request_deadline) == (120.0, 60.0)
    assert Settings().updated("sync_deadline", "300").sync_deadline == 300.0
    for bad in ("0", "-1", "abc"):
        with pytest.raises(RecordError) as refused:
            Settings().updated("request_deadline", bad)
        assert refused.value.fields == ["request_deadline"]
