"""Settings: language switch (at once, everywhere, persisted), theme, cadre name, the rules in use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, Select, Static

from fieldapp.settings import load_settings
from fieldapp.tui.screens.home import HomeScreen
from fieldapp.tui.screens.settings import SettingsScreen
from fieldapp.tui.widgets.enterprise_table import EnterpriseTable, column_title

from .conftest import QUYNH_LUU, build_app, ready, screen_text, settle

pytestmark = pytest.mark.anyio


def footer_text(app: Any) -> str:
    return " ".join(b.description for _ns, b, _on, _tip in app.screen.active_bindings.values() if b.show)


async def test_switching_language_changes_every_screen_at_once_and_persists(
    run_app: Any, data_dir: Path
) -> None:
    async with run_app() as (app, pilot):
        home = app.screen
        assert "Tìm theo tên" in home.query_one("#search", Input).placeholder
        assert "Tìm" in footer_text(app)
        await pilot.press("f4")
        await pilot.pause()
        settings = app.screen
        assert isinstance(settings, SettingsScreen)
        settings.query_one("#language", Select).value = "en"
        await settle(pilot)
        assert "Settings" in str(app.screen.query_one(".section", Static).render())
        assert "Language" in str(app.screen.query_one("#settings-grid").query("Label")[1].render())
        assert load_settings(data_dir).language == "en"
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "Search name" in app.screen.query_one("#search", Input).placeholder
        assert "Search" in footer_text(app) and "Tìm" not in footer_text(app)
        assert "Eligible" in str(app.screen.query_one("#counts", Static).render())
    # a new start uses the saved language
    app2, store = build_app(data_dir)
    try:
        async with app2.run_test(size=(100, 30)) as pilot2:
            await ready(pilot2)
            assert "Search name" in app2.screen.query_one("#search", Input).placeholder
    finally:
        store.close()


async def test_a_detail_opened_again_after_a_switch_speaks_the_new_language(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        app.open_enterprise(QUYNH_LUU)
        await pilot.pause()
        assert "Ghi lần thăm" in footer_text(app)
        await pilot.press("escape", "ctrl+l")
        await settle(pilot)
        app.open_enterprise(QUYNH_LUU)
        await pilot.pause()
        assert "Log visit" in footer_text(app)
        assert "Why" in str(app.screen.query_one("#verdict", Static).render())


async def test_ctrl_l_toggles_the_language(run_app: Any, data_dir: Path) -> None:
    async with run_app() as (app, pilot):
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert "rows 1–" in str(app.screen.query_one("#pager", Static).render())
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert "dòng 1–" in str(app.screen.query_one("#pager", Static).render())
        assert load_settings(data_dir).language == "vi"


async def test_theme_and_cadre_name_persist(run_app: Any, data_dir: Path) -> None:
    async with run_app() as (app, pilot):
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert app.theme == "textual-light"
        assert load_settings(data_dir).theme == "textual-light"
        await pilot.press("f4")
        await pilot.pause()
        cadre = app.screen.query_one("#cadre", Input)
        cadre.focus()
        cadre.value = ""
        await pilot.press(*"Trần Văn Minh", "enter")
        await settle(pilot)
        assert load_settings(data_dir).cadre == "Trần Văn Minh"


async def test_settings_show_the_rules_in_use_and_their_files(tmp_path: Path, data_dir: Path) -> None:
    (data_dir / "rules.toml").write_text("min_members = 7\n", encoding="utf-8")
    app, store = build_app(data_dir)
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await ready(pilot)
            await pilot.press("f4")
            await pilot.pause()
            lines = screen_text(app).splitlines()
            # the override is marked as this laptop's, the defaults shown as the package's
            row = next(line for line in lines if "Số đoàn viên/đơn gia nhập tối thiểu" in line)
            assert " 7 " in row and "ghi đè trên máy này" in row, row
            assert any(" 20 " in line and "mặc định của phần mềm" in line for line in lines)
            files = str(app.screen.query_one("#rules-files", Static).render())
            assert "rules.toml" in files and str(data_dir) in files
    finally:
        store.close()


async def test_the_enterprise_table_keeps_its_columns_after_a_switch_made_on_another_screen(
    run_app: Any,
) -> None:
    # the home screen is rebuilt when shown again; its table must share out the real width, not 0
    async with run_app(size=(80, 24)) as (app, pilot):
        assert column_title("next_due") in app.screen.query_one(EnterpriseTable).render_line(0).text
        app.open_enterprise(QUYNH_LUU)
        await pilot.pause()
        await pilot.press("ctrl+l")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        header = app.screen.query_one(EnterpriseTable).render_line(0).text
        assert "Enterprise name" in header and column_title("next_due") == "Next visit"
        assert "Next visit" in header, header


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_ctrl_l_on_home_measures_the_columns_again(run_app: Any, size: tuple[int, int]) -> None:
    # issue 11, bug 1: after Ctrl+L the header read " Verdict ⟳ Enterprise name ▲", names were cut at 30
    # characters and the rest of each line was blank until the terminal was resized
    async with run_app(size=size) as (app, pilot):
        table = app.screen.query_one(EnterpriseTable)
        shown_before = len([t for t in table.render_line(0).text.split("  ") if t.strip()])
        widths_before = list(table._widths)
        await pilot.press("ctrl+l")
        await settle(pilot)
        table = app.screen.query_one(EnterpriseTable)
        header = table.render_line(0).text
        assert "Next visit" in header, header
        assert len([t for t in header.split("  ") if t.strip()]) == shown_before, header
        assert table._widths == widths_before  # the same width shared out the same way
        lines = screen_text(app).splitlines()
        titles = next(line for line in lines if "Enterprise name" in line)
        assert "Next visit" in titles, titles  # what the terminal shows, not only what the table would draw
