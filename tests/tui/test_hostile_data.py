"""Hostile text in the terminal app (issue 10, findings 2 and the corpus).

Data can never drive the terminal or the app's markup: a name holding a terminal escape or ``[bold]`` shows as
visible characters on every screen that shows it (home table, search, detail, follow-ups, palette, sync issues,
dialogs and toasts). The stores here hold such records as an older version or a hostile server left them: written
past today's validation, which refuses controls.

And the forms, fed the hostile-input corpus as a paste, either refuse a value with a message under its field (and
store nothing) or store it neutralised; nothing crashes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual import events
from textual.command import CommandPalette
from textual.widgets import DataTable, Input, Static, TextArea

from fieldapp.core.issues import FieldError, SyncIssue
from fieldapp.core.records import Enterprise, Visit
from fieldapp.core.text import CONTROL
from fieldapp.store import Store
from fieldapp.tui.dialogs.confirm import Confirm
from fieldapp.tui.screens.detail import DetailScreen
from fieldapp.tui.screens.enterprise_form import EnterpriseFormScreen
from fieldapp.tui.screens.visit_form import VisitFormScreen
from fieldapp.tui.shown import shown
from tests.support.hostile import HOSTILE

from .conftest import HOANG_MAI, TODAY, screen_text, seed, settle

pytestmark = pytest.mark.anyio

HOSTILE_ID = "00000000-0000-4000-8000-0000000000ee"
#: what a hostile name holds, and how each part must read on screen
ESCAPES = {"\x1b[2J": "\ufffd[2J", "\x1b]0;title\x1b\\": "\ufffd]0;title\ufffd\\"}
MARKUP = ("[bold red]x[/]", "[link=http://x]y[/link]")
HOSTILE_NAME = "Zeta " + " ".join([*ESCAPES, *MARKUP])
SHOWN_NAME = "Zeta " + " ".join([*ESCAPES.values(), *MARKUP])


def _hostile_records() -> tuple[Enterprise, Visit]:
    # valid records made hostile past validation (model_copy does not validate), as a store of an older version,
    # or a pull from a server that let them through, would hold them
    enterprise = Enterprise.create(id=HOSTILE_ID, name="Zeta", ward="Ngọc Lâm", tax_code="0100109106")
    enterprise = enterprise.model_copy(
        update={"name": HOSTILE_NAME, "ward": "Ngọc Lâm [b]\x1b[31m", "address": "\x1b[H[i]số 1[/i]"}
    )
    visit = Visit.create(
        enterprise_id=HOSTILE_ID, visited_on=TODAY - timedelta(days=9), cadre="Hà", headcount=12,
        attitude="neutral", next_visit_on=TODAY - timedelta(days=1), today=TODAY,
    )  # fmt: skip
    visit = visit.model_copy(update={"note": "ghi chú \x1b[2J[bold]đậm[/bold]", "cadre": "Hà\x1b[5m"})
    return enterprise, visit


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    seed(folder)
    enterprise, visit = _hostile_records()
    with Store.open(folder) as store:
        store.save_enterprise(enterprise)
        store.save_visit(visit)
        store.set_sync_issue(
            SyncIssue(
                kind="enterprise", id=HOSTILE_ID, status="rejected",
                errors=(FieldError(field="name", vi="máy chủ: \x1b[2J[red]từ chối[/red]", en="server: [red]no[/red]"),),
            )
        )  # fmt: skip
    with Store.open(folder, readonly=True) as store:  # the store really holds them as they are
        held = store.get_enterprise(HOSTILE_ID)
        assert held is not None and held.name == HOSTILE_NAME
    return folder


def assert_no_controls(text: str, where: str) -> None:
    found = sorted({f"U+{ord(ch):04X}" for ch in CONTROL.findall(text) if ch != "\n"})
    assert not found, f"{where}: the screen holds control characters {found}"


def assert_shows_literally(text: str, parts: tuple[str, ...], where: str) -> None:
    flat = text.replace("\n", "")
    for part in parts:
        assert part in flat, f"{where}: {part!r} is not shown as typed in\n{text}"


def test_shown_is_text_never_markup_nor_controls() -> None:
    text = shown(HOSTILE_NAME)
    assert text.plain == SHOWN_NAME
    assert not text.spans  # "[bold red]" stayed characters, not a style
    assert shown(None).plain == "" and shown(12).plain == "12"
    assert shown("dòng 1\ndòng 2", newlines=True).plain == "dòng 1\ndòng 2"


async def test_hostile_names_show_as_characters_on_every_screen(run_app: Any) -> None:
    async with run_app(size=(160, 40)) as (app, pilot):
        # the home table, found by a search
        await pilot.press("slash", *"zeta")
        await settle(pilot)
        home = screen_text(app)
        assert_no_controls(home, "home")
        assert_shows_literally(
            home, ("Zeta \ufffd[2J \ufffd]0;title\ufffd\\ [bold red]x[/]", "Lâm [b]\ufffd"), "home"
        )

        # the detail: title, fields, the visit's note
        app.open_enterprise(HOSTILE_ID)
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        detail = screen_text(app)
        assert_no_controls(detail, "detail")
        assert_shows_literally(
            detail, (*MARKUP, "\ufffd[H[i]số 1[/i]", "\ufffd[2J[bold]đậm[/bold]"), "detail"
        )

        # the question before marking a union, and the toast after
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, Confirm)
        assert_no_controls(screen_text(app), "confirm")
        assert_shows_literally(screen_text(app), MARKUP, "confirm")
        await pilot.press("enter")
        await settle(pilot)
        toast = screen_text(app)
        assert_no_controls(toast, "toast")
        assert_shows_literally(toast, ("[bold", "red]x[/]"), "toast")  # the toast wraps the long name

        # the edit form's title
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, EnterpriseFormScreen)
        form = screen_text(app)
        assert_no_controls(form, "enterprise form")
        assert_shows_literally(form, ("[bold red]x[/]",), "enterprise form")
        await pilot.press("escape")
        await settle(pilot)

        # follow-ups (the visit's next visit is overdue; it is not the cadre's, so everyone's: m)
        await pilot.press("f2", "m")
        await settle(pilot)
        followups = screen_text(app)
        assert_no_controls(followups, "follow-ups")
        assert_shows_literally(followups, ("Ngọc Lâm [b]\ufffd[31m", "[bold red]x[/]"), "follow-ups")

        # the command palette's hits
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert CommandPalette.is_open(app)
        await pilot.press(*"zeta")
        await pilot.pause(0.3)  # the palette searches in the background
        await settle(pilot)
        palette = screen_text(app)
        assert_no_controls(palette, "palette")
        assert_shows_literally(palette, ("[bold red]x[/]", "Ngọc Lâm [b]\ufffd[31m"), "palette")
        await pilot.press("escape")
        await settle(pilot)

        # the sync screen's issues: the record's name and the server's words
        await pilot.press("f3")
        await settle(pilot)
        sync = screen_text(app)
        assert_no_controls(sync, "sync")
        assert_shows_literally(sync, ("Zeta \ufffd[2J",), "sync")
        # the details column is narrower than the server's words: its cell, as the table holds it
        table = app.screen.query_one("#issues", DataTable)
        details = table.get_cell(f"enterprise:{HOSTILE_ID}", "details")
        assert isinstance(details, Text) and not details.spans
        assert "\ufffd[2J[red]từ chối[/red]" in details.plain


# --- the corpus, typed (pasted) into the forms ------------------------------------------------------------


async def paste(pilot: Any, widget: Input | TextArea, text: str) -> None:
    """Put *text* into *widget* as a terminal delivers a paste (bracketed paste: one event, every character)."""
    widget.focus()
    if isinstance(widget, Input):
        widget.value = ""
    else:
        widget.text = ""
    widget.post_message(events.Paste(text))
    await pilot.pause()


def counts(app: Any) -> tuple[int, int]:
    c = app.store.counts()
    return c["enterprises"], c["visits"]


def field_error(form: Any, name: str) -> str:
    error = form.query_one(f"#error-{name}", Static)
    return str(error.render()) if error.display else ""


async def feed_corpus(
    app: Any,
    pilot: Any,
    open_form: Callable[[], Any],
    fields: tuple[str, ...],
    stored: Callable[[str], str],
) -> dict[str, int]:
    """Paste each value of the corpus into each of *fields* of a form whose other fields are valid, and save.

    Each must be refused with a message under its field and nothing stored, or stored with no control character
    in it; the screen never holds one. One form serves every refused value (it stays open); a saved one closes it.
    Returns how many were refused and how many stored.
    """
    seen = {"refused": 0, "stored": 0}
    form = None
    for hostile in HOSTILE:  # bounded: the corpus
        for name in fields:
            where = f"{name}={hostile[:20]!r}"
            if form is None or app.screen is not form:
                form = await open_form()
            widget = form.query_one(f"#input-{name}")
            valid = widget.value if isinstance(widget, Input) else widget.text
            before = counts(app)
            await paste(pilot, widget, hostile)
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert_no_controls(screen_text(app), f"after saving {where}")
            if app.screen is form:
                assert field_error(form, name), f"{where}: refused with no message under the field"
                assert counts(app) == before, f"{where}: refused, yet something was stored"
                if isinstance(widget, Input):  # valid again for the next field (checked with the next paste)
                    widget.value = valid
                else:
                    widget.text = valid
                seen["refused"] += 1
            else:
                assert counts(app) != before, f"{where}: the form closed but nothing was stored"
                found = [ch for ch in CONTROL.findall(stored(name)) if ch != "\n"]  # a note keeps its lines
                assert not found, f"{where}: stored with control characters {found}"
                seen["stored"] += 1
    return seen


async def test_the_enterprise_form_refuses_or_neutralises_the_corpus(run_app: Any) -> None:
    async with run_app() as (app, pilot):
        made = iter(range(1000))  # bounded: a fresh valid name for each form

        async def open_form() -> EnterpriseFormScreen:
            app.show_mode("home")
            app.new_enterprise()
            await settle(pilot)
            form = app.screen
            assert isinstance(form, EnterpriseFormScreen)
            await paste(pilot, form.query_one("#input-name", Input), f"Công ty thử {next(made)}")
            return form

        def stored(name: str) -> str:
            newest = max(app.store.enterprises(), key=lambda e: e.created_at)
            return str(getattr(newest, name) or "")

        seen = await feed_corpus(app, pilot, open_form, ("name", "tax_code"), stored)
        assert seen["refused"] and seen["stored"], seen  # the corpus has both kinds


async def test_the_visit_form_refuses_or_neutralises_the_corpus(run_app: Any) -> None:
    async with run_app() as (app, pilot):

        async def open_form() -> VisitFormScreen:
            app.show_mode("home")
            app.new_visit(HOANG_MAI)
            await settle(pilot)
            form = app.screen
            assert isinstance(form, VisitFormScreen)
            await paste(pilot, form.query_one("#input-headcount", Input), "10")
            form.query_one("#input-attitude").focus()
            await pilot.press("2")
            return form

        def stored(name: str) -> str:
            newest = max(app.store.visits_of(HOANG_MAI), key=lambda v: v.created_at)
            return str(getattr(newest, name))

        seen = await feed_corpus(app, pilot, open_form, ("note", "cadre", "headcount"), stored)
        assert seen["refused"] and seen["stored"], seen
