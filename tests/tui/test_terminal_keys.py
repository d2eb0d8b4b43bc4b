"""Keys a terminal keeps for itself (issue 14): no binding uses a key of Windows Terminal's default keymap, and an
action bound to a key that flow control may take (Ctrl+S, Ctrl+Q) has a second key that works everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.widgets import Input

from fieldapp.store import Store
from fieldapp.tui.app import FieldApp
from fieldapp.tui.screens.detail import DetailScreen

from .conftest import HOANG_MAI, settle
from .test_conventions import _ours
from .test_visit_form import fill, open_form

pytestmark = pytest.mark.anyio

#: Windows Terminal's default keymap (defaults.json of microsoft/terminal), in Textual's key names; Ctrl+C and
#: Ctrl+V, which its generated settings.json adds for copy (with a selection) and paste, are Textual's own
#: (copy and paste in text fields), never bound by fieldapp
WINDOWS_TERMINAL = {
    "alt+f4", "alt+enter", "f11", "alt+space", "ctrl+comma", "ctrl+shift+comma", "ctrl+alt+comma",
    "ctrl+shift+space", "ctrl+shift+f", "ctrl+shift+p", "ctrl+shift+period", "ctrl+shift+t", "ctrl+shift+n",
    "ctrl+shift+d", "ctrl+tab", "ctrl+shift+tab", "ctrl+shift+w", "alt+shift+minus", "alt+shift+plus",
    "alt+up", "alt+down", "alt+left", "alt+right", "alt+shift+up", "alt+shift+down", "alt+shift+left",
    "alt+shift+right", "ctrl+alt+left", "ctrl+shift+c", "ctrl+insert", "ctrl+shift+v", "shift+insert",
    "ctrl+shift+a", "ctrl+shift+m", "ctrl+shift+up", "ctrl+shift+down", "ctrl+shift+pageup",
    "ctrl+shift+pagedown", "ctrl+shift+home", "ctrl+shift+end", "ctrl+plus", "ctrl+minus", "ctrl+0",
    "ctrl+c", "ctrl+v",
    *(f"ctrl+shift+{n}" for n in range(1, 10)), *(f"ctrl+alt+{n}" for n in range(1, 10)),
}  # fmt: skip
#: XOFF and XON: Textual turns the tty's flow control off, but a terminal or multiplexer doing its own (GNU
#: screen's `flow on`, a serial console) never passes them on
FLOW_CONTROL = {"ctrl+s", "ctrl+q"}


def _bindings() -> list[tuple[str, Binding]]:
    return [
        (cls.__name__, binding)
        for cls in _ours()
        for binding in cls.__dict__.get("BINDINGS", [])
        if isinstance(binding, Binding)
    ]


def test_no_binding_uses_a_key_windows_terminal_keeps() -> None:
    taken = [
        f"{owner}: {binding.id} on {key}"
        for owner, binding in _bindings()
        for key in binding.key.split(",")
        if key.strip() in WINDOWS_TERMINAL
    ]
    assert taken == []


def test_an_action_on_a_flow_control_key_has_a_second_key() -> None:
    bindings = _bindings()
    flow = [(owner, b) for owner, b in bindings if set(b.key.split(",")) & FLOW_CONTROL]
    assert {b.id for _, b in flow} == {"app.quit", "form.save"}  # the audit of docs/tui.md, Keys
    for owner, binding in flow:
        others = [
            key
            for o, b in bindings
            if o == owner and b.action == binding.action and b is not binding
            for key in b.key.split(",")
            if key not in FLOW_CONTROL | WINDOWS_TERMINAL
        ]
        assert others, f"{owner}: {binding.action} has no key but {binding.key}"


async def test_ctrl_o_saves_a_visit_as_ctrl_s_does(run_app: Any, data_dir: Path) -> None:
    async with run_app() as (app, pilot):
        form = await open_form(app, pilot)
        form.query_one("#input-attitude").focus()
        await pilot.press("1")
        await fill(pilot, form, headcount="21", seasonal="0", managers="1", applications="7")
        form.query_one("#input-note").focus()  # the key works from a text area too, which has keys of its own
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.index.rows[HOANG_MAI].status == "eligible"
    with Store.open(data_dir, readonly=True) as store:
        latest = store.latest_visit(HOANG_MAI)
        assert latest is not None and (latest.headcount, latest.applications) == (21, 7)


async def test_ctrl_x_quits_from_the_table_and_cuts_in_a_text_field(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        assert isinstance(app, FieldApp)
        await pilot.press("slash")
        search = app.screen.query_one("#search", Input)
        assert search.has_focus
        await pilot.press(*"bo de")
        search.select_all()
        await pilot.press("ctrl+x")  # the text field's own key: the text is cut, the app stays
        await pilot.pause()
        assert app.is_running and search.value == ""
        await pilot.press("escape")  # back to the table
        await pilot.pause()
        assert not search.has_focus
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert not app.is_running
