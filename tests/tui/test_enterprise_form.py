"""The enterprise form: validation through the core, the duplicate warning, saving, and marking a union."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Static

from fieldapp.store import Store
from fieldapp.tui.dialogs.confirm import Confirm
from fieldapp.tui.screens.detail import DetailScreen
from fieldapp.tui.screens.enterprise_form import EnterpriseFormScreen
from fieldapp.tui.screens.home import HomeScreen

from .conftest import HOANG_MAI, QUYNH_LUU, screen_text, settle
from .test_visit_form import fill

pytestmark = pytest.mark.anyio


def warning(form: EnterpriseFormScreen) -> str:
    return str(form.query_one("#duplicates", Static).render())


async def new_form(app: Any, pilot: Any) -> EnterpriseFormScreen:
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(app.screen, EnterpriseFormScreen)
    return app.screen


async def test_duplicate_tax_code_and_name_in_ward_are_warned(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        form = await new_form(app, pilot)
        assert warning(form) == ""
        await fill(pilot, form, tax_code="0109 998 881")  # spaces are fine: normalised before the lookup
        assert "Mã số thuế 0109998881 đã thuộc về “Công ty TNHH Gốm sứ Quỳnh Lưu”" in warning(form)
        await fill(pilot, form, tax_code="", name="xuong in hoang mai", ward="bo de")
        assert "“Xưởng in Hoàng Mai” đã có trong danh sách ở Bồ Đề" in warning(form)
        await fill(pilot, form, ward="Gia Thụy")
        assert warning(form) == ""


async def test_bad_tax_code_is_explained_under_the_field(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        form = await new_form(app, pilot)
        await fill(pilot, form, name="Công ty Mới", tax_code="12345")
        error = form.query_one("#error-tax_code", Static)
        assert error.display and "phải gồm 10 chữ số" in str(error.render())
        await fill(pilot, form, registered_workers="-5")
        assert "không được nhỏ hơn 0" in str(form.query_one("#error-registered_workers", Static).render())


async def test_a_new_enterprise_is_saved_and_listed(run_app: Any, data_dir: Path) -> None:
    async with run_app() as (app, pilot):
        form = await new_form(app, pilot)
        await fill(pilot, form, name="Hợp tác xã Rau sạch Cự Khối", tax_code="0107777777", ward="long bien",
                   registered_workers="12")  # fmt: skip
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("slash", *"rau sach")
        await pilot.pause()
        table = app.screen.query_one("#enterprises")
        assert table.row_count == 1
    with Store.open(data_dir, readonly=True) as store:
        saved = store.find_by_tax_code("0107777777")
        assert (
            saved is not None
            and saved.name == "Hợp tác xã Rau sạch Cự Khối"
            and saved.registered_workers == 12
        )
        # typed without accents, stored as the official unit of the 2025 map
        assert (saved.ward, saved.ward_code, saved.province_code) == ("Phường Long Biên", "00148", "01")


@pytest.mark.parametrize("search", ["", "quynh"])
async def test_a_new_enterprise_is_selected_and_shown_after_saving(run_app: Any, search: str) -> None:
    # issue 11, bug 4: after saving, the cursor stayed on the first row and the new enterprise was nowhere to see
    async with run_app(size=(100, 30)) as (app, pilot):
        if search:  # a search that would hide it is cleared
            await pilot.press("slash", *search, "enter")
            await pilot.pause()
        form = await new_form(app, pilot)
        await fill(pilot, form, name="Hợp tác xã Rau sạch Cự Khối", ward="Long Biên")
        await pilot.press("ctrl+s")
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        table = home.query_one("#enterprises")
        row = table.selected()
        assert row is not None and row.name == "Hợp tác xã Rau sạch Cự Khối"
        first, last, _total = table.view  # on screen, not only under a cursor scrolled out of sight
        assert first <= table.cursor_row + 1 <= last
        assert "Hợp tác xã Rau sạch Cự Khối" in screen_text(app)
        assert table.has_focus


async def test_editing_an_enterprise_from_its_detail(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        app.open_enterprise(QUYNH_LUU)
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, EnterpriseFormScreen)
        assert form.query_one("#input-name", Input).value == "Công ty TNHH Gốm sứ Quỳnh Lưu"
        assert warning(form) == ""  # itself is not a duplicate
        await fill(pilot, form, address="Số 7 Ngọc Lâm")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        saved = app.store.get_enterprise(QUYNH_LUU)
        assert saved is not None and saved.address == "Số 7 Ngọc Lâm" and saved.rev == 2


async def test_mark_unionized_from_the_detail(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        app.open_enterprise(HOANG_MAI)
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.click("#answer-yes")
        await settle(pilot)
        assert app.store.get_enterprise(HOANG_MAI).has_union
        assert app.index.rows[HOANG_MAI].status == "unionized"
        assert "Đã có CĐCS" in str(app.screen.query_one("#title", Static).render())


async def test_the_ward_completes_without_accents(run_app: Any, data_dir: Path) -> None:
    async with run_app() as (app, pilot):
        form = await new_form(app, pilot)
        await fill(pilot, form, name="Công ty Phố Cổ")
        ward = form.query_one("#input-ward", Input)
        ward.focus()
        await pilot.press(*"hoan ki")
        await settle(pilot)
        await pilot.press("right")  # accepts the completion, accents and all
        await pilot.pause()
        assert ward.value == "Hoàn Kiếm"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
    with Store.open(data_dir, readonly=True) as store:
        (saved,) = [e for e in store.enterprises() if e.name == "Công ty Phố Cổ"]
        assert (saved.ward, saved.ward_code, saved.province_code) == ("Phường Hoàn Kiếm", "00070", "01")


async def test_a_ward_on_no_map_is_refused_with_the_closest(run_app: Any, data_dir: Path) -> None:
    with Store.open(data_dir, readonly=True) as store:
        before = store.enterprises()
    async with run_app() as (app, pilot):
        form = await new_form(app, pilot)
        await fill(pilot, form, name="Công ty Thanh Nhàn", ward="bach maii")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # not saved: the form stays
        error = form.query_one("#error-ward", Static)
        text = str(error.render())
        assert error.display and "“bach maii” không phải là phường, xã nào của Thành phố Hà Nội" in text
        assert text.split("gần nhất: ")[1].split(", ")[0] == "Phường Bạch Mai"
        assert len(text.split("gần nhất: ")[1].split(", ")) == 3
    with Store.open(data_dir, readonly=True) as store:
        assert store.enterprises() == before


async def test_an_untouched_ward_from_before_the_map_does_not_hold_up_an_edit(
    run_app: Any, data_dir: Path
) -> None:
    async with run_app() as (app, pilot):
        app.open_enterprise(QUYNH_LUU)  # its ward, Ngọc Lâm, merged into Bồ Đề in 2025
        await pilot.pause()
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, EnterpriseFormScreen)
        assert "không có trên bản đồ 2025" in str(form.query_one("#warning-ward", Static).render())
        await fill(pilot, form, registered_workers="44")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
    with Store.open(data_dir, readonly=True) as store:
        saved = store.find_by_tax_code("0109998881")
        assert saved is not None and (saved.ward, saved.ward_code, saved.registered_workers) == (
            "Ngọc Lâm",
            None,
            44,
        )
