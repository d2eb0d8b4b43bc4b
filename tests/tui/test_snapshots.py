"""Snapshots of the main screens at 80x24 and 120x40, in Vietnamese and English (fixed data, date, theme, no blink).

Regenerate after an intended change with ``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the
report before committing the files under ``__snapshots__/``.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from fieldapp.tui import FieldApp
from fieldapp.tui.i18n import set_language

from .conftest import HOANG_MAI, build_app, ready, seed

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
# the settings screen shows the data folder: a fixed path per case keeps the picture the same on every machine
SNAPSHOT_ROOT = Path("/tmp/fieldapp-tui-snapshots")


@pytest.fixture
def snap_app(request: pytest.FixtureRequest) -> Iterator[Callable[[str], FieldApp]]:
    stores: list[Any] = []

    def make(lang: str) -> FieldApp:
        folder = SNAPSHOT_ROOT / request.node.name.replace("[", "-").replace("]", "")
        shutil.rmtree(folder, ignore_errors=True)
        seed(folder, language=lang)
        app, store = build_app(folder)
        stores.append((store, folder))
        return app

    yield make
    for store, folder in stores:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)
    set_language("vi")


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
    # head count, seasonal larger than it (an error under the field), managers
    await pilot.press("tab", "tab", *"12", "tab", *"15", "tab", "1")
    await pilot.pause()


async def _followups(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    await pilot.press("f2")
    await pilot.pause()


async def _settings(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    await pilot.press("f4")
    await pilot.pause()


async def _sync(pilot: Pilot[Any]) -> None:
    await ready(pilot)
    await pilot.press("f3")
    await pilot.pause()


SCREENS: dict[str, Callable[[Pilot[Any]], Awaitable[None]]] = {
    "home": _home,
    "detail": _detail,
    "visit_form": _visit_form,
    "followups": _followups,
    "settings": _settings,
    "sync": _sync,
}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(
    snap_compare: Any, snap_app: Callable[[str], FieldApp], screen: str, size: str, lang: str
) -> None:
    assert snap_compare(snap_app(lang), terminal_size=SIZES[size], run_before=SCREENS[screen])
