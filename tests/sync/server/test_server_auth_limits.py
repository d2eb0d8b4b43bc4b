"""Authentication comes first and failures are limited (issue 10, findings 6, 9 and 13).

- finding 6: the token is checked from the header before the body is read or inflated, so unauthenticated gzip
  bombs cost the server nothing (its memory, measured from /proc, barely moves);
- finding 9: an address that keeps failing authentication gets 429 with Retry-After; a good token still passes
  (tokens are 256 random bits: the limit is against flooding, not guessing, and an office behind one address must
  not be locked out by one laptop with a revoked token); X-Forwarded-For counts only with ``--trust-proxy``;
  ``--no-docs`` hides /docs, /redoc and /openapi.json;
- finding 13: the server's SQLite file is made 0600 in a 0700 folder.
"""

from __future__ import annotations

import gzip
import os
import stat
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from server_helpers import AppServer, enterprise, item
from support.live_server import LiveServer

from sync.protocol import MAX_BODY_BYTES
from sync.server.app import create_app
from sync.server.db import make_engine, upgrade
from sync.server.gate import AUTH_FAILURES

BAD = {"Authorization": "Bearer not-a-token-at-all"}


def _sqlite_server(tmp_path: Path, *args: str) -> LiveServer:
    return LiveServer(f"sqlite:///{tmp_path / 'server.sqlite3'}", tmp_path / "server.log", extra_args=args)


@pytest.fixture
def sqlite_live(tmp_path: Path) -> Iterator[LiveServer]:
    with _sqlite_server(tmp_path) as server:
        yield server


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


# --- finding 6 ------------------------------------------------------------------------------------------------
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc to read the server's memory")
def test_unauthenticated_gzip_bombs_are_refused_before_they_are_inflated(sqlite_live: LiveServer) -> None:
    bomb = gzip.compress(b" " * MAX_BODY_BYTES, compresslevel=9)  # 8 KB that inflate to 8 MiB
    assert len(bomb) < 10_000
    headers = {
        "Content-Type": "application/json",
        "Content-Encoding": "gzip",
        "Authorization": "Bearer wrong",
    }
    url = f"{sqlite_live.url}/api/v1/push"
    # the server's memory once warm (a first refusal of each kind served), then after 60 bombs at once
    httpx.post(url, content=b"{}", headers={"Authorization": "Bearer wrong"}, timeout=30)
    before = _rss_kib(sqlite_live.pid)

    def send(index: int) -> int:
        # each from its own address: the refusals stay 401s (the limit on failures is another test)
        spoofed = {**headers, "Authorization": f"Bearer wrong-{index}"}
        return httpx.post(url, content=bomb, headers=spoofed, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(send, range(60)))
    grown_mb = (_rss_kib(sqlite_live.pid) - before) / 1024
    assert grown_mb < 60, f"the server grew by {grown_mb:.0f} MB for 60 refused requests"
    assert set(statuses) <= {401, 429}, statuses
    assert statuses.count(401) >= AUTH_FAILURES - 1


def test_an_authenticated_gzip_push_still_works(sqlite_live: LiveServer) -> None:
    token = sqlite_live.add_user("admin-gz", "admin")
    body = httpx.Request(
        "POST", "/", json={"device_id": "d", "items": [item("enterprise", enterprise())]}
    ).read()
    response = httpx.post(
        f"{sqlite_live.url}/api/v1/push",
        content=gzip.compress(body),
        headers={
            **sqlite_live.headers(token),
            "Content-Encoding": "gzip",
            "Content-Type": "application/json",
        },
        timeout=30,
    )
    assert response.status_code == 200, response.text
    assert response.json()["results"][0]["status"] == "accepted"


