"""The founding forms: record the next step of an enterprise's founding case (or start one), and pause, resume or
abandon it. Both validate like the visit form (``RecordForm``): through the core's own calls
(``start_case``/``record_step``, ``pause``/``resume``/``abandon``), the message under the field, saved in a worker,
closed once on disk."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Select, Static

from fieldapp.core.errors import Problem, RecordError
from fieldapp.core.founding import (
    STEP_FIELDS,
    CaseState,
    FoundingCase,
    Step,
    StopReason,
    abandon,
    pause,
    record_step,
    resume,
    schedule,
    start_case,
    unionized,
)
from fieldapp.core.records import Record
from fieldapp.tui.i18n import _, field, value
from fieldapp.tui.screens.form_base import RecordForm, iso_date
from fieldapp.tui.screens.visit_form import last_visit
from fieldapp.tui.shown import shown
from fieldapp.tui.widgets.fields import FieldBox, make_input
from fieldapp.tui.widgets.founding import mark_text, step_details, step_name

__all__ = ["FoundingStateForm", "FoundingStepForm", "STATE_ACTIONS", "step_to_record"]

#: what a case in each state can become, first the usual choice
STATE_ACTIONS: dict[CaseState, tuple[str, ...]] = {
    CaseState.OPEN: ("pause", "abandon"),
    CaseState.PAUSED: ("resume", "abandon"),
    CaseState.ABANDONED: ("resume",),
}


def step_to_record(case: FoundingCase | None) -> Step | None:
    """The step the form records for an enterprise's current *case*: the organising committee of a new case when
    there is none (or it was abandoned), the next step of an open one; None when nothing can be recorded (a paused
    case, or a recognized one)."""
    if case is None or case.state is CaseState.ABANDONED:
        return Step.COMMITTEE
    if case.state is not CaseState.OPEN:
        return None
    return case.next_step


class _CaseForm(RecordForm):
    """A founding form: a problem on a field it does not show (the case's applications, when a congress is
    recorded with too few) is said, with the field's name, on a line above the fields."""

    def check(self) -> dict[str, str]:
        found = super().check()
        others = [name for name in found if name not in self.FIELDS]
        line = self.query_one("#case-problem", Static)
        # shown at once: the core only says it once every field shown is valid, i.e. once the cadre filled them
        text = "\n".join(f"{field(name)}: {found[name]}" for name in others)
        line.update(shown(text))
        line.display = bool(text)
        return found


class FoundingStepForm(_CaseForm):
    """The next step of an enterprise's founding case with its fields (its date today by default), or the
    organising committee that starts a case."""

    def __init__(self, enterprise_id: str) -> None:
        store = self.fapp.store
        self.enterprise_id = enterprise_id
        self.enterprise = store.get_enterprise(enterprise_id)
        current = store.current_founding_case(enterprise_id)
        step = step_to_record(current)
        if step is None:
            raise ValueError("nothing to record: the case is paused or recognized")
        self.step = step
        #: the case the step is recorded in (None: the form starts a new case)
        self.case = None if step is Step.COMMITTEE else current
        self.FIELDS = STEP_FIELDS[step]  # type: ignore[misc]  # this form's fields, not the class's
        super().__init__()
        self.AUTO_FOCUS = f"#input-{self.first_field()}"  # type: ignore[misc]

    def initial_values(self) -> dict[str, str]:
        values = {name: "" for name in self.FIELDS}
        values[self.FIELDS[0]] = self.fapp.today.isoformat()
        if self.step is Step.COMMITTEE:
            values["committee_members"] = "3"
        elif self.step is Step.APPLICATIONS:
            counted = [v for v in self.fapp.store.visits_of(self.enterprise_id) if v.applications]
            latest = last_visit(counted)
            if latest is not None:  # what the latest visit counted, to confirm or correct
                values["applications"] = str(latest.applications)
        elif self.step is Step.RECOGNIZED and self.case is not None and self.case.applications is not None:
            values["members_at_founding"] = str(self.case.applications)
        return values

    def first_field(self) -> str:
        """The cursor starts on the first figure to type (the date is today's), or on the date of a step that
        has nothing else."""
        rest = [name for name in self.FIELDS[1:] if not self.values[name]]
        return rest[0] if rest else self.FIELDS[0]

    def build(self, values: dict[str, str]) -> Record:
        fields: dict[str, Any] = {}
        for name in self.FIELDS:
            raw = values[name].strip()
            if name.endswith("_on"):
                fields[name] = iso_date(raw)
            elif raw:
                fields[name] = raw
        today = self.fapp.today
        if self.case is None:
            return start_case(self.enterprise_id, today=today, **fields)
        return record_step(self.case, self.step, self.fapp.rules, today=today, **fields)

    def store_record(self, record: Record) -> str:
        assert isinstance(record, FoundingCase)
        store = self.fapp.store
        enterprise = None
        if record.recognized:  # the recognition makes the enterprise unionized, in the same durable change
            stored = store.get_enterprise(record.enterprise_id)
            if stored is not None:
                after = unionized(record, stored)
                enterprise = None if after is stored else after
        store.save_founding_case(record, enterprise)
        return record.enterprise_id

    def after_save(self, record: Record) -> None:
        if isinstance(record, FoundingCase) and record.recognized and self.enterprise is not None:
            self.notify(
                _(
                    "“{name}” now has a grassroots union with {n} members.",
                    name=self.enterprise.name,
                    n=record.members_at_founding,
                )
            )

    # --- layout ----------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        name = self.enterprise.name if self.enterprise else "?"
        if self.case is None:
            title = _("Start founding a union — {name}", name=name)
        else:
            title = _("Founding step “{step}” — {name}", step=step_name(self.step), name=name)
        yield Static(shown(title, style="bold"), id="form-title")
        yield Static(self._case_line(), id="case-context")
        yield Static(id="case-problem")
        with VerticalScroll(id="form"):
            for field_name in self.FIELDS:
                placeholder = "YYYY-MM-DD" if field_name.endswith("_on") else ""
                yield FieldBox(
                    field_name, make_input(field_name, self.values[field_name], placeholder=placeholder)
                )
        yield Footer(compact=True)

    def _case_line(self) -> Text:
        """The step before (its date and figures) and this step's due date, to check against."""
        case = self.case
        if case is None:
            return Text(
                _("A new case: the organising committee (ban vận động) is its first step."), style="dim"
            )
        text = Text()
        last = case.stage
        text.append(_("Last step") + ": ", style="bold")
        text.append(f"{step_name(last)} {case.done_on(last)}")
        details = step_details(case, last)
        if details:
            text.append_text(shown(" — " + details, style="dim"))
        if self.step is Step.CONGRESS:
            text.append("\n")
            text.append(
                _(
                    "Applications so far: {n} ({limit} needed for the congress)",
                    n=case.applications or 0,
                    limit=self.fapp.rules.min_members,
                )
            )
        status = next(s for s in schedule(case, self.fapp.rules, self.fapp.today) if s.step is self.step)
        if status.due_on is not None:
            text.append("\n" + _("Due {day}", day=status.due_on.isoformat()) + "  ")
            text.append_text(mark_text(status))
        return text

    def on_mount(self) -> None:
        self.check()


