"""Fixtures for the server tests: authenticated API clients on the module's server."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator

import pytest
from server_helpers import Api


@pytest.fixture
def make_api(module_server) -> Iterator[Callable[..., Api]]:
    """``make_api(role="cadre", name=None) -> Api`` for a new user on the module's server."""
    made: list[Api] = []

    def make(role: str = "cadre", name: str | None = None) -> Api:
        name = name or f"{role}-{secrets.token_hex(4)}"
        api = Api(module_server.url, module_server.add_user(name, role), name=name)
        made.append(api)
        return api

    yield make
    for api in made:
        api.close()


@pytest.fixture
def admin(make_api: Callable[..., Api]) -> Api:
    return make_api("admin")


@pytest.fixture
def cadre(make_api: Callable[..., Api]) -> Api:
    return make_api("cadre")
