"""The demo district's founding cases: some at every stage, paused and abandoned ones, some overdue.

``demo_founding_cases(enterprises, visits, seed=S, today=D)`` picks operating firms without a union from a demo
district (``fieldapp.io.demo.generate_demo``) and gives them cases, always the same ones for the same arguments
(ids and timestamps included). Each round of cases holds one case at each stage (committee, applications,
congress, bch_meeting, dossier, recognized) plus a paused and an abandoned one; in every other round the cases
waiting on a deadline (after the congress, after the dossier) are overdue as of *today*, in the others they are
on time. A recognized case comes with its enterprise as the recognition makes it (``has_union``, the members at
founding), to be saved together (``Store.save_founding_case(case, enterprise)``).

Kept apart from the enterprises and visits so the district itself (its wards, names, visits) is the same with or
without founding cases.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fieldapp.core.founding import STEP_FIELDS, STEPS, CaseState, FoundingCase, Step, StopReason, unionized
from fieldapp.core.records import Enterprise, EnterpriseStatus, Ownership, Visit
from fieldapp.core.rules import Rules, default_rules

__all__ = ["demo_founding_cases"]

_SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô")
_GIVEN = ("Văn Tám", "Thị Thu", "Minh Đức", "Thị Hạnh", "Quốc Bảo", "Thị Yến", "Văn Hùng", "Ngọc Ánh")
#: the stages of one round, in order: each step as the last one recorded, then a paused and an abandoned case
_PLAN: tuple[Step | CaseState, ...] = (*STEPS, CaseState.PAUSED, CaseState.ABANDONED)
#: calendar days between a step and the one before it (the step's own row)
_GAPS: dict[Step, tuple[int, int]] = {
    Step.APPLICATIONS: (5, 30),
    Step.CONGRESS: (3, 20),
    Step.BCH_MEETING: (1, 9),
    Step.DOSSIER: (2, 8),
    Step.RECOGNIZED: (5, 18),
}
_STOPS: dict[CaseState, tuple[tuple[StopReason, str], ...]] = {
    CaseState.PAUSED: (
        (
            StopReason.EMPLOYER_OBSTRUCTION,
            "Giám đốc không cho ban vận động họp với người lao động trong giờ nghỉ.",
        ),
        (StopReason.OTHER, "Doanh nghiệp đang chuyển xưởng, hẹn làm tiếp sau khi ổn định."),
    ),
    CaseState.ABANDONED: (
        (StopReason.WORKERS_WITHDREW, "Phần lớn người ký đơn đã nghỉ việc khi hết mùa vụ."),
        (StopReason.ENTERPRISE_CLOSED, "Doanh nghiệp ngừng hoạt động, trả lại mặt bằng."),
    ),
}
_MAX_ROUNDS = 10


def _stamp(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randrange(1, 11), rng.randrange(60)), tzinfo=UTC)


def _candidates(enterprises: Sequence[Enterprise]) -> list[Enterprise]:
    """Operating firms that may found a union and have none: legal entities, not households, 10+ workers."""
    return [
        e
        for e in enterprises
        if e.status is EnterpriseStatus.ACTIVE
        and e.legal_entity
        and e.ownership is not Ownership.HOUSEHOLD
        and not e.has_union
        and (e.registered_workers is None or e.registered_workers >= 10)
    ]


def _stage_ago(stage: Step, overdue: bool, rng: random.Random) -> int:
    """How many days ago the case's last step was recorded."""
    if stage in (Step.CONGRESS, Step.BCH_MEETING, Step.DOSSIER):
        # waiting on a deadline (10 or 15 working days): 40+ calendar days is past it even across Tết
        return rng.randint(40, 120) if overdue else rng.randint(1, 6)
    if stage is Step.RECOGNIZED:
        return rng.randint(10, 300)
    return rng.randint(3, 60)


