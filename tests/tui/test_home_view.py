"""The first screen from the home view kept at the last run: shown before the store is read, only while true."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from fieldapp.core.records import Visit
from fieldapp.core.rules import load_rules
from fieldapp.settings import load_settings
from fieldapp.store import Store
from fieldapp.store.views import view_path
from fieldapp.tui import FieldApp, create_app
from fieldapp.tui.home_view import VIEW
from fieldapp.tui.index import Query
from tests.tui.conftest import SAI_DONG, TODAY, build_app, ready

pytestmark = pytest.mark.anyio


def _later_app(data_dir: Path, today=TODAY) -> FieldApp:  # type: ignore[no-untyped-def]
    """The app as ``fieldapp`` builds it: the lock taken, the store read after the first paint."""
    pending = Store.open_later(data_dir)
    return create_app(
        pending, load_settings(data_dir), data_dir, load_rules(data_dir), today, cursor_blink=False
    )


async def _run_once(data_dir: Path) -> dict[str, str]:
    """Run the app once to the loaded table (it keeps the view) and give every row's status."""
    app, store = build_app(data_dir)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            return {row.id: row.status for row in app.index.rows.values()}
    finally:
        store.close()


async def _shown_then_loaded(app: FieldApp) -> dict[str, str]:
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await ready(pilot)
            assert not app.previewing
            return {row.id: row.status for row in app.index.rows.values()}
    finally:
        store = app.opened_store()
        assert store is not None
        app.keep_home_view()
        store.close()


async def test_the_view_kept_at_the_last_run_is_shown_before_the_store_is_read(data_dir: Path) -> None:
    statuses = await _run_once(data_dir)
    assert view_path(data_dir, VIEW).exists()
    app = _later_app(data_dir)
    # built, not running: the store is not read yet, and the rows are there already
    assert app.loaded and app.previewing
    assert {row.id: row.status for row in app.index.rows.values()} == statuses
    assert [r.id for r in app.index.query(Query(text="sai dong xanh"))] == [SAI_DONG]  # searchable already
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert not app.previewing
        assert {row.id: row.status for row in app.index.rows.values()} == statuses
    store = app.opened_store()
    assert store is not None
    store.close()


async def test_a_save_made_since_the_view_was_kept_is_never_hidden_by_it(data_dir: Path) -> None:
    before = await _run_once(data_dir)
    assert before[SAI_DONG] == "unknown"
    # a save outside the app (the CLI, or the app killed before it kept a new view): the log grows
    with Store.open(data_dir) as store:
        visit = Visit.create(enterprise_id=SAI_DONG, visited_on=TODAY - timedelta(days=1), cadre="Nguyễn Thị Thu Hà",
                             headcount=60, seasonal=0, managers=2, applications=30, attitude="supportive", today=TODAY)  # fmt: skip
        store.save_visit(visit)
    app = _later_app(data_dir)
    assert (
        not app.loaded and not app.previewing
    )  # the stale view is not shown: "Loading…" until the store is read
    after = await _shown_then_loaded(app)
    assert after[SAI_DONG] != "unknown"
    # the app kept a new view on its way out: the next start shows the new verdict at once
    again = _later_app(data_dir)
    assert again.previewing and again.index.rows[SAI_DONG].status == after[SAI_DONG]
    again.opened_store()  # never run: gives the lock back


async def test_a_view_of_another_day_is_not_used(data_dir: Path) -> None:
    await _run_once(data_dir)
    app = _later_app(data_dir, today=TODAY + timedelta(days=1))  # due dates and staleness depend on the day
    assert not app.previewing
    app.opened_store()


async def test_a_damaged_view_falls_back_to_the_full_load(data_dir: Path) -> None:
    statuses = await _run_once(data_dir)
    path = view_path(data_dir, VIEW)
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b"eligible", b"unionized", 1))  # still JSON, but not what was kept
    app = _later_app(data_dir)
    assert not app.previewing
    assert await _shown_then_loaded(app) == statuses


async def test_a_store_that_cannot_be_read_ends_the_app_with_its_error(data_dir: Path) -> None:
    await _run_once(data_dir)
    snapshot = data_dir / "store.json"
    raw = bytearray(snapshot.read_bytes())
    raw[-40] ^= 0x01  # a flipped byte the checksum catches; the header, and so the view, still match
    snapshot.write_bytes(bytes(raw))
    app = _later_app(data_dir)
    assert app.previewing
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(200):  # bounded
            await pilot.pause()
            if app.open_error is not None:
                break
    assert type(app.open_error).__name__ == "StoreDamaged"
    assert app.return_code == 1
    assert app.opened_store() is None
