"""A real store in a tmp folder with fixed records and a fixed "today", and the app built on it."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.message import Message
from textual.pilot import Pilot

from fieldapp.core.records import Enterprise, Visit
from fieldapp.core.rules import load_rules
from fieldapp.io.demo import generate_demo
from fieldapp.settings import Settings, load_settings, save_settings
from fieldapp.store import Store
from fieldapp.tui import FieldApp, create_app
from fieldapp.tui.i18n import set_language

TODAY = date(2026, 11, 23)  # a Monday
_STAMP = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)

# fixed ids, so snapshots and assertions never depend on uuid4
QUYNH_LUU = "00000000-0000-4000-8000-000000000001"  # eligible, overdue follow-up
HOANG_MAI = "00000000-0000-4000-8000-000000000002"  # not eligible: 2 stable workers
DUC_GIANG = "00000000-0000-4000-8000-000000000003"  # has a union
SAI_DONG = "00000000-0000-4000-8000-000000000004"  # unknown: never visited


def _enterprise(id: str, name: str, ward: str, **fields: Any) -> Enterprise:
    return Enterprise.create(
        id=id, name=name, ward=ward, district="Long Biên", created_at=_STAMP, updated_at=_STAMP, **fields
    )


def _visit(n: int, enterprise_id: str, days_ago: int, **fields: Any) -> Visit:
    fields.setdefault("attitude", "neutral")
    fields.setdefault("cadre", "Nguyễn Thị Thu Hà")
    return Visit.create(
        id=f"00000000-0000-4000-9000-{n:012d}",
        enterprise_id=enterprise_id,
        visited_on=TODAY - timedelta(days=days_ago),
        created_at=_STAMP,
        updated_at=_STAMP,
        today=TODAY,
        **fields,
    )


def fixed_records() -> tuple[list[Enterprise], list[Visit]]:
    """Four enterprises the tests know by heart, plus a small demo district (seeded, so always the same)."""
    mine = [
        _enterprise(QUYNH_LUU, "Công ty TNHH Gốm sứ Quỳnh Lưu", "Ngọc Lâm", tax_code="0109998881",
                    address="Số 5 Nguyễn Văn Cừ"),
        _enterprise(HOANG_MAI, "Xưởng in Hoàng Mai", "Bồ Đề", tax_code="0109998882"),
        _enterprise(DUC_GIANG, "Cửa hàng Đức Giang", "Đức Giang", has_union=True, union_members=12),
        _enterprise(SAI_DONG, "Công ty Cổ phần Sài Đồng Xanh", "Sài Đồng"),
    ]  # fmt: skip
    visits = [
        _visit(1, QUYNH_LUU, 40, headcount=30, seasonal=5, managers=2, applications=2, attitude="supportive",
               next_visit_on=TODAY - timedelta(days=3)),
        _visit(2, HOANG_MAI, 20, headcount=6, seasonal=3, managers=1, applications=0,
               next_visit_on=TODAY + timedelta(days=2)),
        _visit(3, DUC_GIANG, 100, headcount=15, seasonal=0, managers=1, applications=0),
    ]  # fmt: skip
    demo_e, demo_v = generate_demo(enterprises=30, visits=60, seed=11, today=TODAY)
    return mine + demo_e, visits + demo_v


def seed(data_dir: Path, *, language: str = "vi", cadre: str | None = "Nguyễn Thị Thu Hà") -> None:
    """Fill *data_dir* with the fixed records and settings."""
    enterprises, visits = fixed_records()
    with Store.open(data_dir) as store:
        store.save_enterprises(enterprises)
        store.save_visits(visits)
    save_settings(
        data_dir, Settings(language=language, cadre=cadre, theme="textual-dark", device_id=QUYNH_LUU)
    )  # type: ignore[arg-type]


@pytest.fixture
def anyio_backend() -> str:
    # the async tests run on asyncio through anyio's pytest plugin (Textual runs on asyncio)
    return "asyncio"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    seed(folder)
    return folder


@pytest.fixture(autouse=True)
def _vietnamese_again() -> Iterator[None]:
    # the current language is process-wide: every test starts from the default
    yield
    set_language("vi")


def build_app(data_dir: Path, **options: Any) -> tuple[FieldApp, Store]:
    """The app on an open store (the caller closes the store)."""
    store = Store.open(data_dir)
    app = create_app(
        store, load_settings(data_dir), data_dir, load_rules(data_dir), TODAY, cursor_blink=False, **options
    )
    return app, store


async def ready(pilot: Pilot[Any]) -> None:
    """Wait until the index is loaded, the table filled and every worker finished; fail if it never loads."""
    app = pilot.app
    assert isinstance(app, FieldApp)
    for _attempt in range(200):  # bounded: each round waits for the workers, so this is never a busy loop
        await pilot.pause()
        await app.workers.wait_for_complete()
        if app.loaded:
            break
    assert app.loaded, "the app did not load its index"
    await pilot.pause()


@pytest.fixture
def run_app(data_dir: Path) -> Callable[..., Any]:
    """``async with run_app(size=(80, 24)) as (app, pilot):`` the app on the fixed data, loaded; every message
    it handles goes to *message_hook* when one is given."""

    @asynccontextmanager
    async def run(
        size: tuple[int, int] = (100, 30),
        message_hook: Callable[[Message], None] | None = None,
        **options: Any,
    ) -> AsyncIterator[tuple[FieldApp, Pilot[Any]]]:
        app, store = build_app(data_dir, **options)
        try:
            async with app.run_test(size=size, message_hook=message_hook) as pilot:
                await ready(pilot)
                yield app, pilot
        finally:
            store.close()

    return run


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and the screen catch up."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def screen_text(app: Any) -> str:
    """Every character the app would send to the terminal as text for the screen in front (what
    ``export_screenshot`` renders, as plain text): the terminal's own codes (styles, cursor moves) left out."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True, color_system="truecolor",
        record=True, legacy_windows=False, safe_box=False,
    )  # fmt: skip
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text(styles=False)
