"""Fixtures for the sync client tests: a fresh laptop store, and users on the module's real server."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from fieldapp.store import Store


@dataclass(frozen=True)
class User:
    name: str
    token: str


@pytest.fixture
def laptop(tmp_path: Path) -> Iterator[Store]:
    """A fresh laptop store in a tmp folder."""
    store = Store.open(tmp_path / "laptop")
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def cadre(module_server) -> User:  # type: ignore[no-untyped-def]
    """A new cadre account on the module's server (fresh name per test)."""
    name = f"cadre_{secrets.token_hex(4)}"
    return User(name, module_server.add_user(name, "cadre"))


@pytest.fixture
def admin(module_server) -> User:  # type: ignore[no-untyped-def]
    """A new admin account on the module's server."""
    name = f"office_{secrets.token_hex(4)}"
    return User(name, module_server.add_user(name, "admin"))
