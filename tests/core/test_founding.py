"""The founding step machine: steps in order, dates in order, the rules' minimums, corrections kept in the
history, pause/resume/abandon, working-day deadlines and what recognition makes of the enterprise."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.core.errors import RecordError
from fieldapp.core.founding import (
    STEPS,
    CaseState,
    FoundingCase,
    Step,
    abandon,
    due_steps,
    pause,
    record_step,
    resume,
    schedule,
    start_case,
    unionized,
)
from fieldapp.core.records import Enterprise
from fieldapp.core.rules import Rules, default_rules
from fieldapp.core.workdays import is_working_day

TODAY = date(2027, 6, 1)
RULES = default_rules()
ENTERPRISE = str(uuid.uuid4())

CONGRESS = {"congress_attending": 6, "bch_size": 3, "inspection_size": 1}


def started(**fields: Any) -> FoundingCase:
    fields.setdefault("committee_members", 3)
    return start_case(ENTERPRISE, fields.pop("committee_on", "2027-01-04"), today=TODAY, **fields)


def through(step: Step, rules: Rules = RULES) -> FoundingCase:
    """A case with every step up to *step* recorded, a few days apart (congress on Friday 29/1/2027)."""
    plan: list[tuple[Step, dict[str, Any]]] = [
        (Step.APPLICATIONS, {"applications_on": "2027-01-15", "applications": 7}),
        (Step.CONGRESS, {"congress_on": "2027-01-29", **CONGRESS}),
        (Step.BCH_MEETING, {"bch_meeting_on": "2027-02-12"}),
        (Step.DOSSIER, {"dossier_on": "2027-02-19"}),
        (
            Step.RECOGNIZED,
            {"recognized_on": "2027-03-05", "decision_number": "12/QĐ-LĐLĐ", "members_at_founding": 7},
        ),
    ]
    case = started()
    for name, fields in plan[: STEPS.index(step)]:
        case = record_step(case, name, rules, today=TODAY, **fields)
    return case


def refused(fn: Any, *args: Any, **kwargs: Any) -> RecordError:
    with pytest.raises(RecordError) as caught:
        fn(*args, **kwargs)
    return caught.value


# --- starting ---------------------------------------------------------------------------------------------
def test_a_new_case_is_open_at_the_committee_step() -> None:
    case = started(committee_head="  Nguyễn   Thị Hoa ")
    assert (case.stage, case.next_step, case.state) == (Step.COMMITTEE, Step.APPLICATIONS, CaseState.OPEN)
    assert case.committee_head == "Nguyễn Thị Hoa"
    assert case.pending and case.rev == 1 and case.history == ()


def test_a_committee_of_none_or_a_future_date_is_refused() -> None:
    assert refused(started, committee_members=0).fields == ["committee_members"]
    error = refused(started, committee_on="2027-06-02")
    assert error.fields == ["committee_on"]
    assert "2027-06-01" in error.describe("vi")


# --- order ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("step", [Step.CONGRESS, Step.BCH_MEETING, Step.DOSSIER, Step.RECOGNIZED])
def test_a_step_out_of_order_is_refused_and_names_the_step_to_record_first(step: Step) -> None:
    case = started()
    date_field = f"{step.value}_on" if step is not Step.RECOGNIZED else "recognized_on"
    error = refused(record_step, case, step, RULES, today=TODAY, **{date_field: "2027-02-01"})
    assert error.fields == [date_field]
    assert "Applications" in error.describe("en")
    assert "cần ghi bước “Thu đơn gia nhập” trước" in error.describe("vi")


def test_a_date_before_the_previous_step_is_refused() -> None:
    case = through(Step.CONGRESS)
    error = refused(record_step, case, "bch_meeting", RULES, today=TODAY, bch_meeting_on="2027-01-28")
    assert error.fields == ["bch_meeting_on"]
    assert "2027-01-29" in error.describe("en")


def test_a_stored_case_with_steps_out_of_order_does_not_parse() -> None:
    doc = started().to_doc()
    doc["dossier_on"] = "2027-02-01"
    assert "dossier_on" in refused(FoundingCase.parse, doc).fields


def test_an_unknown_step_is_refused_with_the_choices() -> None:
    error = refused(record_step, started(), "party", RULES, today=TODAY)
    assert error.fields == ["step"]
    assert "congress" in error.describe("en")


def test_a_step_needs_its_date_and_its_figures() -> None:
    case = through(Step.APPLICATIONS)
    assert refused(record_step, case, "congress", RULES, today=TODAY, **CONGRESS).fields == ["congress_on"]
    error = refused(record_step, case, "congress", RULES, today=TODAY, congress_on="2027-01-29")
    assert set(error.fields) == {"congress_attending", "bch_size", "inspection_size"}


# --- the rules' minimums ---------------------------------------------------------------------------------------
def test_a_congress_with_fewer_applications_than_min_members_is_refused() -> None:
    case = record_step(
        started(), "applications", RULES, today=TODAY, applications_on="2027-01-15", applications=4
    )
    error = refused(record_step, case, "congress", RULES, today=TODAY, congress_on="2027-01-29", **CONGRESS)
    assert error.fields == ["applications"]
    assert "5" in error.describe("vi") and "4" in error.describe("vi")
    # a federation asking for 3 lets it through
    assert record_step(
        case, "congress", RULES.replace(min_members=3), today=TODAY, congress_on="2027-01-29", **CONGRESS
    )


def test_applications_cannot_be_corrected_below_min_members_after_the_congress() -> None:
    case = through(Step.CONGRESS)
    assert refused(record_step, case, "applications", RULES, today=TODAY, applications=3).fields == [
        "applications"
    ]


def test_a_recognition_with_fewer_members_than_min_members_is_refused() -> None:
    case = through(Step.DOSSIER)
    fields = {"recognized_on": "2027-03-05", "decision_number": "12/QĐ-LĐLĐ", "members_at_founding": 4}
    assert refused(record_step, case, "recognized", RULES, today=TODAY, **fields).fields == [
        "members_at_founding"
    ]


@pytest.mark.parametrize("number", ["", "   ", None])
def test_a_recognition_without_a_decision_number_is_refused(number: str | None) -> None:
    case = through(Step.DOSSIER)
    fields = {"recognized_on": "2027-03-05", "decision_number": number, "members_at_founding": 7}
    error = refused(record_step, case, "recognized", RULES, today=TODAY, **fields)
    assert error.fields == ["decision_number"]
    assert error.describe("vi").startswith("Số quyết định công nhận (decision_number): ")


# --- corrections ------------------------------------------------------------------------------------------------
def test_a_correction_is_an_edit_kept_in_the_history() -> None:
    case = through(Step.CONGRESS)
    fixed = record_step(case, "congress", RULES, today=TODAY, congress_on="2027-01-28", bch_size=5)
    assert (fixed.congress_on, fixed.bch_size, fixed.congress_attending) == (date(2027, 1, 28), 5, 6)
    assert fixed.rev == case.rev + 1
    assert [(h.step, h.before) for h in fixed.history] == [
        ("congress", {"congress_on": "2027-01-29", "bch_size": 3})
    ]
    # the history is content: it is hashed and synced with the record
    assert fixed.content_hash != case.content_hash
    assert FoundingCase.parse(fixed.to_doc()) == fixed


def test_recording_a_step_with_the_same_values_changes_nothing() -> None:
    case = through(Step.CONGRESS)
    assert record_step(case, "congress", RULES, today=TODAY, congress_on="2027-01-29") is case


def test_applications_collected_over_time_keep_each_count() -> None:
    case = through(Step.APPLICATIONS)
    more = record_step(case, "applications", RULES, today=TODAY, applications_on="2027-01-20", applications=9)
    assert more.applications == 9
    assert more.history[-1].before == {"applications_on": "2027-01-15", "applications": 7}


# --- state --------------------------------------------------------------------------------------------------
def test_pause_resume_abandon_keep_the_reason_and_the_history() -> None:
    case = through(Step.APPLICATIONS)
    paused = pause(case, "employer_obstruction", "Giám đốc không cho họp")
    assert (paused.state, paused.state_reason, paused.state_note) == (
        CaseState.PAUSED,
        "employer_obstruction",
        "Giám đốc không cho họp",
    )
    assert refused(
        record_step, paused, "congress", RULES, today=TODAY, congress_on="2027-01-29", **CONGRESS
    ).fields == ["congress_on"]
    reopened = resume(paused)
    assert (reopened.state, reopened.state_reason) == (CaseState.OPEN, None)
    dropped = abandon(reopened, "workers_withdrew")
    assert dropped.state is CaseState.ABANDONED
    assert [h.before["state"] for h in dropped.history] == ["open", "paused", "open"]
    assert dropped.history[1].before["state_reason"] == "employer_obstruction"


def test_bad_state_changes_are_refused() -> None:
    case = started()
    assert refused(pause, case, "tired").fields == ["state_reason"]
    assert refused(resume, case).fields == ["state"]
    assert refused(pause, pause(case, "other"), "other").fields == ["state"]
    assert refused(abandon, through(Step.RECOGNIZED), "other").fields == ["state"]


def test_a_stopped_case_needs_a_reason_and_an_open_one_has_none() -> None:
    doc = started().to_doc()
    assert refused(FoundingCase.parse, {**doc, "state": "paused"}).fields == ["state_reason"]
    assert refused(FoundingCase.parse, {**doc, "state_reason": "other"}).fields == ["state_reason"]


# --- deadlines ------------------------------------------------------------------------------------------------
def statuses(case: FoundingCase, today: date, rules: Rules = RULES) -> dict[str, dict[str, Any]]:
    return {s.step.value: s.to_dict() for s in schedule(case, rules, today)}


def test_deadlines_count_working_days_across_tet() -> None:
    # congress on Friday 29/1/2027; Tết 2027 is off from Thursday 4/2 to Wednesday 10/2
    found = statuses(through(Step.CONGRESS), date(2027, 2, 1))
    assert found["bch_meeting"]["due_on"] == "2027-02-19"  # 10 working days
    assert found["dossier"]["due_on"] == "2027-02-26"  # 15 working days
    assert found["recognized"]["due_on"] is None  # counted from the dossier, not sent yet
    assert found["congress"]["due_on"] is None
    assert not found["bch_meeting"]["overdue"] and not found["bch_meeting"]["due_soon"]


def test_overdue_and_due_soon() -> None:
    case = through(Step.CONGRESS)
    assert statuses(case, date(2027, 2, 16))["bch_meeting"]["due_soon"]  # 3 working days left
    assert not statuses(case, date(2027, 2, 15))["bch_meeting"]["due_soon"]  # 4 left
    assert statuses(case, date(2027, 2, 19))["bch_meeting"]["due_soon"]  # due today
    late = statuses(case, date(2027, 2, 22))["bch_meeting"]
    assert late["overdue"] and not late["due_soon"]
    assert [s.step for s in due_steps(case, RULES, date(2027, 2, 22))] == [Step.BCH_MEETING]


def test_a_step_done_late_is_marked_late_and_no_longer_overdue() -> None:
    case = record_step(through(Step.CONGRESS), "bch_meeting", RULES, today=TODAY, bch_meeting_on="2027-02-22")
    found = statuses(case, date(2027, 3, 1))
    assert found["bch_meeting"]["late"] and not found["bch_meeting"]["overdue"]
    assert found["dossier"]["overdue"]  # due 26/2


def test_a_paused_case_is_never_overdue() -> None:
    case = pause(through(Step.CONGRESS), "employer_obstruction")
    assert due_steps(case, RULES, date(2027, 4, 1)) == []


def test_the_day_counts_and_extra_days_off_come_from_the_rules() -> None:
    rules = RULES.replace(bch_meeting_days=5, extra_days_off=(date(2027, 2, 1),))
    # 5 working days after 29/1, 1/2 off by the federation and Tết: 2, 3, 11, 12, 15
    assert statuses(through(Step.CONGRESS), date(2027, 2, 1), rules)["bch_meeting"]["due_on"] == "2027-02-15"
    dossier = through(Step.DOSSIER)  # dossier sent Friday 19/2
    assert statuses(dossier, date(2027, 2, 22))["recognized"]["due_on"] == "2027-03-12"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)), st.integers(1, 40), st.integers(1, 40)
)
def test_a_due_date_is_always_a_working_day(congress_on: date, bch_days: int, dossier_days: int) -> None:
    rules = RULES.replace(bch_meeting_days=bch_days, dossier_days=dossier_days)
    case = FoundingCase.create(
        enterprise_id=ENTERPRISE,
        committee_on=congress_on,
        applications_on=congress_on,
        applications=5,
        congress_on=congress_on,
        **CONGRESS,
    )
    for status in schedule(case, rules, congress_on):
        if status.due_on is not None:
            assert is_working_day(status.due_on)
            assert status.due_on > congress_on


# --- recognition ----------------------------------------------------------------------------------------------
def test_recognition_finishes_the_case_and_unionizes_the_enterprise() -> None:
    case = through(Step.RECOGNIZED)
    assert case.stage is Step.RECOGNIZED and case.next_step is None and case.recognized
    enterprise = Enterprise.create(id=ENTERPRISE, name="Công ty TNHH Hòa Bình")
    after = unionized(case, enterprise)
    assert (after.has_union, after.union_members, after.rev) == (True, 7, 2)
    assert refused(record_step, case, "recognized", RULES, today=TODAY, decision_number="").fields == [
        "decision_number"
    ]
    with pytest.raises(ValueError):
        unionized(through(Step.DOSSIER), enterprise)
