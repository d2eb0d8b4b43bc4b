"""How a founding case reads on screen: its timeline (detail), its marks (overdue, due soon) and the cases that
need attention (pipeline, follow-ups). The rules of the steps and deadlines are the core's
(``fieldapp.core.founding``); this module only words them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text

from fieldapp.core.founding import (
    STEPS,
    CaseState,
    FoundingCase,
    Step,
    StepStatus,
    current_case,
    due_steps,
    schedule,
)
from fieldapp.core.rules import Rules
from fieldapp.tui.i18n import _, field, value
from fieldapp.tui.shown import shown

__all__ = [
    "DueStep",
    "TIMELINE_WIDE",
    "due_founding_steps",
    "live_cases",
    "mark_text",
    "state_text",
    "step_details",
    "step_name",
    "timeline",
]

#: from this width on the timeline takes one line per step; below it, one line for the whole case
TIMELINE_WIDE = 100


def step_name(step: Step | str) -> str:
    """The step's name in the current language."""
    return value("step", str(step))


def mark_text(status: StepStatus) -> Text:
    """“quá hạn” (bold, in the error colour) / “sắp đến hạn” / “làm trễ” for a step, or nothing."""
    if status.overdue:
        return Text("! " + _("overdue"), style="bold red")
    if status.due_soon:
        return Text(_("due soon"), style="bold yellow")
    if status.late:
        return Text(_("done late"), style="italic")
    return Text()


def step_details(case: FoundingCase, step: Step) -> str:
    """The figures recorded with a step (after its date), ``label: value`` joined by "; "."""
    values = case.step_values(step)
    parts = [f"{field(name)}: {raw}" for name, raw in list(values.items())[1:] if raw is not None]
    return "; ".join(parts)


def state_text(case: FoundingCase) -> Text:
    """A paused or abandoned case's state with its reason and note (nothing for an open case)."""
    if case.state is CaseState.OPEN:
        return Text()
    text = Text(value("state", case.state.value), style="bold")
    if case.state_reason is not None:
        text.append(" — " + value("state_reason", case.state_reason.value))
    if case.state_note:
        text.append(": ")
        text.append_text(shown(case.state_note))
    return text


def timeline(case: FoundingCase, rules: Rules, today: date, width: int) -> Text:
    """The case as a timeline: one line per step when *width* allows (its date, or its due date and mark for a
    step to come), else one line for the case (the last step done, the next one with its due date and mark)."""
    steps = schedule(case, rules, today)
    text = Text()
    text.append(_("Founding a union") + ": ", style="bold")
    state = state_text(case)
    if state.plain:
        text.append_text(state)
    elif case.recognized:
        text.append(_("recognized"), style="bold")
    if width < TIMELINE_WIDE:
        return _one_line(text, case, steps)
    for status in steps:
        text.append("\n")
        text.append_text(_step_line(case, status))
    return text


def _step_line(case: FoundingCase, status: StepStatus) -> Text:
    line = Text()
    if status.done_on is not None:
        line.append(" ✓ ", style="bold green")
        line.append(status.done_on.isoformat())
    elif status.due_on is not None:
        line.append(" ○ ")
        line.append(_("due {day}", day=status.due_on.isoformat()))
    else:
        line.append(" ○ " + " " * 10, style="dim")
    line.append("  " + step_name(status.step), style="" if status.done_on else "dim")
    details = step_details(case, status.step) if status.done_on is not None else ""
    if details:
        line.append(" — ")
        line.append_text(shown(details, style="dim"))
    mark = mark_text(status)
    if mark.plain:
        line.append("  ")
        line.append_text(mark)
    return line


def _one_line(text: Text, case: FoundingCase, steps: tuple[StepStatus, ...]) -> Text:
    done = [s for s in steps if s.done_on is not None]
    if not text.plain.endswith(": "):  # after the state or "recognized"
        text.append(" · ")
    last = done[-1]
    text.append("✓ ", style="bold green")
    text.append(f"{step_name(last.step)} {last.done_on}")
    following = case.next_step
    if following is not None:
        status = next(s for s in steps if s.step is following)
        text.append(" → " + step_name(following))
        if status.due_on is not None:
            text.append(" " + _("due {day}", day=status.due_on.isoformat()))
        mark = mark_text(status)
        if mark.plain:
            text.append("  ")
            text.append_text(mark)
        # a step further on may be overdue too (the dossier counts from the congress, like the BCH meeting)
        more = [s for s in steps if s.step is not following and s.done_on is None and s.overdue]
        if more:
            text.append("  " + _("(+{n} overdue)", n=len(more)), style="bold red")
    return text


def live_cases(cases: list[FoundingCase]) -> dict[str, FoundingCase]:
    """Each enterprise's current case (``fieldapp.core.founding.current_case``), by enterprise id."""
    by_enterprise: dict[str, list[FoundingCase]] = {}
    for case in cases:
        by_enterprise.setdefault(case.enterprise_id, []).append(case)
    return {eid: now for eid, group in by_enterprise.items() if (now := current_case(group)) is not None}


@dataclass(frozen=True, slots=True)
class DueStep:
    """A step of an open case that is overdue or due within ``DUE_SOON_DAYS`` working days."""

    case: FoundingCase
    status: StepStatus

    @property
    def due_on(self) -> date:
        assert self.status.due_on is not None  # a due step has a due date
        return self.status.due_on


def due_founding_steps(cases: list[FoundingCase], rules: Rules, today: date) -> list[DueStep]:
    """The overdue and soon-due steps of the open cases among *cases*, soonest (most overdue) first."""
    found = [
        DueStep(case, status)
        for case in live_cases(cases).values()
        if case.state is CaseState.OPEN
        for status in due_steps(case, rules, today)
    ]
    return sorted(found, key=lambda d: (d.due_on, d.case.enterprise_id, STEPS.index(d.status.step)))
