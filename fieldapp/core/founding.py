"""Founding a grassroots union (CĐCS) at one enterprise, step by step: the ``FoundingCase`` record and its rules.

The steps, in order (Charter khóa XII art. 13–14, Law 50/2024; docs/rules.md):

1. ``committee``: the ban vận động (organising committee of workers, usually 3 or more), its head optional;
2. ``applications``: voluntary applications to join, collected over time (at least ``min_members``);
3. ``congress``: the đại hội thành lập, which elects the executive committee (BCH) and the inspection committee;
4. ``bch_meeting``: the BCH's first meeting, which elects the officers;
5. ``dossier``: the recognition dossier sent to the superior union;
6. ``recognized``: the quyết định công nhận (number, date, members at founding).

A case is ``open``, ``paused`` or ``abandoned`` (with a reason code and a note); it is never deleted on its own.

What the record itself refuses (``FoundingCase.parse``, so also a stored or synced copy): a step recorded before
the one it follows, a step dated before the previous step, a recognition without a decision number. What depends
on the rules or on today is checked where a person records a step (``record_step``): fewer applications than
``min_members`` at the congress, fewer members than ``min_members`` at recognition, a date after today.

Corrections: recording a step that is already recorded is an edit, and the step's values before it are kept in
the record's own ``history`` (with the state changes), so the history travels with the record wherever it is
synced, and the laptop, which keeps only a record's latest revision, still shows it.

Deadlines (``schedule``): each step after the congress is due a number of working days (``fieldapp.core.workdays``)
after an earlier step, from the rules: ``bch_meeting_days`` and ``dossier_days`` after the congress,
``decision_days`` after the dossier.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator

from fieldapp.core.errors import Problem, RecordError, custom_error
from fieldapp.core.i18n import Message
from fieldapp.core.labels import VALUE_LABELS
from fieldapp.core.records import Enterprise, Record, _clean_line, _clean_text, canonical_id, utcnow
from fieldapp.core.rules import Rules
from fieldapp.core.workdays import add_working_days, working_days_between

__all__ = [
    "current_case",
    "DUE_SOON_DAYS",
    "STEPS",
    "STEP_FIELDS",
    "CaseState",
    "FoundingCase",
    "HistoryEntry",
    "Step",
    "StepStatus",
    "StopReason",
    "abandon",
    "due_date",
    "due_steps",
    "pause",
    "record_step",
    "resume",
    "schedule",
    "start_case",
    "unionized",
]


class Step(StrEnum):
    COMMITTEE = "committee"
    APPLICATIONS = "applications"
    CONGRESS = "congress"
    BCH_MEETING = "bch_meeting"
    DOSSIER = "dossier"
    RECOGNIZED = "recognized"


#: the steps in the order they happen
STEPS: tuple[Step, ...] = tuple(Step)

#: each step's fields, its date first
STEP_FIELDS: dict[Step, tuple[str, ...]] = {
    Step.COMMITTEE: ("committee_on", "committee_members", "committee_head"),
    Step.APPLICATIONS: ("applications_on", "applications"),
    Step.CONGRESS: ("congress_on", "congress_attending", "bch_size", "inspection_size"),
    Step.BCH_MEETING: ("bch_meeting_on",),
    Step.DOSSIER: ("dossier_on",),
    Step.RECOGNIZED: ("recognized_on", "decision_number", "members_at_founding"),
}

#: the fields a step must have once its date is recorded
_REQUIRED: dict[Step, tuple[str, ...]] = {
    Step.COMMITTEE: ("committee_members",),
    Step.APPLICATIONS: ("applications",),
    Step.CONGRESS: ("congress_attending", "bch_size", "inspection_size"),
    Step.RECOGNIZED: ("decision_number", "members_at_founding"),
}

#: a step not yet done counts as due soon from this many working days before its due date
DUE_SOON_DAYS = 3


class CaseState(StrEnum):
    OPEN = "open"
    PAUSED = "paused"
    ABANDONED = "abandoned"


class StopReason(StrEnum):
    """Why a case is paused or abandoned."""

    EMPLOYER_OBSTRUCTION = "employer_obstruction"
    WORKERS_WITHDREW = "workers_withdrew"
    ENTERPRISE_CLOSED = "enterprise_closed"
    MERGED_ELSEWHERE = "merged_elsewhere"
    OTHER = "other"


class HistoryEntry(BaseModel):
    """What a step (or the state) held before an edit changed it: ``before`` maps each field to its old value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    at: datetime
    #: a step's name, or "state"
    step: str
    before: dict[str, Any]


