"""The visit form: a valid visit changes the verdict and is on disk; bad input gets a message under its field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from fieldapp.settings import load_settings, save_settings
from fieldapp.store import Store
from fieldapp.tui.dialogs.confirm import Confirm
from fieldapp.tui.screens.detail import DetailScreen
from fieldapp.tui.screens.visit_form import VisitFormScreen

from .conftest import HOANG_MAI, SAI_DONG, TODAY, settle

pytestmark = pytest.mark.anyio


async def open_form(app: Any, pilot: Any, enterprise_id: str = HOANG_MAI) -> VisitFormScreen:
    app.open_enterprise(enterprise_id)
    await pilot.pause()
    await pilot.press("v")
    await pilot.pause()
    assert isinstance(app.screen, VisitFormScreen)
    return app.screen


async def fill(pilot: Any, form: Any, **values: str) -> None:
    """Type into fields as a person would: focus, clear, type, and leave the field (Tab)."""
    for name, text in values.items():
        widget = form.query_one(f"#input-{name}", Input)
        widget.focus()
        widget.value = ""
        await pilot.press(*text) if text else await pilot.pause()
        await pilot.press("tab")
    await pilot.pause()


def error_of(form: VisitFormScreen, name: str) -> str:
    error = form.query_one(f"#error-{name}", Static)
    return str(error.render()) if error.display else ""


async def test_a_valid_visit_changes_the_verdict_and_is_on_disk(run_app: Any, data_dir: Path) -> None:
    async with run_app() as (app, pilot):
        assert app.index.rows[HOANG_MAI].status == "not_eligible"
        form = await open_form(app, pilot)
        assert form.query_one("#input-visited_on", Input).value == TODAY.isoformat()  # today by default
        await fill(pilot, form, headcount="20", seasonal="0", managers="1", applications="6")
        form.query_one("#input-attitude").focus()
        await pilot.press("1")  # supportive
        await pilot.pause()
        preview = str(form.query_one("#preview", Static).render())
        assert "Đủ điều kiện" in preview  # the live preview already says eligible
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.index.rows[HOANG_MAI].status == "eligible"
        assert app.index.rows[HOANG_MAI].priority == "high"
        assert "Đủ điều kiện" in str(app.screen.query_one("#title", Static).render())
    # the visit is in the store on disk: open it again from the folder
    with Store.open(data_dir, readonly=True) as store:
        latest = store.latest_visit(HOANG_MAI)
        assert latest is not None and latest.headcount == 20 and latest.applications == 6
        assert latest.attitude == "supportive" and latest.pending


async def test_the_preview_follows_the_numbers_as_they_are_typed(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        form = await open_form(app, pilot)
        form.query_one("#input-attitude").focus()
        await pilot.press("2")
        await fill(pilot, form, headcount="4", seasonal="0", managers="0", applications="0")
        assert "Chưa đủ điều kiện" in str(form.query_one("#preview", Static).render())
        await fill(pilot, form, headcount="40")
        assert "Đủ điều kiện" in str(form.query_one("#preview", Static).render())
        assert "Chưa đủ" not in str(form.query_one("#preview", Static).render())


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"headcount": "-3"}, "headcount", "không được nhỏ hơn 0"),
        ({"headcount": "10", "seasonal": "12"}, "seasonal", "không được lớn hơn tổng số lao động (10)"),
        ({"visited_on": "2026-12-01"}, "visited_on", "không được sau ngày hôm nay (2026-11-23)"),
        ({"headcount": "2O"}, "headcount", "phải là số nguyên, không phải “2O”"),
        ({"applications": "abc"}, "applications", "phải là số nguyên"),
        ({"visited_on": "hôm qua"}, "visited_on", "phải là ngày dạng YYYY-MM-DD"),
    ],
)
async def test_bad_input_gets_a_message_under_the_field(
    run_app: Any, values: dict[str, str], field: str, message: str
) -> None:
    async with run_app() as (app, pilot):
        form = await open_form(app, pilot)
        await fill(pilot, form, **values)
        assert message in error_of(form, field)
        assert form.query_one(f"#input-{field}", Input).has_class("-invalid")
        await pilot.press("ctrl+s")  # refused: nothing saved, the form stays with what was typed
        await settle(pilot)
        assert app.screen is form
        assert form.query_one(f"#input-{field}", Input).value == values[field]
        assert len(app.store.visits_of(HOANG_MAI)) == 1


async def test_the_form_opens_without_red_and_judges_a_field_once_left_or_on_save(run_app: Any) -> None:
    # issue 11, bug 5: the new visit form opened with "không được để trống" under every empty field
    # (a first visit: nothing is carried over from an earlier one)
    async with run_app() as (app, pilot):
        form = await open_form(app, pilot, SAI_DONG)
        assert not [name for name in form.FIELDS if error_of(form, name)]
        assert not form.query(".-invalid"), "red before anything was typed"
        headcount = form.query_one("#input-headcount", Input)
        headcount.focus()
        await pilot.press("-", "3")  # being typed: not judged yet
        await pilot.pause()
        assert error_of(form, "headcount") == ""
        await pilot.press("tab")  # left after an edit: judged, and from then on as it is typed
        await pilot.pause()
        assert "không được nhỏ hơn 0" in error_of(form, "headcount")
        assert headcount.has_class("-invalid")
        assert error_of(form, "seasonal") == ""  # passed through, not edited: still not judged
        headcount.focus()
        await pilot.press("backspace", "backspace", "7")
        await pilot.pause()
        assert error_of(form, "headcount") == "" and not headcount.has_class("-invalid")
        await pilot.press("ctrl+s")  # a save judges every field
        await settle(pilot)
        assert app.screen is form
        assert "bắt buộc phải có" in error_of(form, "attitude")  # never chosen: named on save


async def test_messages_follow_the_language(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        form = await open_form(app, pilot)
        await fill(pilot, form, headcount="-1")
        app.switch_language("en")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, VisitFormScreen)
        assert form.query_one("#input-headcount", Input).value == "-1"  # kept across the rebuild
        assert "must not be less than 0" in error_of(form, "headcount")


async def test_leaving_with_unsaved_changes_asks_first(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        form = await open_form(app, pilot)
        await fill(pilot, form, headcount="25")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("escape")  # = keep editing
        await pilot.pause()
        assert app.screen is form and form.query_one("#input-headcount", Input).value == "25"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#answer-discard")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert len(app.store.visits_of(HOANG_MAI)) == 1


async def test_leaving_an_untouched_form_does_not_ask(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        await open_form(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)


async def test_a_failed_save_says_why_and_keeps_what_was_typed(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        form = await open_form(app, pilot)
        await fill(pilot, form, headcount="20", applications="1")
        form.query_one("#input-attitude").focus()
        await pilot.press("3")
        app.store.delete_enterprise(
            HOANG_MAI
        )  # e.g. removed by a sync meanwhile: the store refuses the visit
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#input-headcount", Input).value == "20"
        notes = [n.message for n in app._notifications]
        assert any("không có doanh nghiệp" in n for n in notes), notes
        assert not form.saving


async def test_editing_a_visit_from_the_detail(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        app.open_enterprise(HOANG_MAI)
        await pilot.pause()
        app.screen.query_one("#visits").focus()
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, VisitFormScreen) and form.visit is not None
        assert form.query_one("#input-headcount", Input).value == "6"
        await fill(pilot, form, headcount="7")
        await pilot.press("ctrl+s")
        await settle(pilot)
        visits = app.store.visits_of(HOANG_MAI)
        assert len(visits) == 1 and visits[0].headcount == 7 and visits[0].rev == 2


async def test_a_new_visit_starts_on_the_head_count_with_the_last_visits_figures_carried_over(
    run_app: Any, data_dir: Path
) -> None:
    # issue 11: ≤ 15 keys for a visit — the date and the cadre come filled in, the cursor waits on the head count,
    # seasonal workers, managers and attitude come from the last visit, said above the form to be checked
    async with run_app() as (app, pilot):
        last = app.store.latest_visit(HOANG_MAI)
        assert last is not None
        app.update_setting("cadre", last.cadre)  # the cadre is known (the server said, or a first visit did)
        form = await open_form(app, pilot)
        assert form.query_one("#input-headcount", Input).has_focus
        assert form.query_one("#input-seasonal", Input).value == str(last.seasonal)
        assert form.query_one("#input-managers", Input).value == str(last.managers)
        assert form.query_one("#input-attitude").chosen == last.attitude
        carried = str(form.query_one("#carried", Static).render())
        assert last.visited_on.strftime("%d/%m/%Y") in carried and "Thái độ" in carried
        assert not form.dirty  # nothing typed yet: Esc leaves without a question
        # head count, Tab, applications, Tab, attitude, Ctrl+S: the fields in the order a visit changes them
        await pilot.press("3", "0", "tab", "5", "tab", "1", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
    with Store.open(data_dir, readonly=True) as store:
        saved = store.latest_visit(HOANG_MAI)
        assert saved is not None and saved.id != last.id
        assert (saved.headcount, saved.applications, saved.attitude) == (30, 5, "supportive")
        assert (saved.seasonal, saved.managers) == (last.seasonal, last.managers)
        assert saved.visited_on == TODAY and saved.cadre == last.cadre


async def test_a_first_visit_carries_nothing_and_an_unknown_cadre_is_asked_first(
    run_app: Any, data_dir: Path
) -> None:
    save_settings(data_dir, load_settings(data_dir).model_copy(update={"cadre": None}))
    async with run_app() as (app, pilot):
        assert app.settings.cadre is None
        form = await open_form(app, pilot, SAI_DONG)
        assert not form.query("#carried")
        assert form.query_one("#input-seasonal", Input).value == ""
        assert form.query_one("#input-cadre", Input).has_focus  # no name yet: asked first
        await pilot.press("escape")
        await settle(pilot)
        app.update_setting("cadre", "Lan")
        form = await open_form(app, pilot, SAI_DONG)
        assert form.query_one("#input-cadre", Input).value == "Lan"
        assert form.query_one("#input-headcount", Input).has_focus