def _case(
    rng: random.Random,
    e: Enterprise,
    stage: Step,
    state: CaseState,
    ago: int,
    applied: int,
    minimum: int,
    today: date,
) -> FoundingCase:
    steps = STEPS[: STEPS.index(stage) + 1]
    on: dict[Step, date] = {stage: today - timedelta(days=ago)}
    for later, earlier in zip(reversed(steps), reversed(steps[:-1]), strict=False):
        low, high = _GAPS[later]
        on[earlier] = on[later] - timedelta(days=rng.randint(low, high))
    if applied < minimum:  # the visits found too few: the ban vận động collected more since
        applied = rng.randint(minimum, max(minimum + 1, min(40, e.registered_workers or 20)))
    attending = rng.randint(minimum, applied)
    bch = min(attending, rng.choice((3, 3, 5)))
    values: dict[str, Any] = {
        "committee_members": rng.randint(3, 5),
        "committee_head": f"{rng.choice(_SURNAMES)} {rng.choice(_GIVEN)}" if rng.random() < 0.7 else None,
        "applications": applied,
        "congress_attending": attending,
        "bch_size": bch,
        "inspection_size": rng.choice((0, 1, 3)),
        "decision_number": f"{rng.randint(12, 240)}/QĐ-LĐLĐ",
        "members_at_founding": applied + rng.randint(0, 5),
    }
    created = _stamp(on[Step.COMMITTEE], rng)
    updated = _stamp(on[stage], rng)
    doc: dict[str, Any] = {
        "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "enterprise_id": e.id,
        "created_at": created,
        "updated_at": max(created, updated),
        "pending_since": created,
        "rev": len(steps),
    }
    for step in steps:
        date_field, *fields = STEP_FIELDS[step]
        doc[date_field] = on[step]
        doc.update({name: values[name] for name in fields})
    if state is not CaseState.OPEN:
        reason, note = rng.choice(_STOPS[state])
        stopped = _stamp(min(today, on[stage] + timedelta(days=rng.randint(3, 20))), rng)
        before = {"state": "open", "state_reason": None, "state_note": ""}
        doc.update(state=state, state_reason=reason, state_note=note, rev=len(steps) + 1)
        doc.update(
            history=[{"at": stopped, "step": "state", "before": before}], updated_at=max(stopped, created)
        )
    return FoundingCase.parse(doc, today=today)


def demo_founding_cases(
    enterprises: Sequence[Enterprise],
    visits: Sequence[Visit],
    *,
    seed: int = 1,
    today: date | None = None,
    rules: Rules | None = None,
) -> list[tuple[FoundingCase, Enterprise | None]]:
    """Founding cases for a demo district: each with the enterprise its recognition unionized (else None).

    One round of ``len(_PLAN)`` cases per 100 enterprises (at least one, at most ten), as far as there are
    candidates. The same arguments give the same cases. *rules* give the minimum members (the default rules when
    None); the cases themselves are valid under any rules the app accepts.
    """
    today = today or date.today()
    rules = rules or default_rules()
    rng = random.Random(f"founding-{seed}")
    pool = _candidates(enterprises)
    rng.shuffle(pool)
    applied: dict[str, int] = {}
    for v in sorted(visits, key=lambda v: v.visited_on):
        applied[v.enterprise_id] = v.applications  # the latest visit's count
    rounds = min(max(len(enterprises) // 100, 1), _MAX_ROUNDS)
    made: list[tuple[FoundingCase, Enterprise | None]] = []
    for index, e in enumerate(pool[: rounds * len(_PLAN)]):
        round_, slot = divmod(index, len(_PLAN))
        planned = _PLAN[slot]
        if isinstance(planned, Step):
            stage, state = planned, CaseState.OPEN
        else:
            stage, state = rng.choice(STEPS[:5]), planned
        ago = _stage_ago(stage, overdue=round_ % 2 == 0, rng=rng)
        case = _case(rng, e, stage, state, ago, applied.get(e.id, 0), rules.min_members, today)
        after = None
        if case.recognized:
            assert case.recognized_on is not None
            after = unionized(case, e).with_meta(updated_at=_stamp(case.recognized_on, rng))
        made.append((case, after))
    return made
