"""Fixtures for the store tests: a data folder, an open store, and a way to open it again."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from fieldapp.store import Store


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(folder: Path) -> Iterator[Store]:
    with Store.open(folder) as opened:
        yield opened


@pytest.fixture
def reopen(folder: Path) -> Iterator[Callable[..., Store]]:
    """Open the folder again (closing every store opened this way at the end)."""
    opened: list[Store] = []

    def _open(**kwargs: Any) -> Store:
        s = Store.open(folder, **kwargs)
        opened.append(s)
        return s

    yield _open
    for s in opened:
        s.close()
