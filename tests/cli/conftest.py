"""Run the real ``fieldapp`` command line in-process (click's CliRunner) against a temporary data folder.

``data_dir``, ``run``, ``make_csv`` and ``make_xlsx`` come from tests/conftest.py (shared with tests/io and
tests/sync/client).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import Result

from fieldapp.store import Store

Run = Callable[..., Result]


@pytest.fixture
def run_json(run: Run) -> Callable[..., Any]:
    """Run a command that must succeed and parse its JSON stdout."""

    def invoke(*args: str) -> Any:
        result = run(*args)
        assert result.exit_code == 0, result.output
        return orjson.loads(result.stdout)

    return invoke


@pytest.fixture
def stored(data_dir: Path) -> Callable[[], tuple[list[Any], list[Any]]]:
    """What the data folder holds, read with a read-only store: (enterprises, visits)."""

    def read() -> tuple[list[Any], list[Any]]:
        with Store.open(data_dir, readonly=True) as store:
            return store.enterprises(), store.visits()

    return read


@pytest.fixture
def add_enterprise(run: Run) -> Callable[..., dict[str, Any]]:
    """Add an enterprise through the CLI and return its record."""

    def add(name: str = "Công ty TNHH Minh Phát", *options: str) -> dict[str, Any]:
        result = run("enterprise", "add", "--name", name, *options, "--json")
        assert result.exit_code == 0, result.output
        return orjson.loads(result.stdout)

    return add
