"""What the visit and enterprise forms share: validation through the core's records, save in a worker, and a
question before unsaved changes are thrown away."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from textual import events, on, work
from textual.binding import Binding, BindingType
from textual.widgets import Input, TextArea
from textual.worker import Worker

from fieldapp.core.errors import RecordError
from fieldapp.core.records import Record
from fieldapp.tui.dialogs.confirm import Confirm
from fieldapp.tui.i18n import N_, _, language
from fieldapp.tui.messages import RecordSaved
from fieldapp.tui.screens.base import BaseScreen
from fieldapp.tui.widgets.fields import AttitudePicker, FieldBox

__all__ = ["RecordForm", "iso_date"]

_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def iso_date(raw: str) -> str:
    """Accept the Vietnamese day/month/year as well as ISO: ``23/11/2026`` -> ``2026-11-23``."""
    m = _DMY.match(raw)
    if m:
        day, month, year = m.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return raw.strip()


class RecordForm(BaseScreen[str | None]):
    """A form for one record; subclasses say which fields there are and how a draft becomes a record."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", N_("Save"), id="form.save", priority=True),
        # a second key where a terminal keeps Ctrl+S for flow control (XOFF): nano's "write out" (docs/tui.md, Keys)
        Binding("ctrl+o", "save", N_("Save"), id="form.save_alt", priority=True, show=False),
        Binding("escape", "leave", N_("Cancel"), id="form.cancel"),
    ]
    #: the field names in display order
    FIELDS: ClassVar[tuple[str, ...]] = ()

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = self.initial_values()
        self.initial: dict[str, str] = dict(self.values)
        self.saving = False
        # Which fields show their message: a form must not open red before anything is typed. A field is
        # judged once it was left after an edit (or chosen, for a picker), when it came with a value (an edit
        # shows what is wrong with the stored record), and every field once a save is tried.
        self.touched: set[str] = {name for name, raw in self.values.items() if raw.strip()}
        self.edited: set[str] = set()
        self.judge_all = False

    # --- for subclasses --------------------------------------------------------------------------------
    def initial_values(self) -> dict[str, str]:
        """The text of each field when the form opens."""
        raise NotImplementedError

    def build(self, values: dict[str, str]) -> Record:
        """The record the values describe; raises RecordError."""
        raise NotImplementedError

    def store_record(self, record: Record) -> str:
        """Save *record* (called in a worker thread); returns the id of the enterprise whose verdict changed."""
        raise NotImplementedError

    def after_check(self, record: Record | None) -> None:
        """Called after each validation with the record, or None when the values are not valid yet."""

    def after_save(self, record: Record) -> None:
        """Called (in the app's thread) once *record* is on disk, before the form closes."""

    # --- validation ------------------------------------------------------------------------------------
    def problems(self, values: dict[str, str] | None = None) -> tuple[Record | None, dict[str, str]]:
        """The record (or None) and, per field, the first message in the current language."""
        try:
            return self.build(values if values is not None else self.values), {}
        except RecordError as exc:
            found: dict[str, str] = {}
            for problem in exc.problems:
                name = problem.field.split(".")[0]
                found.setdefault(name, problem.message(language()))
            return None, found

    def check(self) -> dict[str, str]:
        """Validate the current values and show each touched field's message under it; returns them all."""
        record, found = self.problems()
        for box in self.query(FieldBox):
            judged = self.judge_all or box.field_name in self.touched
            box.show_problem(found.get(box.field_name) if judged else None)
        self.after_check(record)
        return found

    def touch(self, name: str) -> None:
        """Field *name* is judged from now on (its message shows, and follows what is typed)."""
        if name not in self.touched:
            self.touched.add(name)
            self.check()

    @property
    def dirty(self) -> bool:
        """True when something was typed that is not saved."""
        return self.values != self.initial

    def keep_state(self) -> None:
        self.read_widgets()

    def read_widgets(self) -> None:
        """Copy the widgets' contents into ``values``."""
        for widget in self.query(Input):
            if widget.id and widget.id.startswith("input-"):
                self.values[widget.id.removeprefix("input-")] = widget.value
        for area in self.query(TextArea):
            if area.id and area.id.startswith("input-"):
                self.values[area.id.removeprefix("input-")] = area.text
        for picker in self.query(AttitudePicker):
            self.values["attitude"] = picker.chosen or ""

    @on(Input.Changed)
    @on(TextArea.Changed)
    def _changed(self) -> None:
        before = dict(self.values)
        self.read_widgets()
        self.edited.update(name for name, raw in self.values.items() if raw != before.get(name))
        self.check()

    @on(AttitudePicker.Changed)
    def _chosen(self) -> None:
        self.read_widgets()
        self.touched.add("attitude")  # a choice is complete at once: nothing more will be typed
        self.check()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id and event.input.id.startswith("input-"):
            self.touch(event.input.id.removeprefix("input-"))

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        widget_id = event.widget.id
        if widget_id and widget_id.startswith("input-"):
            name = widget_id.removeprefix("input-")
            if name in self.edited:  # left after an edit; passing through a field judges nothing
                self.touch(name)

    def after_rebuild(self) -> None:
        self.check()

    # --- save and leave --------------------------------------------------------------------------------
    def action_save(self) -> None:
        if self.saving:
            return
        self.read_widgets()
        self.judge_all = True
        found = self.check()
        if found:
            first = (
                next(name for name in self.FIELDS if name in found)
                if any(n in found for n in self.FIELDS)
                else None
            )
            self.notify(_("Not saved: fix the fields marked in red."), severity="error")
            if first is not None:
                for widget in self.query(f"#input-{first}"):
                    widget.focus()
            return
        record, _found = self.problems()
        if record is None:
            return
        self.saving = True
        self._save(record)

    @work(thread=True, exit_on_error=False, group="save")
    def _save(self, record: Record) -> None:
        enterprise_id = self.store_record(record)
        self.fapp.reindex(enterprise_id)  # the app tells every screen
        self.post_message(RecordSaved(record, enterprise_id))

    @on(RecordSaved)
    def _saved(self, message: RecordSaved) -> None:
        self.saving = False
        self.initial = dict(self.values)
        self.after_save(message.record)
        self.notify(_("Saved."), timeout=3)
        self.dismiss(message.record.id)

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        if worker.group == "save":
            self.saving = False  # not saved: the form stays with what was typed, to try again
            if isinstance(error, RecordError):
                # what only the store can tell (a tax code another enterprise holds) goes under its field too
                for problem in error.problems:
                    for box in self.query(f"#box-{problem.field.split('.')[0]}").results(FieldBox):
                        box.show_problem(problem.message(language()))
        super().worker_failed(worker, error)

    def action_leave(self) -> None:
        self.read_widgets()
        if not self.dirty:
            self.dismiss(None)
            return
        answers = [("keep", _("Keep editing")), ("save", _("Save")), ("discard", _("Discard changes"))]

        def answered(answer: str | None) -> None:
            if answer == "discard":
                self.dismiss(None)
            elif answer == "save":
                self.action_save()

        self.app.push_screen(Confirm(_("You have unsaved changes."), answers, danger="discard"), answered)
