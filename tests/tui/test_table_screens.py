"""The pipeline (F5) and follow-ups (F2) screens (one skeleton, ``screens/table_screen.py``): a resize lays out the
rows already fetched without reading the store; a change of data reads it again."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import DataTable

from fieldapp.store import Store
from fieldapp.tui.screens.followups import FollowUpsScreen
from fieldapp.tui.screens.pipeline import PipelineScreen

from .conftest import QUYNH_LUU, settle
from .founding_cases import add_cases

pytestmark = pytest.mark.anyio


def count_store_calls(store: Store, monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every call of a public method of *store* from now on, counted by name (a thin wrapper on the instance)."""
    calls: Counter[str] = Counter()

    def counted(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return method(*args, **kwargs)

        return call

    for name in dir(type(store)):
        if name.startswith("_") or isinstance(getattr(type(store), name), property):
            continue
        method = getattr(store, name)
        if callable(method):
            monkeypatch.setattr(store, name, counted(name, method))
    return calls


def _columns(app: Any, table_id: str) -> list[tuple[str, int]]:
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return [(str(c.key.value), c.width) for c in table.columns.values()]


def _rows(app: Any, table_id: str) -> list[str]:
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return [str(key.value) for key in table.rows]


@pytest.mark.parametrize(
    ("key", "screen", "table_id"),
    [("f5", PipelineScreen, "pipeline"), ("f2", FollowUpsScreen, "followups")],
)
async def test_a_resize_lays_out_again_without_reading_the_store(
    run_app: Any, monkeypatch: pytest.MonkeyPatch, key: str, screen: type, table_id: str
) -> None:
    async with run_app(size=(120, 40)) as (app, pilot):
        add_cases(app.store)
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, screen)
        wide, rows = _columns(app, table_id), _rows(app, table_id)
        assert QUYNH_LUU in {r.split(":")[-2] if r.startswith("founding:") else r for r in rows}

        calls = count_store_calls(app.store, monkeypatch)
        for size in ((80, 24), (150, 50), (90, 30)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
        assert _columns(app, table_id) != wide  # laid out again for the new width ...
        assert _rows(app, table_id) == rows  # ... with the same rows
        assert not calls, f"a resize read the store: {dict(calls)}"

        app.data_changed(None)  # what a save or a sync says: now the screen reads again
        await settle(pilot)
        assert calls["founding_cases"] >= 1 and _rows(app, table_id) == rows
