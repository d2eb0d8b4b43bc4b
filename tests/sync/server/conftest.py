"""Fixtures for the server tests: the app in-process on a fresh database, and users on a real server process.

- ``engine``: an engine on a fresh migrated SQLite database (direct calls: ``push(engine, user, request)``);
- ``server``: the app in-process (FastAPI's TestClient) on a fresh SQLite database; ``any_server``: the same on each
  backend, for the tests where the database matters. ``server.api(role)`` makes a user and their client;
- ``make_api``/``admin``/``cadre``: users of ``server``; ``make_live_api``: users of the module's real process
  (``module_server``), for the concurrency and schemathesis tests.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator

import pytest
from server_helpers import Api, AppServer
from sqlalchemy import Engine

from sync.server.db import make_engine


@pytest.fixture
def engine(sqlite_url: str) -> Iterator[Engine]:
    """An engine on a fresh migrated SQLite database."""
    made = make_engine(sqlite_url)
    yield made
    made.dispose()


@pytest.fixture
def server(sqlite_url: str) -> Iterator[AppServer]:
    """The app in-process on a fresh SQLite database."""
    app_server = AppServer(sqlite_url)
    yield app_server
    app_server.close()


@pytest.fixture
def any_server(migrated_url: str) -> Iterator[AppServer]:
    """The app in-process on a fresh database of each backend."""
    app_server = AppServer(migrated_url)
    yield app_server
    app_server.close()


@pytest.fixture
def make_api(server: AppServer) -> Callable[..., Api]:
    """``make_api(role="cadre", name=None) -> Api``: a new user of the in-process server."""
    return server.api


@pytest.fixture
def admin(server: AppServer) -> Api:
    return server.api("admin")


@pytest.fixture
def cadre(server: AppServer) -> Api:
    return server.api("cadre")


@pytest.fixture
def make_live_api(module_server) -> Iterator[Callable[..., Api]]:  # type: ignore[no-untyped-def]
    """``make_live_api(role="cadre", name=None) -> Api`` for a new user of the module's real server."""
    made: list[Api] = []

    def make(role: str = "cadre", name: str | None = None) -> Api:
        name = name or f"{role}-{secrets.token_hex(4)}"
        api = Api.live(module_server.url, module_server.add_user(name, role), name=name)
        made.append(api)
        return api

    yield make
    for api in made:
        api.close()
