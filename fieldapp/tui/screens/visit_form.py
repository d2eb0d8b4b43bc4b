"""The visit form (new and edit), with a live preview of the verdict the visit would give."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static

from fieldapp.core.classify import classify
from fieldapp.core.errors import RecordError
from fieldapp.core.records import Record, Visit, fields_of_type, input_fields
from fieldapp.settings import Settings
from fieldapp.tui.i18n import _, language
from fieldapp.tui.screens.form_base import RecordForm, iso_date
from fieldapp.tui.shown import plain, shown
from fieldapp.tui.widgets.badges import status_badge
from fieldapp.tui.widgets.fields import AttitudePicker, FieldBox, NoteArea, make_input

__all__ = ["VisitFormScreen", "read_only_reason"]

_NUMBERS = fields_of_type(Visit, int)
_DATES = fields_of_type(Visit, date)


def read_only_reason(settings: Settings, visit: Visit) -> str | None:
    """Why *visit* cannot be edited on this laptop (a colleague logged it: it arrived with their area), or None.

    Every screen asks this before opening the form on a visit; without a name in the settings nothing is
    anyone else's yet (no server has said who this laptop is)."""
    if not settings.cadre or visit.cadre == settings.cadre:
        return None
    return _("{cadre}'s visit: read only", cadre=visit.cadre)


class VisitFormScreen(RecordForm):
    """Log a visit to an enterprise, or correct one."""

    AUTO_FOCUS = "#input-visited_on"
    FIELDS: ClassVar[tuple[str, ...]] = input_fields(Visit)

    def __init__(self, enterprise_id: str, visit: Visit | None = None) -> None:
        self.enterprise_id = enterprise_id
        self.visit = visit
        super().__init__()
        self.enterprise = self.fapp.store.get_enterprise(enterprise_id)
        # the other visits, for the preview (the edited one is replaced by the draft)
        self.others = [
            v for v in self.fapp.store.visits_of(enterprise_id) if visit is None or v.id != visit.id
        ]

    def initial_values(self) -> dict[str, str]:
        v = self.visit
        if v is None:
            return {
                **{name: "" for name in self.FIELDS},
                "visited_on": self.fapp.today.isoformat(),
                "cadre": self.fapp.settings.cadre or "",
            }
        # str() gives a date's ISO form and an enum's value; an absent next visit is an empty field
        # (a control character a stored value may hold is shown as U+FFFD, to be seen and fixed)
        return {name: plain(getattr(v, name), newlines=name == "note") for name in self.FIELDS}

    def build(self, values: dict[str, str]) -> Record:
        fields: dict[str, Any] = {
            "enterprise_id": self.enterprise_id,
            "visited_on": iso_date(values["visited_on"]),
            "cadre": values["cadre"],
            "note": values["note"],
            "next_visit_on": iso_date(values["next_visit_on"]) or None,
        }
        for name in _NUMBERS:
            raw = values[name].strip()
            if raw:
                fields[name] = raw
        if values["attitude"]:
            fields["attitude"] = values["attitude"]
        today = self.fapp.today
        if self.visit is None:
            return Visit.create(today=today, **fields)
        # a record that did not change keeps its revision; an edit is a new revision, pending sync
        return self.visit.edit(today=today, **fields)

    def store_record(self, record: Record) -> str:
        assert isinstance(record, Visit)
        self.fapp.store.save_visit(record)
        return record.enterprise_id

    def after_save(self, record: Record) -> None:
        # without a server to say who this laptop is, the name typed on the first visit is remembered, so it is
        # asked once (the form fills it in from then on)
        if isinstance(record, Visit) and not self.fapp.settings.cadre and record.cadre:
            with contextlib.suppress(RecordError):  # a name the settings refuse is asked again next time
                self.fapp.update_setting("cadre", record.cadre)

    # --- layout ----------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        name = self.enterprise.name if self.enterprise else "?"
        title = _("Edit visit — {name}", name=name) if self.visit else _("New visit — {name}", name=name)
        yield Static(shown(title, style="bold"), id="form-title")
        yield Static(id="preview")
        with VerticalScroll(id="form"):
            for field_name in self.FIELDS:
                raw = self.values[field_name]
                if field_name == "attitude":
                    widget: Any = AttitudePicker(raw or None, id="input-attitude")
                elif field_name == "note":
                    widget = NoteArea(raw, id="input-note", soft_wrap=True, show_line_numbers=False)
                else:
                    placeholder = "YYYY-MM-DD" if field_name in _DATES else ""
                    widget = make_input(field_name, raw, placeholder=placeholder)
                yield FieldBox(field_name, widget)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.check()
        self.query_one("#input-visited_on").focus()

    def after_check(self, record: Record | None) -> None:
        preview = self.query_one("#preview", Static)
        if self.enterprise is None:
            preview.update(_("This enterprise is no longer in the store."))
            return
        if not isinstance(record, Visit):
            preview.update(Text(_("Verdict preview: shown when the figures are valid."), style="dim"))
            return
        c = classify(self.enterprise, [record, *self.others], self.fapp.rules, self.fapp.today)
        lang = language()
        text = Text(_("With this visit:") + " ")
        text.append_text(status_badge(self.app, c.status))
        text.append(" " + c.reasons[0].text(lang))
        if c.next_steps:
            text.append("\n→ " + c.next_steps[0].text(lang), style="italic")
        preview.update(text)
