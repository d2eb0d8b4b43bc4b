"""Shared sync fixtures: a fresh database on SQLite and on PostgreSQL, and real server processes.

- ``db_backend``: "sqlite" or "postgresql" (every test using the fixtures below runs on both: use them where the
  database matters, and ``sqlite_url`` where it does not).
- ``database_url``: a fresh, EMPTY (un-migrated) database for one test; PostgreSQL databases are created on
  127.0.0.1:5432 as user postgres and dropped at teardown. No PostgreSQL: the test is skipped with a message,
  unless FIELDAPP_REQUIRE_POSTGRES=1 (CI), then it fails.
- ``migrated_url``: the same, at the newest schema. ``sqlite_url``: a fresh SQLite database at the newest schema
  (no backend parameter).
- ``server_factory``: ``server_factory(database_url=None, workers=1) -> LiveServer``; every server it started is
  stopped at teardown. ``live_server``: one server on ``database_url``.
- ``module_server``: one server per test module and backend, for tests that need no clean slate (use fresh ids
  and user names).

A LiveServer (``tests/support/live_server.py``) runs ``python -m sync.server serve`` on a free 127.0.0.1 port (after
``db upgrade``) and offers ``.url``, ``.database_url``, ``.add_user(name, role="cadre") -> token``, ``.kill()``
(SIGKILL), ``.restart()``, ``.stop()`` and ``.log()`` (its output so far).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support.live_server import LiveServer

from sync.server.db import upgrade

PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"

_pg_state: dict[str, str | None] = {}


# --- databases ---------------------------------------------------------------------------------------------
def _pg_admin():  # -> psycopg.Connection
    import psycopg

    return psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True, connect_timeout=3
    )


def _require_postgres() -> None:
    """Skip (or fail in CI) when no PostgreSQL answers; checked once per session."""
    if "error" not in _pg_state:
        try:
            with _pg_admin() as conn:
                conn.execute("SELECT 1")
            _pg_state["error"] = None
        except Exception as exc:  # any failure to connect means "not reachable"
            _pg_state["error"] = f"{type(exc).__name__}: {exc}".strip()
    error = _pg_state["error"]
    if error is not None:
        message = f"PostgreSQL not reachable at {PG_HOST}:{PG_PORT}: {error}"
        if os.environ.get("FIELDAPP_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)


def _create_pg_database() -> tuple[str, str]:
    name = f"fieldapp_t_{secrets.token_hex(6)}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def _drop_pg_database(name: str) -> None:
    with contextlib.suppress(Exception), _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def _fresh_database(backend: str, folder: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'server.sqlite3'}"
        return
    _require_postgres()
    name, url = _create_pg_database()
    try:
        yield url
    finally:
        _drop_pg_database(name)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def db_backend(request: pytest.FixtureRequest) -> str:
    """The database behind the server: "sqlite" or "postgresql"."""
    return str(request.param)


@pytest.fixture
def database_url(db_backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database (SQLite file in tmp_path, or a new PostgreSQL database dropped afterwards)."""
    with _fresh_database(db_backend, tmp_path) as url:
        yield url


@pytest.fixture
def migrated_url(database_url: str) -> str:
    """A fresh database of this test's backend, at the newest schema."""
    upgrade(database_url)
    return database_url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite database at the newest schema (for tests where the database does not matter)."""
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    upgrade(url)
    return url


# --- server processes (support.live_server.LiveServer) ------------------------------------------------
@pytest.fixture
def server_factory(database_url: str, tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Start servers: ``server_factory(database_url=None, workers=1)``; all stopped at teardown."""
    started: list[LiveServer] = []

    def start(database_url_: str | None = None, workers: int = 1) -> LiveServer:
        log = tmp_path / f"server-{len(started)}.log"
        server = LiveServer(database_url_ or database_url, log, workers=workers)
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def live_server(server_factory: Callable[..., LiveServer]) -> LiveServer:
    """A server on this test's fresh database."""
    return server_factory()


@pytest.fixture(scope="module")
def module_server(db_backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """One server per module and backend on its own database (use fresh ids and user names in each test)."""
    folder = tmp_path_factory.mktemp("module-server")
    with _fresh_database(db_backend, folder) as url:
        server = LiveServer(url, folder / "server.log").start()
        try:
            yield server
        finally:
            server.stop()
