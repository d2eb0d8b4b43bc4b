"""The Sync screen's issues by keyboard: many of them, a conflict side by side, discarding a refused record,
and a colleague's visit that opens read only. The issues are filed in the real store as a sync files them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from support.hostile import CONTROLS, TERMINAL_ESCAPES
from textual.widgets import DataTable, Input

from fieldapp.core.issues import FieldError, SyncIssue
from fieldapp.core.records import Visit
from fieldapp.settings import load_settings
from fieldapp.store import Store
from fieldapp.tui.dialogs.confirm import Confirm
from fieldapp.tui.screens.detail import DetailScreen
from fieldapp.tui.screens.sync import SyncScreen
from fieldapp.tui.screens.visit_form import VisitFormScreen
from fieldapp.tui.widgets.conflict_view import ConflictTable

from .conftest import HOANG_MAI, QUYNH_LUU, SAI_DONG, TODAY, build_app, screen_text, seed, settle
from .test_visit_form import fill, open_form

pytestmark = pytest.mark.anyio
HOANG_MAI_VISIT = "00000000-0000-4000-9000-000000000002"
_T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def _conflict(at: int) -> SyncIssue:
    return SyncIssue(
        kind="enterprise",
        id=QUYNH_LUU,
        status="conflict",
        conflict="hard",
        fields=("address", "has_union"),
        server_record={
            "name": "Công ty TNHH Gốm sứ Quỳnh Lưu",
            "address": "Số 9 Ngọc Lâm",
            "has_union": True,
        },
        server_version=3,
        at=(_T0 + timedelta(minutes=at)).isoformat(),
    )


def _rejected(kind: str, record_id: str, at: int) -> SyncIssue:
    error = FieldError(field="cadre", code="not_yours", vi="không phải của bạn", en="not yours")
    return SyncIssue(
        kind=kind,  # type: ignore[arg-type]
        id=record_id,
        status="rejected",
        fields=("cadre",),
        errors=(error,),
        at=(_T0 + timedelta(minutes=at)).isoformat(),
    )


def _file(data_dir: Path, issues: list[SyncIssue]) -> None:
    with Store.open(data_dir) as store:
        for issue in issues:
            store.set_sync_issue(issue)


async def _sync_screen(pilot: Any) -> SyncScreen:
    await pilot.press("f3")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SyncScreen)
    return screen


def _question(app: Any) -> str:
    assert isinstance(app.screen, Confirm), app.screen
    return app.screen.question


async def test_forty_issues_reach_the_last_by_keys_and_it_shows_both_sides(
    run_app: Callable[..., Any], data_dir: Path
) -> None:
    with Store.open(data_dir, readonly=True) as store:
        visits = [v.id for v in store.visits()][:39]
    _file(data_dir, [_rejected("visit", v, n) for n, v in enumerate(visits)] + [_conflict(60)])
    async with run_app(size=(100, 30)) as (app, pilot):
        screen = await _sync_screen(pilot)
        table = screen.query_one("#issues", DataTable)
        assert table.row_count == 40 and table.has_focus
        view = screen.query_one("#conflict", ConflictTable)
        assert not view.display  # a rejected visit is highlighted: nothing to compare
        for _press in range(39):  # bounded: one key per row
            await pilot.press("down")
        await settle(pilot)
        assert table.cursor_row == 39 and table.scroll_y > 0  # the table scrolled to the last one
        assert view.display
        assert view.shown_rows == [
            ("Địa chỉ", "Số 5 Nguyễn Văn Cừ", "Số 9 Ngọc Lâm"),
            ("Đã có CĐCS", "không", "có"),
        ]
        # "take the server's" asks first, naming the record and the fields that change; "no" changes nothing
        await pilot.press("t")
        await settle(pilot)
        question = _question(app)
        assert "Công ty TNHH Gốm sứ Quỳnh Lưu" in question
        assert "Địa chỉ" in question and "Đã có CĐCS" in question
        await pilot.click("#answer-no")
        await settle(pilot)
        assert app.store.sync_issue("enterprise", QUYNH_LUU) is not None
        mine = app.store.get_enterprise(QUYNH_LUU)
        assert mine is not None and mine.address == "Số 5 Nguyễn Văn Cừ" and not mine.has_union
        # Escape is "no" too
        await pilot.press("m")
        await settle(pilot)
        assert "Công ty TNHH Gốm sứ Quỳnh Lưu" in _question(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.store.sync_issue("enterprise", QUYNH_LUU) is not None
        # "keep mine", confirmed: the issue is settled, the laptop's values stay and go with the next sync
        await pilot.press("m")
        await settle(pilot)
        await pilot.click("#answer-yes")
        await settle(pilot)
        assert app.store.sync_issue("enterprise", QUYNH_LUU) is None
        kept = app.store.get_enterprise(QUYNH_LUU)
        assert kept is not None and kept.address == "Số 5 Nguyễn Văn Cừ" and kept.pending
        assert table.row_count == 39


async def test_discard_asks_naming_the_record_and_refuses_a_conflict(
    run_app: Callable[..., Any], data_dir: Path
) -> None:
    _file(
        data_dir,
        [_conflict(0), _rejected("visit", HOANG_MAI_VISIT, 1), _rejected("enterprise", SAI_DONG, 2)],
    )
    async with run_app(size=(100, 30)) as (app, pilot):
        screen = await _sync_screen(pilot)
        table = screen.query_one("#issues", DataTable)
        # a conflict is not discarded: said politely, nothing asked, nothing changed
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, SyncScreen)
        assert any("xung đột" in n.message for n in app._notifications)
        assert app.store.get_enterprise(QUYNH_LUU) is not None
        # a refused visit: the question names it; "no" keeps it
        await pilot.press("down")
        await pilot.press("x")
        await settle(pilot)
        assert "Xưởng in Hoàng Mai, 2026-11-03" in _question(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.store.get_visit(HOANG_MAI_VISIT) is not None
        await pilot.press("x")
        await settle(pilot)
        await pilot.click("#answer-yes")
        await settle(pilot)
        assert app.store.get_visit(HOANG_MAI_VISIT) is None
        assert app.store.sync_issue("visit", HOANG_MAI_VISIT) is None
        assert table.row_count == 2
        # a refused enterprise goes with its visits, and the question says how many
        table.move_cursor(row=1)
        await pilot.press("x")
        await settle(pilot)
        assert "Công ty Cổ phần Sài Đồng Xanh" in _question(app) and "0 lần thăm" in _question(app)
        await pilot.click("#answer-yes")
        await settle(pilot)
        assert app.store.get_enterprise(SAI_DONG) is None
        assert SAI_DONG not in app.index.rows  # gone from the tables too
        assert table.row_count == 1


async def test_a_colleagues_visit_opens_read_only_and_the_table_says_who_logged_it(
    run_app: Callable[..., Any], data_dir: Path
) -> None:
    with Store.open(data_dir) as store:
        theirs = store.latest_visit(HOANG_MAI)
        assert theirs is not None
        # a colleague's visit to the same firm, as a pull brings it (newest, so first in the table)
        store.save_visit(
            Visit.create(
                enterprise_id=HOANG_MAI,
                visited_on=theirs.visited_on + timedelta(days=5),
                cadre="tvb",
                headcount=7,
                seasonal=3,
                managers=1,
                applications=0,
                attitude="neutral",
                today=TODAY,
            )
        )
    async with run_app(size=(120, 40)) as (app, pilot):
        app.open_enterprise(HOANG_MAI)
        await settle(pilot)
        visits = app.screen.query_one("#visits", DataTable)
        assert [str(visits.get_cell_at((r, 7))) for r in range(visits.row_count)] == ["tvb", "tôi"]
        visits.focus()
        await pilot.press("enter")  # the colleague's: read only
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert any(n.message == "Lần thăm của tvb: chỉ xem" for n in app._notifications)
        await pilot.press("down", "enter")  # this laptop's own: the form
        await settle(pilot)
        assert isinstance(app.screen, VisitFormScreen)


async def test_without_a_server_the_name_is_asked_once(tmp_path: Path) -> None:
    folder = tmp_path / "fresh"
    seed(folder, cadre=None)
    app, store = build_app(folder)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            form = await open_form(app, pilot, SAI_DONG)
            assert form.query_one("#input-cadre", Input).value == ""
            await fill(pilot, form, cadre="Lê Văn Cường", headcount="12", seasonal="0", managers="1",
                       applications="0")  # fmt: skip
            form.query_one("#input-attitude").focus()
            await pilot.press("2")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, DetailScreen)  # saved
            assert app.settings.cadre == "Lê Văn Cường"
            await pilot.pause(0.2)
            await app.workers.wait_for_complete()
            assert load_settings(folder).cadre == "Lê Văn Cường"  # remembered on disk
            await pilot.press("escape")
            await settle(pilot)
            form = await open_form(app, pilot, HOANG_MAI)
            assert form.query_one("#input-cadre", Input).value == "Lê Văn Cường"  # not asked again
    finally:
        store.close()


async def test_a_servers_hostile_values_show_as_characters_in_the_conflict_view(
    run_app: Callable[..., Any], data_dir: Path
) -> None:
    hostile = ["[bold]không đậm[/bold]", *TERMINAL_ESCAPES, *CONTROLS]
    issues = [
        _conflict(n).model_copy(update={"id": e, "server_record": {"address": text, "has_union": False}})
        for n, (e, text) in enumerate(zip([QUYNH_LUU, HOANG_MAI, SAI_DONG], hostile, strict=False))
    ]
    _file(data_dir, issues)
    async with run_app(size=(100, 30)) as (app, pilot):
        screen = await _sync_screen(pilot)
        view = screen.query_one("#conflict", ConflictTable)
        seen: list[str] = []
        for row in range(len(issues)):  # bounded: one per issue
            screen.query_one("#issues", DataTable).move_cursor(row=row)
            await settle(pilot)
            cells = [str(view.get_cell_at((0, col))) for col in range(3)]
            seen.extend(cells)
            assert not any(c in cell for cell in cells for c in "\x1b\x9b\x00\x07")
            if row == 2:  # the escape made visible on screen, not acted on
                assert "\ufffd[2J\ufffd[H" in screen_text(app)
        assert "[bold]không đậm[/bold]" in seen  # as typed, never markup
