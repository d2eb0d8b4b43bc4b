"""The home table repaints only the lines a keystroke changes (issue 12): what is on screen after each step must be
what a full repaint of the table shows, and the index's cached search texts and counts follow a changed row."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fieldapp.core.classify import classify
from fieldapp.core.rules import default_rules
from fieldapp.io.demo import generate_demo
from fieldapp.settings import Settings, save_settings
from fieldapp.store import Store
from fieldapp.tui.index import EnterpriseIndex, Query

from .conftest import build_app, ready, screen_text

pytestmark = pytest.mark.anyio

TODAY = date(2026, 11, 23)


@pytest.fixture
def district(tmp_path: Path) -> Path:
    """300 demo enterprises: many more rows than the screen holds."""
    enterprises, visits = generate_demo(enterprises=300, visits=600, seed=3, today=TODAY)
    with Store.open(tmp_path) as store:
        store.save_enterprises(enterprises)
        store.save_visits(visits)
    save_settings(tmp_path, Settings(cadre="Nguyễn Thị Thu Hà"))
    return tmp_path


async def _same_as_full_repaint(app: Any, pilot: Any, step: str) -> None:
    shown = screen_text(app)
    app.screen.table.refresh()  # every line drawn afresh
    await pilot.pause()
    assert screen_text(app) == shown, f"stale lines on screen after {step!r}"


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_each_keystroke_shows_the_same_table_as_a_full_repaint(
    district: Path, size: tuple[int, int]
) -> None:
    app, store = build_app(district)
    try:
        async with app.run_test(size=size) as pilot:
            await ready(pilot)
            await pilot.press("slash")
            shown_before = [r.id for r in app.screen.table.rows[:5]]
            for key in [*"cong ty", "backspace", *"y tnhh", "backspace", "backspace", "backspace", *"an"]:
                await pilot.press(key)
                await pilot.pause()
                await _same_as_full_repaint(app, pilot, key)
            assert [r.id for r in app.screen.table.rows[:5]] != shown_before  # the search did change the rows
            await pilot.press("enter")  # to the table: the cursor moves line by line, and a page
            for key in ["down", "down", "pagedown", "up", "end", "home"]:
                await pilot.press(key)
                await pilot.pause()
                await _same_as_full_repaint(app, pilot, key)
    finally:
        store.close()


def test_a_changed_row_is_found_by_its_new_name_and_counted_by_its_new_status(district: Path) -> None:
    with Store.open(district, readonly=True) as store:
        enterprises, visits = store.enterprises(), store.visits()
    index = EnterpriseIndex(default_rules(), TODAY)
    index.load(enterprises, visits)
    assert index.query(Query(text="xyzzy")) == []  # the search texts and the counts are cached now
    counts = index.counts()
    # one whose verdict changes when its visits are gone
    first = next(
        e for e in enterprises if classify(e, [], index.rules, today=TODAY).status != index.rows[e.id].status
    )
    before = index.rows[first.id].status
    row = index.update(first.model_copy(update={"name": "Công ty Xyzzy"}), [])
    assert [r.id for r in index.query(Query(text="xyzzy"))] == [first.id]
    assert [r.id for r in index.query(Query(text="xyzz"))] == [first.id]  # from the last answer
    assert index.counts() == {s: sum(r.status == s for r in index.rows.values()) for s in index.counts()}
    assert index.counts()[row.status] == counts[row.status] + 1
    assert index.counts()[before] == counts[before] - 1
