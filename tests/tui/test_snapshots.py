"""Snapshots of the main screens at 80x24 and 120x40, in Vietnamese and English (fixed data, date, theme, no blink).

Regenerate after an intended change with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the
report before committing the files under ``__snapshots__/``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from fieldapp.core.rules import load_rules
from fieldapp.settings import load_settings
from fieldapp.store import Store
from fieldapp.tui import FieldApp, create_app
from fieldapp.tui.i18n import set_language

from .conftest import HOANG_MAI, QUYNH_LUU, TODAY, ready, seed
from .founding_cases import add_cases

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
# The settings screen shows the data folder: the app is told this fixed path per case, so the picture is the same
# on every machine, while the files are in the test's own tmp_path (runs side by side never share them). Nothing is
# written to the shown path: no flow below changes a setting, and the test checks it.
SHOWN_ROOT = Path("/tmp/fieldapp-tui-snapshots")


@pytest.fixture
def snap_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], FieldApp]]:
    stores: list[Store] = []
    shown = SHOWN_ROOT / request.node.name.replace("[", "-").replace("]", "")
    existed = shown.exists()

    def make(lang: str) -> FieldApp:
        folder = tmp_path / "data"
        seed(folder, language=lang)
        store = Store.open(folder)
        stores.append(store)
        settings, rules = load_settings(folder), load_rules(folder)
        return create_app(store, settings, shown, rules, TODAY, cursor_blink=False)

    yield make
    for store in stores:
        store.close()
    set_language("vi")
    assert existed or not shown.exists(), f"the app wrote to {shown}, the folder it was only to show"


async def _home(pilot: Pilot[Any]) -> None:
    await ready(pilot)


async def _detail(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    pilot.app.open_enterprise(HOANG_MAI)  # type: ignore[attr-defined]
    await pilot.pause()


async def _visit_form(pilot: Pilot[Any]) -> None:
    await _detail(pilot)
    await pilot.press("v")
    await pilot.pause()
    # the cursor starts on the head count (seasonal workers, managers, attitude carried over from the last
    # visit, said above the form); applications more than the workers who may join: an error under the field
    await pilot.press(*"12", "tab", *"15", "tab")
    await pilot.pause()


async def _followups(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    await pilot.press("f2")
    await pilot.pause()


async def _enterprise_form(pilot: Pilot[Any]) -> None:
    await _detail(pilot)
    await pilot.press("e")
    await pilot.pause()
    ward = pilot.app.screen.query_one("#input-ward", Input)
    ward.focus()
    ward.value = ""
    await pilot.press(*"bach m")  # completed without accents against the 2025 map: "Bạch Mai"
    await pilot.pause()


async def _ward_picker(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    await pilot.press("w", *"lam")  # "Ngọc Lâm" and others, found without accents
    await pilot.pause()


async def _settings(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    await pilot.press("f4")
    await pilot.pause()


async def _sync(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    await pilot.press("f3")
    await pilot.pause()


async def _founding_timeline(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    add_cases(pilot.app.store)  # type: ignore[attr-defined]
    pilot.app.open_enterprise(QUYNH_LUU)  # type: ignore[attr-defined]  # the BCH meeting and dossier overdue
    await pilot.pause()


async def _founding_form(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    add_cases(pilot.app.store)  # type: ignore[attr-defined]
    pilot.app.open_enterprise(HOANG_MAI)  # type: ignore[attr-defined]
    await pilot.pause()
    await pilot.press(
        "f"
    )  # the congress: a date before the applications (an error under it), then the figures
    await pilot.pause()
    await pilot.press("shift+tab", *["backspace"] * 10, *"2026-11-10", "tab", "5", "tab", "3")
    await pilot.pause()


async def _pipeline(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    add_cases(pilot.app.store)  # type: ignore[attr-defined]
    await pilot.press("f5")
    await pilot.pause()


SCREENS: dict[str, Callable[[Pilot[Any]], Awaitable[None]]] = {
    "home": _home,
    "detail": _detail,
    "visit_form": _visit_form,
    "enterprise_form": _enterprise_form,
    "followups": _followups,
    "ward_picker": _ward_picker,
    "settings": _settings,
    "sync": _sync,
    "founding_timeline": _founding_timeline,
    "founding_form": _founding_form,
    "pipeline": _pipeline,
}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(
    snap_compare: Any, snap_app: Callable[[str], FieldApp], screen: str, size: str, lang: str
) -> None:
    assert snap_compare(snap_app(lang), terminal_size=SIZES[size], run_before=SCREENS[screen])
