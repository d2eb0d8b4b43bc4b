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
from fieldapp.tui.i18n import _, field, language
from fieldapp.tui.screens.form_base import RecordForm, iso_date
from fieldapp.tui.shown import plain, shown
from fieldapp.tui.widgets.badges import status_badge
from fieldapp.tui.widgets.fields import AttitudePicker, FieldBox, NoteArea, make_input

__all__ = ["CARRIED", "VisitFormScreen", "last_visit", "read_only_reason"]

_NUMBERS = fields_of_type(Visit, int)
_DATES = fields_of_type(Visit, date)
#: the form's order: what is new at every visit first (after the date and the cadre, which come filled in), what
#: usually carries over from the last visit after; the other fields follow in the record's order
_FIRST = ("visited_on", "cadre", "headcount", "applications", "attitude")
#: what a new visit takes over from the enterprise's last visit, for the cadre to confirm or correct
CARRIED = ("seasonal", "managers", "attitude")


def read_only_reason(settings: Settings, visit: Visit) -> str | None:
    """Why *visit* cannot be edited on this laptop (a colleague logged it: it arrived with their area), or None.

    Every screen asks this before opening the form on a visit; without a name in the settings nothing is
    anyone else's yet (no server has said who this laptop is)."""
    if not settings.cadre or visit.cadre == settings.cadre:
        return None
    return _("{cadre}'s visit: read only", cadre=visit.cadre)


def last_visit(visits: list[Visit]) -> Visit | None:
    """The most recent of *visits* (by visit date, then by when it was logged), or None."""
    return max(visits, key=lambda v: (v.visited_on, v.created_at), default=None)


class VisitFormScreen(RecordForm):
    """Log a visit to an enterprise, or correct one.

    A new visit opens on the head count: the date (today) and the cadre (the laptop's) come filled in, and the
    seasonal workers, the managers and the employer's attitude come from the enterprise's last visit, said above
    the form so the cadre checks them. The keys of one visit: head count, applications, attitude, Ctrl+S."""

    FIELDS: ClassVar[tuple[str, ...]] = (*_FIRST, *(n for n in input_fields(Visit) if n not in _FIRST))

    def __init__(self, enterprise_id: str, visit: Visit | None = None) -> None:
        self.enterprise_id = enterprise_id
        self.visit = visit
        self.enterprise = self.fapp.store.get_enterprise(enterprise_id)
        # the other visits, for the preview (the edited one is replaced by the draft)
        self.others = [
            v for v in self.fapp.store.visits_of(enterprise_id) if visit is None or v.id != visit.id
        ]
        #: the visit a new one takes its carried-over values from (None for an edit, or a first visit)
        self.carried_from = last_visit(self.others) if visit is None else None
        super().__init__()
        self.AUTO_FOCUS = f"#input-{self.first_field()}"  # type: ignore[misc]  # this form's, not the class's

    def initial_values(self) -> dict[str, str]:
        v = self.visit
        if v is None:
            last = self.carried_from
            return {
                **{name: "" for name in self.FIELDS},
                **{name: plain(getattr(last, name)) for name in CARRIED if last is not None},
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
            "met_name": values["met_name"],
            "met_role": values["met_role"],
            "next_step": values["next_step"],
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
        if self.carried_from is not None:
            yield Static(self._carried_line(self.carried_from), id="carried")
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

    def _carried_line(self, last: Visit) -> Text:
        names = ", ".join(field(name) for name in CARRIED)
        when = last.visited_on.strftime("%d/%m/%Y")
        return Text(
            _("Carried over from the visit of {date}, check: {fields}", date=when, fields=names),
            style="italic",
        )

    def first_field(self) -> str:
        """Where the cursor starts: the head count of a new visit when the cadre is known, else the first field."""
        if self.visit is None:
            return "headcount" if self.values["cadre"] else "cadre"
        return "visited_on"

    def on_mount(self) -> None:
        self.check()

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
