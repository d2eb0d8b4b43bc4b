"""A tax code whose check digit does not match (issue 10, finding 3): a warning in the form and the detail, never a
refusal, since registries carry old and mistyped codes."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Static

from fieldapp.core.taxcode import tax_code_check_digit_ok
from fieldapp.tui.screens.detail import DetailScreen
from fieldapp.tui.screens.enterprise_form import EnterpriseFormScreen

from .conftest import screen_text, settle
from .test_enterprise_form import new_form
from .test_visit_form import fill

pytestmark = pytest.mark.anyio

GOOD, ODD = "0100109106", "0100109107"  # a published code, and the same with its last digit mistyped
WARNING_VI = "chữ số kiểm tra của 0100109107 không khớp"


def warning_of(form: EnterpriseFormScreen) -> str:
    warning = form.query_one("#warning-tax_code", Static)
    return str(warning.render()) if warning.display else ""


def error_of(form: EnterpriseFormScreen) -> str:
    error = form.query_one("#error-tax_code", Static)
    return str(error.render()) if error.display else ""


def test_the_codes_are_what_the_tests_say() -> None:
    assert tax_code_check_digit_ok(GOOD) and not tax_code_check_digit_ok(ODD)


async def test_an_odd_check_digit_is_warned_in_the_form_and_saved(run_app: Any) -> None:
    async with run_app(size=(200, 40)) as (app, pilot):
        form = await new_form(app, pilot)
        await fill(pilot, form, name="Công ty Kiểm tra Số", tax_code=ODD)
        assert WARNING_VI in warning_of(form) and not error_of(form)  # a warning, not an error
        await fill(pilot, form, tax_code=GOOD)
        assert warning_of(form) == ""
        await fill(pilot, form, tax_code=ODD)
        assert WARNING_VI in warning_of(form)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, EnterpriseFormScreen)  # saved all the same
        saved = app.store.find_by_tax_code(ODD)
        assert saved is not None and saved.name == "Công ty Kiểm tra Số"

        # the detail says it too, next to the tax code
        app.open_enterprise(saved.id)
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert WARNING_VI in screen_text(app)


async def test_a_good_check_digit_warns_nowhere(run_app: Any) -> None:
    async with run_app(size=(200, 40)) as (app, pilot):
        form = await new_form(app, pilot)
        await fill(pilot, form, name="Công ty Đúng Số", tax_code=GOOD)
        assert warning_of(form) == "" and not error_of(form)
        await pilot.press("ctrl+s")
        await settle(pilot)
        saved = app.store.find_by_tax_code(GOOD)
        assert saved is not None
        app.open_enterprise(saved.id)
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and GOOD in screen_text(app)
        assert "chữ số kiểm tra" not in screen_text(app)


async def test_the_warning_is_in_english_too(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        app.switch_language("en")
        await settle(pilot)
        form = await new_form(app, pilot)
        await fill(pilot, form, name="Check Digit Co", tax_code=ODD)
        assert "the check digit of 0100109107 does not match" in warning_of(form)