_Count = Field(default=None, ge=0, le=1_000_000)


class FoundingCase(Record):
    """The founding of a CĐCS at one enterprise: each step's date and figures, the state, the history."""

    CONTENT_FIELDS: ClassVar[tuple[str, ...]] = (
        "id",
        "enterprise_id",
        *(name for fields in STEP_FIELDS.values() for name in fields),
        "state",
        "state_reason",
        "state_note",
        "history",
    )

    enterprise_id: str
    committee_on: date
    committee_members: int = Field(default=3, ge=1, le=1_000)
    committee_head: str | None = Field(default=None, max_length=100)
    applications_on: date | None = None
    applications: int | None = _Count
    congress_on: date | None = None
    congress_attending: int | None = _Count
    bch_size: int | None = Field(default=None, ge=1, le=1_000)
    inspection_size: int | None = Field(default=None, ge=0, le=1_000)
    bch_meeting_on: date | None = None
    dossier_on: date | None = None
    recognized_on: date | None = None
    decision_number: str | None = Field(default=None, max_length=100)
    members_at_founding: int | None = _Count
    state: CaseState = CaseState.OPEN
    state_reason: StopReason | None = None
    state_note: str = Field(default="", max_length=10_000)
    history: tuple[HistoryEntry, ...] = ()

    @field_validator("enterprise_id")
    @classmethod
    def _enterprise_id(cls, value: str) -> str:
        try:
            return canonical_id(value)
        except (ValueError, AttributeError, TypeError):
            raise custom_error("not_a_uuid") from None

    @field_validator("committee_head", "decision_number", mode="before")
    @classmethod
    def _line(cls, value: Any) -> Any:
        return _clean_line(value)

    @field_validator("committee_head")
    @classmethod
    def _head(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("state_note", mode="before")
    @classmethod
    def _note(cls, value: Any) -> Any:
        return _clean_text(value)

    @field_validator(
        "applications_on",
        "congress_on",
        "bch_meeting_on",
        "dossier_on",
        "recognized_on",
        "applications",
        "congress_attending",
        "bch_size",
        "inspection_size",
        "members_at_founding",
        mode="before",
    )
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value == "" else value

    @classmethod
    def parse(cls, data: dict[str, Any], *, today: date | None = None) -> Self:
        """Validate *data* into a case, the order of its steps included; RecordError names each field at fault."""
        case = super().parse(data, today=today)
        problems = case._order_problems()
        if problems:
            raise RecordError(problems)
        return case

    def _order_problems(self) -> list[Problem]:
        problems: list[Problem] = []
        previous: tuple[Step, date] | None = None
        missing: Step | None = None  # the first step without a date
        for step in STEPS:
            date_field = STEP_FIELDS[step][0]
            on: date | None = getattr(self, date_field)
            if on is None:
                missing = missing or step
                continue
            if missing is not None:
                problems.append(Problem(date_field, "step_out_of_order", {"other": _step_ref(missing)}))
                continue
            if previous is not None and on < previous[1]:
                problems.append(
                    Problem(
                        date_field,
                        "before_previous_step",
                        {"limit": previous[1].isoformat(), "other": _step_ref(previous[0])},
                    )
                )
            for name in _REQUIRED.get(step, ()):
                if getattr(self, name) is None:
                    problems.append(Problem(name, "missing", {}))
            previous = (step, on)
        if self.recognized_on is not None and self.decision_number == "":
            problems.append(Problem("decision_number", "blank", {}))
        if self.state is CaseState.OPEN and self.state_reason is not None:
            problems.append(Problem("state_reason", "reason_when_open", {}))
        if self.state is not CaseState.OPEN and self.state_reason is None:
            problems.append(Problem("state_reason", "missing", {}))
        return problems

    @classmethod
    def merge_field(cls, name: str, base: Any, mine: Any, theirs: Any) -> tuple[bool, Any]:
        """Two laptops that each corrected the case added entries to its history: both are kept, in time order.
        A history that does not start with the common one (an entry rewritten) does not merge."""
        if name != "history":
            return False, None
        start, ours, others = list(base or ()), list(mine or ()), list(theirs or ())
        if ours[: len(start)] != start or others[: len(start)] != start:
            return False, None
        added = others[len(start) :] + [e for e in ours[len(start) :] if e not in others]
        return True, start + sorted(added, key=lambda entry: str(entry.get("at", "")))

    # --- derived -------------------------------------------------------------------------------------
    def done_on(self, step: Step) -> date | None:
        """The date *step* was recorded for, or None."""
        value: date | None = getattr(self, STEP_FIELDS[step][0])
        return value

    @property
    def stage(self) -> Step:
        """The last step recorded."""
        return next(s for s in reversed(STEPS) if self.done_on(s) is not None)

    @property
    def next_step(self) -> Step | None:
        """The step to record next (None once recognized)."""
        index = STEPS.index(self.stage) + 1
        return STEPS[index] if index < len(STEPS) else None

    @property
    def recognized(self) -> bool:
        return self.recognized_on is not None

    def step_values(self, step: Step) -> dict[str, Any]:
        """The step's fields and their JSON-ready values."""
        dumped = self.model_dump(mode="json", include=set(STEP_FIELDS[step]))
        return {name: dumped[name] for name in STEP_FIELDS[step]}


def _step_ref(step: Step) -> Message:
    """The step's name, worded in the language the problem is shown in."""
    return Message(VALUE_LABELS[("step", step.value)], context="step")


def _state_ref(state: CaseState) -> Message:
    return Message(VALUE_LABELS[("state", state.value)], context="state")


# --- recording ---------------------------------------------------------------------------------------------
def start_case(
    enterprise_id: str,
    committee_on: date | str,
    *,
    committee_members: int = 3,
    committee_head: str | None = None,
    today: date | None = None,
) -> FoundingCase:
    """A new open case: the ban vận động formed on *committee_on*. Raises RecordError."""
    fields = {"committee_on": committee_on, "committee_members": committee_members}
    _check_not_future(fields, today)
    return FoundingCase.create(
        enterprise_id=enterprise_id,
        committee_on=committee_on,
        committee_members=committee_members,
        committee_head=committee_head,
        today=today,
    )


def record_step(
    case: FoundingCase, step: Step | str, rules: Rules, *, today: date | None = None, **fields: Any
) -> FoundingCase:
    """*case* with *step* recorded (the next step) or corrected (a step already recorded: its old values go to
    the history). *fields* are the step's own (``STEP_FIELDS``). Raises RecordError naming the field at fault."""
    step = _as_step(step)
    unknown = sorted(set(fields) - set(STEP_FIELDS[step]))
    if unknown:
        raise RecordError(Problem(name, "unknown_field", {}) for name in unknown)
    date_field = STEP_FIELDS[step][0]
    if case.state is not CaseState.OPEN:
        raise RecordError([Problem(date_field, "case_not_open", {"value": _state_ref(case.state)})])
    correcting = case.done_on(step) is not None
    if not correcting and step is not case.next_step:
        expected = case.next_step
        if expected is None:
            raise RecordError([Problem(date_field, "case_recognized", {})])
        raise RecordError([Problem(date_field, "step_out_of_order", {"other": _step_ref(expected)})])
    if not correcting and fields.get(date_field) in (None, ""):
        raise RecordError([Problem(date_field, "missing", {})])
    _check_not_future(fields, today)
    changes = dict(fields)
    if correcting:
        before = case.step_values(step)
        changed = {k: before[k] for k in changes if _json(changes[k]) != before[k]}
        if changed:
            entry = HistoryEntry(at=utcnow(), step=step.value, before=changed)
            changes["history"] = (*case.history, entry)
    updated = case.edit(today=today, **changes)
    _check_rules(updated, step, rules)
    return updated


def _json(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.strip() == "":
        return None
    return value


def _check_not_future(fields: dict[str, Any], today: date | None) -> None:
    limit = today or date.today()
    problems = []
    for name, value in fields.items():
        if not name.endswith("_on") or value in (None, ""):
            continue
        try:
            day = value if isinstance(value, date) else date.fromisoformat(str(value))
        except ValueError:
            continue  # the record's own validation words it
        if day > limit:
            problems.append(Problem(name, "date_in_future", {"limit": limit.isoformat()}))
    if problems:
        raise RecordError(problems)


def _check_rules(case: FoundingCase, step: Step, rules: Rules) -> None:
    """What the rules refuse of the step just recorded: too few applications for a congress, too few members."""
    if step in (Step.APPLICATIONS, Step.CONGRESS) and case.congress_on is not None:
        applications = case.applications or 0
        if applications < rules.min_members:
            raise RecordError(
                [
                    Problem(
                        "applications",
                        "too_few_for_congress",
                        {"value": applications, "limit": rules.min_members},
                    )
                ]
            )
    if step is Step.RECOGNIZED and (case.members_at_founding or 0) < rules.min_members:
        raise RecordError(
            [
                Problem(
                    "members_at_founding",
                    "too_few_members",
                    {"value": case.members_at_founding, "limit": rules.min_members},
                )
            ]
        )


def _as_step(step: Step | str) -> Step:
    try:
        return Step(step)
    except ValueError:
        choices = ", ".join(s.value for s in STEPS[1:])
        raise RecordError([Problem("step", "choice", {"choices": choices})]) from None


def _change_state(
    case: FoundingCase, state: CaseState, reason: StopReason | str | None, note: str | None
) -> FoundingCase:
    entry = HistoryEntry(
        at=utcnow(),
        step="state",
        before={
            "state": case.state.value,
            "state_reason": case.state_reason.value if case.state_reason else None,
            "state_note": case.state_note,
        },
    )
    return case.edit(
        state=state,
        state_reason=reason,
        state_note=note if note is not None else case.state_note,
        history=(*case.history, entry),
    )


def pause(case: FoundingCase, reason: StopReason | str, note: str | None = None) -> FoundingCase:
    """*case* paused for *reason* (an open case not yet recognized). Raises RecordError."""
    _check_state(case, allowed=(CaseState.OPEN,))
    return _change_state(case, CaseState.PAUSED, _as_reason(reason), note)


def abandon(case: FoundingCase, reason: StopReason | str, note: str | None = None) -> FoundingCase:
    """*case* abandoned for *reason* (open or paused, not yet recognized). Raises RecordError."""
    _check_state(case, allowed=(CaseState.OPEN, CaseState.PAUSED))
    return _change_state(case, CaseState.ABANDONED, _as_reason(reason), note)


def resume(case: FoundingCase, note: str | None = None) -> FoundingCase:
    """A paused or abandoned *case* open again (its history keeps why it stopped). Raises RecordError."""
    _check_state(case, allowed=(CaseState.PAUSED, CaseState.ABANDONED))
    return _change_state(case, CaseState.OPEN, None, note)


def _check_state(case: FoundingCase, *, allowed: tuple[CaseState, ...]) -> None:
    if case.recognized:
        raise RecordError([Problem("state", "case_recognized", {})])
    if case.state not in allowed:
        raise RecordError([Problem("state", "case_state", {"value": _state_ref(case.state)})])


def _as_reason(reason: StopReason | str) -> StopReason:
    try:
        return StopReason(reason)
    except ValueError:
        choices = ", ".join(r.value for r in StopReason)
        raise RecordError([Problem("state_reason", "choice", {"choices": choices})]) from None


# --- deadlines -----------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StepStatus:
    """One step of a case as of a day: when it was done, when it is due, and whether it is late."""

    step: Step
    done_on: date | None
    due_on: date | None
    #: not done and past its due date (only for an open case)
    overdue: bool
    #: not done, not overdue, and due within DUE_SOON_DAYS working days (only for an open case)
    due_soon: bool

    @property
    def late(self) -> bool:
        """Done after its due date."""
        return self.done_on is not None and self.due_on is not None and self.done_on > self.due_on

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.step.value,
            "done_on": self.done_on.isoformat() if self.done_on else None,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "overdue": self.overdue,
            "due_soon": self.due_soon,
            "late": self.late,
        }


def due_date(case: FoundingCase, step: Step, rules: Rules) -> date | None:
    """The last working day *step* is due, once the step it counts from is recorded; None for the steps without
    a deadline (up to the congress)."""
    days_off = rules.extra_days_off
    if step is Step.BCH_MEETING and case.congress_on is not None:
        return add_working_days(case.congress_on, rules.bch_meeting_days, days_off)
    if step is Step.DOSSIER and case.congress_on is not None:
        return add_working_days(case.congress_on, rules.dossier_days, days_off)
    if step is Step.RECOGNIZED and case.dossier_on is not None:
        return add_working_days(case.dossier_on, rules.decision_days, days_off)
    return None


def schedule(case: FoundingCase, rules: Rules, today: date) -> tuple[StepStatus, ...]:
    """Every step of *case* with its date, due date and lateness as of *today*."""
    found = []
    live = case.state is CaseState.OPEN
    for step in STEPS:
        done, due = case.done_on(step), due_date(case, step, rules)
        overdue = due_soon = False
        if live and done is None and due is not None:
            overdue = today > due
            # due today counts (0 working days left), as does a due date 3 working days after today
            left = working_days_between(today, due, rules.extra_days_off)
            due_soon = not overdue and left <= DUE_SOON_DAYS
        found.append(StepStatus(step, done, due, overdue, due_soon))
    return tuple(found)


def due_steps(case: FoundingCase, rules: Rules, today: date) -> list[StepStatus]:
    """The steps of an open *case* that are overdue or due soon as of *today*."""
    return [s for s in schedule(case, rules, today) if s.overdue or s.due_soon]


# --- the enterprise after recognition ------------------------------------------------------------------------
def current_case(cases: Iterable[FoundingCase]) -> FoundingCase | None:
    """An enterprise's current case among its *cases*: the one not abandoned (there is at most one), else the newest
    (by the organising committee's date, then when it was made), else None."""
    newest_first = sorted(cases, key=lambda c: (c.committee_on, c.created_at, c.id), reverse=True)
    live = [c for c in newest_first if c.state is not CaseState.ABANDONED]
    return next(iter(live or newest_first), None)


def unionized(case: FoundingCase, enterprise: Enterprise) -> Enterprise:
    """*enterprise* as the recognition makes it: ``has_union`` with the members at founding (an edit, pending
    sync; the same enterprise when it already says so). Raises ValueError when the case is not recognized."""
    if not case.recognized or case.members_at_founding is None:
        raise ValueError("the case is not recognized")
    if enterprise.id != case.enterprise_id:
        raise ValueError("the case is another enterprise's")
    return enterprise.edit(has_union=True, union_members=case.members_at_founding)
