"""A folder made by ``fieldapp demo`` never syncs: 300 invented firms must not reach the federation's server."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from click.testing import Result

from fieldapp.settings import Settings
from fieldapp.store import Store
from sync.client import DEMO_KEY, SyncClient, SyncConfigError

from .conftest import User


def _server_counts(url: str, token: str) -> tuple[int, int]:
    headers = {"Authorization": f"Bearer {token}"}
    counts = []
    for what in ("enterprises", "visits"):
        page = httpx.get(f"{url}/api/v1/{what}", params={"limit": 1}, headers=headers, timeout=30)
        page.raise_for_status()
        counts.append(page.json()["total"])
    return counts[0], counts[1]


@pytest.mark.parametrize(("lang", "says"), [("vi", "dữ liệu mẫu"), ("en", "demo data")])
def test_sync_of_a_demo_folder_sends_nothing_and_exits_1(
    run: Callable[..., Result], module_server, admin: User, cadre: User, lang: str, says: str
) -> None:  # type: ignore[no-untyped-def]
    assert run("demo", "--enterprises", "30", "--visits", "50").exit_code == 0
    assert run("config", "set", "server", module_server.url).exit_code == 0
    assert run("config", "set", "token", cadre.token).exit_code == 0
    before = _server_counts(module_server.url, admin.token)

    result = run("sync", lang=lang)
    assert result.exit_code == 1
    assert says in result.stderr and "--data-dir" in result.stderr
    assert "Traceback" not in result.stderr
    assert _server_counts(module_server.url, admin.token) == before


def test_the_client_refuses_a_demo_store_before_any_request(laptop: Store) -> None:
    laptop.set_meta(DEMO_KEY, True)
    # no server runs at this address: a request would fail differently
    client = SyncClient(laptop, Settings(server="http://127.0.0.1:9", token="t", cadre="x"))
    with pytest.raises(SyncConfigError) as caught:
        client.run()
    assert caught.value.code == "demo_folder"
