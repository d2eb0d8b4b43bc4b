"""Retries: backoff on 5xx, 429 (Retry-After), dropped connections; never on 4xx; clear auth messages."""

from __future__ import annotations

import random
import socket

import httpx
import pytest

from fieldapp.store import Store
from sync.client import RetryPolicy, SyncAuthError, SyncNetworkError, SyncProtocolError

from .conftest import User
from .laptop import Recorder, add_enterprise, add_visits, client_for


def _answer(status: int, headers: dict[str, str] | None = None, code: str = "x") -> httpx.Response:
    body = {"error": {"code": code, "message": f"injected {status}", "errors": []}}
    return httpx.Response(status, json=body, headers=headers or {})


def test_5xx_429_and_dropped_connections_are_retried_then_the_sync_succeeds(
    module_server, laptop: Store, cadre: User
) -> None:
    add_visits(laptop, add_enterprise(laptop), cadre.name, 10)
    script = {
        0: _answer(503),
        1: _answer(429, {"Retry-After": "2"}),
        2: _answer(502),
        3: httpx.ConnectError("refused"),
    }

    pushes: list[int] = []

    def fault(request: httpx.Request, index: int) -> httpx.Response | None:
        if not request.url.path.endswith("/push"):
            return None
        pushes.append(index)
        answer = script.get(len(pushes) - 1)
        if isinstance(answer, Exception):
            raise answer
        return answer

    waits: list[float] = []
    recorder = Recorder(fault=fault)
    client = client_for(
        laptop, module_server.url, cadre.token, transport=recorder, sleep=waits.append, rng=random.Random(1)
    )

    summary = client.run()

    assert (summary.accepted, summary.ok) == (11, True)
    assert recorder.paths("POST") == ["/api/v1/push"] * 5  # four failures, then the real answer
    assert len(waits) == 4
    assert waits[1] >= 2.0  # Retry-After honoured
    assert waits[0] < waits[2] < 2.0  # exponential backoff otherwise (fast policy: 10 ms doubling)


def test_the_client_gives_up_after_the_retry_budget_and_keeps_everything_pending(laptop: Store) -> None:
    add_visits(laptop, add_enterprise(laptop), "an", 3)
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    waits: list[float] = []
    client = client_for(
        laptop, dead, "token", retry=RetryPolicy(attempts=4, base=0.01, cap=1), sleep=waits.append
    )

    with pytest.raises(SyncNetworkError) as failed:
        client.run()

    assert len(waits) == 3  # 4 attempts
    assert "4" in failed.value.message("en") and "4" in failed.value.message("vi")
    assert failed.value.summary is not None and failed.value.summary.ok is False
    assert laptop.counts()["pending_visits"] == 3


@pytest.mark.parametrize("status", [400, 404, 409, 422])
def test_4xx_is_never_retried(module_server, laptop: Store, cadre: User, status: int) -> None:
    add_visits(laptop, add_enterprise(laptop), cadre.name, 2)
    recorder = Recorder(
        fault=lambda request, index: (
            _answer(status, code="nope") if request.url.path.endswith("/push") else None
        )
    )
    client = client_for(laptop, module_server.url, cadre.token, transport=recorder, sleep=lambda s: None)

    with pytest.raises(SyncProtocolError) as refused:
        client.run()

    assert recorder.paths("POST") == ["/api/v1/push"]  # refused once, never retried
    assert refused.value.status_code == status and refused.value.server_code == "nope"
    assert laptop.counts()["pending_visits"] == 2


def test_a_wrong_token_gets_a_clear_message_in_both_languages_without_retrying(
    module_server, laptop: Store
) -> None:
    add_enterprise(laptop)
    recorder = Recorder()
    client = client_for(laptop, module_server.url, "not-a-real-token", transport=recorder)

    with pytest.raises(SyncAuthError) as refused:
        client.run()

    assert refused.value.status_code == 401 and len(recorder.requests) == 1
    assert "fieldapp config set token" in refused.value.message("vi")
    assert "mã truy cập" in refused.value.message("vi")
    assert "token" in refused.value.message("en") and "401" in refused.value.message("en")
    assert laptop.counts()["pending_enterprises"] == 1


def test_a_revoked_token_is_refused_at_once(module_server, laptop: Store, cadre: User) -> None:
    from sync.server.users import revoke_user

    add_enterprise(laptop)
    revoke_user(module_server.database_url, cadre.name)
    with pytest.raises(SyncAuthError):
        client_for(laptop, module_server.url, cadre.token).run()


def test_settings_without_server_or_token_name_the_commands_to_run(laptop: Store) -> None:
    from sync.client import SyncConfigError

    with pytest.raises(SyncConfigError) as missing:
        client_for(laptop, "", "").run()
    assert "fieldapp config set server URL" in missing.value.message("vi")
    assert "fieldapp config set token TOKEN" in missing.value.message("en")


def test_cancel_stops_a_running_sync_and_keeps_everything_pending(
    module_server, laptop: Store, cadre: User
) -> None:
    from sync.client import SyncCancelled, SyncProgress

    add_visits(laptop, add_enterprise(laptop), cadre.name, 20)
    client = client_for(laptop, module_server.url, cadre.token, max_items=5)

    def stop_after_first_batch(progress: SyncProgress) -> None:
        if progress.phase == "push" and progress.done >= 5:
            client.cancel()

    with pytest.raises(SyncCancelled):
        client.run(progress=stop_after_first_batch)

    counts = laptop.counts()
    assert 0 < counts["pending_visits"] < 20  # the answered batches are marked, the rest waits
    assert client.run().ok  # a cancelled sync is simply run again