def test_a_missing_token_is_refused_before_the_body_is_read(server: AppServer) -> None:
    # a body that would be refused as too large (413) if it were read: the answer is 401, about the token
    anonymous = server.client(None)
    response = anonymous.http.post(
        "/api/v1/push", content=b"x" * (MAX_BODY_BYTES + 1), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 401, response.text
    assert response.headers["WWW-Authenticate"] == "Bearer"


# --- finding 9 ------------------------------------------------------------------------------------------------
def test_300_bad_tokens_get_429_and_a_good_token_still_passes(sqlite_live: LiveServer) -> None:
    token = sqlite_live.add_user("cadre-ok", "cadre")
    statuses: list[int] = []
    retry_after: set[str] = set()
    with httpx.Client(base_url=sqlite_live.url, timeout=30) as http:
        for index in range(300):
            response = http.get("/api/v1/enterprises", headers={"Authorization": f"Bearer guess-{index}"})
            statuses.append(response.status_code)
            if response.status_code == 429:
                retry_after.add(response.headers["Retry-After"])
                assert response.json()["error"]["code"] == "too_many_failures"
        assert statuses[:AUTH_FAILURES] == [401] * AUTH_FAILURES
        assert set(statuses[AUTH_FAILURES:]) == {429}
        assert all(0 < int(value) <= 60 for value in retry_after), retry_after
        # X-Forwarded-For is not believed without --trust-proxy
        spoofed = http.get("/api/v1/enterprises", headers={**BAD, "X-Forwarded-For": "10.9.8.7"})
        assert spoofed.status_code == 429
        # the cadre with a good token, from the same (limited) address, is served
        good = http.get("/api/v1/enterprises", headers=sqlite_live.headers(token))
        assert good.status_code == 200, good.text
        # and so is the health check, which needs no token
        assert http.get("/api/v1/health").status_code == 200


def test_behind_a_trusted_proxy_each_forwarded_address_is_limited_on_its_own(tmp_path: Path) -> None:
    with (
        _sqlite_server(tmp_path, "--trust-proxy") as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        flooder = {**BAD, "X-Forwarded-For": "203.0.113.7"}
        statuses = [
            http.get("/api/v1/changes", headers=flooder).status_code for _ in range(AUTH_FAILURES + 5)
        ]
        assert statuses[-1] == 429
        other = http.get("/api/v1/changes", headers={**BAD, "X-Forwarded-For": "203.0.113.8"})
        assert other.status_code == 401


def test_no_docs_hides_the_api_documentation(tmp_path: Path) -> None:
    with _sqlite_server(tmp_path, "--no-docs") as server:
        for path in ("/docs", "/redoc", "/openapi.json"):
            assert httpx.get(f"{server.url}{path}", timeout=10).status_code == 404, path
        assert httpx.get(f"{server.url}/api/v1/health", timeout=10).status_code == 200


def test_docs_are_served_unless_switched_off(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from fastapi.testclient import TestClient

    with TestClient(create_app(sqlite_url)) as http:
        assert http.get("/openapi.json").status_code == 200
    monkeypatch.setenv("FIELDAPP_SERVER_DOCS", "0")
    with TestClient(create_app(sqlite_url)) as http:
        assert http.get("/openapi.json").status_code == 404
        assert http.get("/docs").status_code == 404


# --- finding 13 -----------------------------------------------------------------------------------------------
def test_the_sqlite_file_and_its_folder_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "made-by-the-server"
    url = f"sqlite:///{folder / 'server.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")  # the -wal and -shm files exist while a connection is open
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700
            for path in folder.iterdir():
                assert stat.S_IMODE(path.stat().st_mode) == 0o600, (path.name, oct(path.stat().st_mode))
            assert {p.name for p in folder.iterdir()} >= {"server.sqlite3"}
    finally:
        engine.dispose()


def test_the_sqlite_file_is_private_under_a_lax_umask(tmp_path: Path) -> None:
    old = os.umask(0o002)
    try:
        url = f"sqlite:///{tmp_path / 'lax.sqlite3'}"
        upgrade(url)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "lax.sqlite3").stat().st_mode) == 0o600


def test_gzip_bodies_beyond_the_inflations_in_flight_get_503_with_retry_after() -> None:
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.testclient import TestClient

    from sync.server.bodylimit import BodyLimitMiddleware

    async def echo(request):  # type: ignore[no-untyped-def]
        return PlainTextResponse(str(len(await request.body())))

    inner = Starlette()
    inner.add_route("/", echo, methods=["POST"])
    body = gzip.compress(b"[1]")
    headers = {"Content-Encoding": "gzip"}
    with TestClient(BodyLimitMiddleware(inner, max_bytes=MAX_BODY_BYTES, max_inflating=1)) as http:
        assert http.post("/", content=body, headers=headers).text == "3"  # the one slot is free again after
        assert http.post("/", content=body, headers=headers).text == "3"
    with TestClient(BodyLimitMiddleware(inner, max_bytes=MAX_BODY_BYTES, max_inflating=0)) as http:
        response = http.post("/", content=body, headers=headers)
        assert response.status_code == 503 and response.headers["Retry-After"] == "1"
        assert http.post("/", content=b"[1]").text == "3"  # a plain body needs no slot
