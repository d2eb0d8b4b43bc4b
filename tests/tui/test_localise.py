"""Binding descriptions follow the language, through the one private Textual attribute the app touches.

``fieldapp.tui.localise.node_bindings`` reads ``DOMNode._bindings``, as Textual has no public way to change a
binding's description. These tests fail when Textual stops showing (or acting on) what is there.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer

from fieldapp.core.i18n import gettext
from fieldapp.tui.i18n import N_, set_language
from fieldapp.tui.localise import localise_bindings, node_bindings

pytestmark = pytest.mark.anyio

SEARCH_VI = gettext("Search", "vi")


class _Probe(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "noop", N_("Search"), id="probe.search"),
        Binding("x,delete", "noop", N_("Clear filters"), id="probe.clear"),
    ]

    def __init__(self) -> None:
        super().__init__()
        localise_bindings(self)

    def compose(self) -> ComposeResult:
        yield Footer()

    def action_noop(self) -> None:
        pass


class _ProbeApp(App[None]):
    def on_mount(self) -> None:
        self.push_screen(_Probe())


def _shown(app: App[Any]) -> dict[str, str]:
    """key -> description, as Textual hands them to the Footer (its public ``active_bindings``)."""
    return {key: active.binding.description for key, active in app.screen.active_bindings.items()}


def test_the_catalog_translates_the_probe() -> None:
    assert SEARCH_VI != "Search"  # otherwise the tests below prove nothing


async def test_what_localise_changes_is_what_textual_shows() -> None:
    app = _ProbeApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        shown = _shown(app)
        assert shown["slash"] == SEARCH_VI  # built in Vietnamese, the default
        assert shown["x"] == shown["delete"] == gettext("Clear filters", "vi")  # both keys of one binding
        set_language("en")
        localise_bindings(app.screen)
        assert _shown(app)["slash"] == "Search"
        set_language("vi")
        localise_bindings(app.screen)  # translated again from the English message id, not from the English
        assert _shown(app)["slash"] == SEARCH_VI


async def test_one_node_in_another_language_leaves_the_others_alone() -> None:
    app = _ProbeApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        set_language("en")
        other = _Probe()  # built after the switch: English; the first one stays Vietnamese until relabelled
        descriptions = {b.description for _key, b in node_bindings(other)}
        assert "Search" in descriptions
        assert _shown(app)["slash"] == SEARCH_VI


async def test_keymaps_still_move_a_translated_binding() -> None:
    app = _ProbeApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        app.set_keymap({"probe.search": "f9"})
        await pilot.pause()
        shown = _shown(app)
        assert shown.get("f9") == SEARCH_VI and "slash" not in shown
