"""Contacts in the terminal app: the enterprise form refuses a wrong phone under its field and saves nothing, takes
a good one in any spelling and shows it back in the national form; the detail shows the contact block and, for the
visit under the cursor, who was met and the next step; the visit form has those three fields last."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from fieldapp.core.records import Visit, input_fields
from fieldapp.store import Store
from fieldapp.tui.screens.detail import DetailScreen
from fieldapp.tui.screens.enterprise_form import EnterpriseFormScreen
from fieldapp.tui.screens.visit_form import VisitFormScreen
from fieldapp.tui.widgets.visits_table import VisitsTable

from .conftest import HOANG_MAI, QUYNH_LUU, TODAY, screen_text, settle
from .test_visit_form import error_of, fill, open_form

pytestmark = pytest.mark.anyio


async def _edit_form(app: Any, pilot: Any, enterprise_id: str = QUYNH_LUU) -> EnterpriseFormScreen:
    app.open_enterprise(enterprise_id)
    await pilot.pause()
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, EnterpriseFormScreen)
    return app.screen


async def test_a_bad_phone_is_explained_under_its_field_and_nothing_is_saved(
    run_app: Any, data_dir: Path
) -> None:
    async with run_app(size=(100, 40)) as (app, pilot):
        form = await _edit_form(app, pilot)
        await fill(pilot, form, contact_name="Nguyễn Văn An", contact_phone="0912 34")
        assert "phải là số điện thoại Việt Nam" in error_of(form, "contact_phone")
        await fill(pilot, form, contact_email="an@")
        assert "phải là địa chỉ email" in error_of(form, "contact_email")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # not saved: the form stays with what was typed
        assert app.focused is form.query_one("#input-contact_phone", Input)  # the first field in red
    with Store.open(data_dir, readonly=True) as store:
        kept = store.get_enterprise(QUYNH_LUU)
        assert kept is not None and (kept.contact_name, kept.contact_phone, kept.rev) == ("", "", 1)


async def test_a_good_phone_is_saved_in_e164_and_shown_in_the_national_form(
    run_app: Any, data_dir: Path
) -> None:
    async with run_app(size=(120, 60)) as (app, pilot):
        form = await _edit_form(app, pilot)
        await fill(
            pilot,
            form,
            contact_name="Nguyễn Văn An",
            contact_role="Trưởng phòng nhân sự",
            contact_phone="+84 912.345.678",
            contact_email="an@quynhluu.vn",
            representative="Trần Thị Bình",
        )
        assert error_of(form, "contact_phone") == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        contacts = screen_text(app)
        for expected in ("Liên hệ", "Nguyễn Văn An", "Trưởng phòng nhân sự", "0912 345 678", "an@quynhluu.vn",
                         "Người đại diện theo pháp luật", "Trần Thị Bình"):  # fmt: skip
            assert expected in contacts, expected
        assert "+84" not in contacts and "Liên hệ: chưa có" not in contacts
        # the form opens on the number as people write it, and saving it unchanged is no edit
        form = await _edit_form(app, pilot)
        assert form.query_one("#input-contact_phone", Input).value == "0912 345 678"
        assert not form.dirty
    with Store.open(data_dir, readonly=True) as store:
        saved = store.get_enterprise(QUYNH_LUU)
        assert saved is not None and (saved.contact_phone, saved.rev) == ("+84912345678", 2)


async def test_the_detail_says_when_no_contact_is_recorded(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        app.open_enterprise(HOANG_MAI)
        await pilot.pause()
        assert "Liên hệ: chưa có (bấm e để thêm)" in screen_text(app)


async def test_the_visit_form_ends_with_who_was_met_and_the_next_step(run_app: Any, data_dir: Path) -> None:
    assert input_fields(Visit)[-5:] == ("note", "next_visit_on", "met_name", "met_role", "next_step")
    async with run_app(size=(100, 50)) as (app, pilot):
        form = await open_form(app, pilot)
        boxes = [box.id for box in form.query(".fieldbox")]
        assert boxes[-3:] == ["box-met_name", "box-met_role", "box-next_step"]
        await fill(pilot, form, headcount="20", met_name="Lê  Thị Hoa", met_role="Kế toán trưởng",
                   next_step="Gửi 20 mẫu đơn vào thứ Hai")  # fmt: skip
        form.query_one("#input-attitude").focus()
        await pilot.press("2")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        # the new visit is the newest: the cursor is on it, and the line under the table says who was met
        met = app.screen.query_one("#visit-met", Static)
        assert met.display
        text = str(met.render())
        assert "Đã gặp: Lê Thị Hoa — Kế toán trưởng" in text
        assert "Bước tiếp theo đã thống nhất: Gửi 20 mẫu đơn vào thứ Hai" in text
        # an older visit that says neither: the line goes away when the cursor moves to it
        table = app.screen.query_one("#visits", VisitsTable)
        table.focus()
        await pilot.press("down")
        await pilot.pause()
        assert not met.display
        await pilot.press("up")
        await pilot.pause()
        assert met.display and "Lê Thị Hoa" in str(met.render())
    with Store.open(data_dir, readonly=True) as store:
        newest = store.visits_of(HOANG_MAI)[0]
        assert (newest.visited_on, newest.met_name, newest.next_step) == (
            TODAY,
            "Lê Thị Hoa",
            "Gửi 20 mẫu đơn vào thứ Hai",
        )


async def test_a_too_long_next_step_is_refused_under_its_field(run_app: Any) -> None:
    async with run_app(size=(100, 50)) as (app, pilot):
        form = await open_form(app, pilot)
        assert isinstance(form, VisitFormScreen)
        await fill(pilot, form, next_step="x" * 501)
        assert "dài quá 500 ký tự" in error_of(form, "next_step")