class FoundingStateForm(_CaseForm):
    """Pause, resume or abandon an enterprise's founding case, with a reason from the short list and a note."""

    FIELDS: ClassVar[tuple[str, ...]] = ("action", "state_reason", "state_note")

    def __init__(self, enterprise_id: str, case: FoundingCase) -> None:
        self.enterprise_id = enterprise_id
        self.case = case
        self.enterprise = self.fapp.store.get_enterprise(enterprise_id)
        self.actions = STATE_ACTIONS[case.state]
        super().__init__()

    def initial_values(self) -> dict[str, str]:
        return {"action": self.actions[0], "state_reason": "", "state_note": ""}

    def read_widgets(self) -> None:
        super().read_widgets()
        for select in self.query(Select):
            if select.id and select.id.startswith("input-"):
                chosen = select.value
                self.values[select.id.removeprefix("input-")] = "" if chosen is Select.NULL else str(chosen)

    @on(Select.Changed)
    def _picked(self, event: Select.Changed) -> None:
        self.read_widgets()
        if event.select.id:
            self.touched.add(event.select.id.removeprefix("input-"))  # a choice is complete at once
        self.query_one("#box-state_reason").display = self.values["action"] != "resume"
        self.check()

    def build(self, values: dict[str, str]) -> Record:
        action, reason, note = values["action"], values["state_reason"], values["state_note"]
        if action == "resume":
            return resume(self.case, note or None)
        if not reason:
            raise RecordError([Problem("state_reason", "missing", {})])
        if action == "pause":
            return pause(self.case, reason, note or None)
        return abandon(self.case, reason, note or None)

    def store_record(self, record: Record) -> str:
        assert isinstance(record, FoundingCase)
        self.fapp.store.save_founding_case(record)
        return record.enterprise_id

    def compose(self) -> ComposeResult:
        name = self.enterprise.name if self.enterprise else "?"
        yield Static(shown(_("Founding case state — {name}", name=name), style="bold"), id="form-title")
        now = Text(field("state") + ": ", style="bold")
        now.append(value("state", self.case.state.value))
        if self.case.state_reason is not None:
            now.append(" — " + value("state_reason", self.case.state_reason.value))
        yield Static(now, id="case-context")
        yield Static(id="case-problem")
        action_labels = {"pause": _("Pause"), "resume": _("Resume"), "abandon": _("Abandon")}
        with VerticalScroll(id="form"):
            yield FieldBox(
                "action",
                Select(
                    [(action_labels[a], a) for a in self.actions],
                    value=self.values["action"],
                    allow_blank=False,
                    compact=True,
                    id="input-action",
                ),
                label=_("What to do"),
            )
            reasons = [(value("state_reason", r.value), r.value) for r in StopReason]
            chosen = self.values["state_reason"] or Select.NULL
            reason_box = FieldBox(
                "state_reason",
                Select(
                    reasons, value=chosen, prompt=_("Choose a reason"), compact=True, id="input-state_reason"
                ),
            )
            reason_box.display = self.values["action"] != "resume"
            yield reason_box
            yield FieldBox("state_note", make_input("state_note", self.values["state_note"]))
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.check()

    def problems(self, values: dict[str, str] | None = None) -> tuple[Record | None, dict[str, str]]:
        record, found = super().problems(values)
        if "state" in found:  # the case itself refuses the change: said on the choice
            found.setdefault("action", found.pop("state"))
        return record, found
