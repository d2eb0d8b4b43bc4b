"""Progress for a period and a scope: what the targets, the monthly report and the dashboard compare (docs/office.md).

Everything a verdict or a deadline needs is the core's, as on the laptop: ``fieldapp.core.classify.classify_all``
for "newly eligible", ``fieldapp.core.founding`` for stages and ``due_steps``, with the federation's rules. The
server only picks the records of the scope and the period:

- scope: the federation (every live enterprise), a ward (its live enterprises, by ward key), or a cadre (the live
  enterprises of their area as it is now; their visits are the visits they made, wherever);
- ``recognized``: founding cases of the scope whose ``recognized_on`` falls in the period;
- ``new_members``: the sum of the dated membership changes (``membership_changes``) of the scope's enterprises
  counted on a day of the period;
- ``visits`` / ``enterprises_visited``: live visits dated in the period (``visited_on``) and the distinct
  enterprises they are of;
- ``newly_eligible``: enterprises "eligible" with the visits dated up to the period's last day, judged on that day,
  that were not eligible with the visits dated before the period, judged on the day before it;
- ``cases_by_stage``: the scope's cases started by the period's end and not abandoned, by the last step recorded
  on or before the end; ``cases_by_state``: the same cases and the abandoned ones by their state now;
- ``overdue``: the steps ``due_steps`` finds overdue in the open cases, as of the period's last day.
"""

from __future__ import annotations

from collections import Counter as Tally
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from fieldapp.core.founding import STEPS, CaseState, FoundingCase, Step
from fieldapp.core.records import Enterprise
from sync.server.areas import area_of
from sync.server.db import read_session
from sync.server.office_records import Records, database_version, shared_records
from sync.server.recordstore import office_today
from sync.server.targets import Scope, TargetError, TargetInfo, check_year, resolve_scope, targets_of

__all__ = [
    "OverdueStep",
    "Progress",
    "Records",
    "TargetProgress",
    "compute_progress",
    "percent",
    "database_version",
    "progress",
    "scope_enterprises",
    "shared_records",
    "targets_with_progress",
]


@dataclass(frozen=True, slots=True)
class OverdueStep:
    case_id: str
    enterprise_id: str
    enterprise: str
    step: str
    due_on: date

    def to_dict(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "enterprise_id": self.enterprise_id,
            "enterprise": self.enterprise,
            "step": self.step,
            "due_on": self.due_on.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Progress:
    """The figures of one period (both days included) and scope."""

    date_from: date
    date_to: date
    scope: Scope
    recognized: int
    members_at_founding: int
    new_members: int
    visits: int
    enterprises_visited: int
    newly_eligible: int
    newly_eligible_ids: tuple[str, ...]
    cases_by_stage: dict[str, int]
    cases_by_state: dict[str, int]
    overdue: tuple[OverdueStep, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            **self.scope.to_dict(),
            "recognized": self.recognized,
            "members_at_founding": self.members_at_founding,
            "new_members": self.new_members,
            "visits": self.visits,
            "enterprises_visited": self.enterprises_visited,
            "newly_eligible": self.newly_eligible,
            "newly_eligible_ids": list(self.newly_eligible_ids),
            "cases_by_stage": dict(self.cases_by_stage),
            "cases_by_state": dict(self.cases_by_state),
            "overdue": [o.to_dict() for o in self.overdue],
        }


def scope_enterprises(session: Session, records: Records, scope: Scope) -> list[Enterprise]:
    """The live enterprises of *scope*: every one, a ward's (by ward key), or a cadre's area as it is now."""
    index = records.index
    if scope.ward_key is not None:
        return list(index.by_ward.get(scope.ward_key, ()))
    if scope.user is not None:
        area = area_of(session, scope.user)
        found = {e.id: e for key in sorted(area.ward_keys) for e in index.by_ward.get(key, ())}
        for e in area.enterprises:
            if e.id in index.by_id:
                found.setdefault(e.id, index.by_id[e.id])
        return list(found.values())
    return list(records.enterprises)


def _stage_on(case: FoundingCase, day: date) -> Step | None:
    """The last step recorded for a day on or before *day* (None: the case had not started)."""
    done = [s for s in STEPS if (on := case.done_on(s)) is not None and on <= day]
    return done[-1] if done else None


def compute_progress(
    session: Session,
    date_from: date,
    date_to: date,
    scope: Scope,
    records: Records | None = None,
    members: dict[str, Enterprise] | None = None,
) -> Progress:
    """The figures of the period [*date_from*, *date_to*] for *scope*, from the records in *session* (or
    *records*, loaded from it once for many calls; *members*: the scope's enterprises by id, from
    ``scope_enterprises`` on them, for many periods)."""
    if date_to < date_from:
        raise TargetError(f"--to ({date_to}) is before --from ({date_from})")
    records = records or Records.load(session)
    index = records.index
    if members is not None:
        by_id = members
    elif scope.ward_key is None and scope.user is None:
        by_id = index.by_id  # the federation's: every live enterprise, not copied for each request
    else:
        by_id = {e.id: e for e in scope_enterprises(session, records, scope)}

    # visits made in the period: the cadre's own for a cadre (wherever), the scope's enterprises' otherwise
    # (counted per enterprise once per period for every scope); newly eligible: the core's verdicts on the day
    # before the period and on its last day
    period_visits, newly_eligible = records.period(date_from, date_to)
    if scope.user is not None:
        visits, visited = records.cadre_visits(date_from, date_to).get(scope.user, (0, 0))
    elif scope.ward_key is None:
        visits, visited = len(period_visits), len(records.visited(date_from, date_to))
    else:
        counts = records.visited(date_from, date_to)
        hits = [counts[eid] for eid in by_id if eid in counts]
        visits, visited = sum(hits), len(hits)
    newly = tuple(sorted(eid for eid in newly_eligible if eid in by_id))

    cases = [case for case in records.cases if case.enterprise_id in by_id]
    recognized = [c for c in cases if c.recognized_on is not None and date_from <= c.recognized_on <= date_to]
    by_stage: Tally[str] = Tally()
    by_state: Tally[str] = Tally()
    overdue: list[OverdueStep] = []
    late = records.overdue_steps(date_to)
    for case in cases:
        stage = _stage_on(case, date_to)
        if stage is None:
            continue
        by_state[case.state.value] += 1
        if case.state is not CaseState.ABANDONED:
            by_stage[stage.value] += 1
        name = by_id[case.enterprise_id].name
        overdue += (
            OverdueStep(case.id, case.enterprise_id, name, step, on) for step, on in late.get(case.id, ())
        )
    overdue.sort(key=lambda o: (o.due_on, o.enterprise, o.case_id))

    added = records.members_added(date_from, date_to)
    new_members = sum(delta for eid, delta in added.items() if eid in by_id)

    return Progress(
        date_from=date_from,
        date_to=date_to,
        scope=scope,
        recognized=len(recognized),
        members_at_founding=sum(c.members_at_founding or 0 for c in recognized),
        new_members=int(new_members),
        visits=visits,
        enterprises_visited=visited,
        newly_eligible=len(newly),
        newly_eligible_ids=newly,
        cases_by_stage={s.value: by_stage[s.value] for s in STEPS},
        cases_by_state={s.value: by_state[s.value] for s in CaseState},
        overdue=tuple(overdue),
    )


def progress(
    engine: Engine, date_from: date, date_to: date, *, ward: str | None = None, user: str | None = None
) -> Progress:
    """The progress of the period for the federation, a ward (--ward) or a cadre (--user). Raises TargetError."""
    records = shared_records(engine)
    with read_session(engine) as session:
        return compute_progress(session, date_from, date_to, resolve_scope(session, ward, user), records)


def percent(reached: int, target: int | None) -> float | None:
    """*reached* as a percentage of *target*, one decimal (None without a target)."""
    return None if not target else round(100 * reached / target, 1)


@dataclass(frozen=True, slots=True)
class TargetProgress:
    """A target beside its year's progress to date (None for a year not begun)."""

    target: TargetInfo
    progress: Progress | None

    def to_dict(self) -> dict[str, Any]:
        t, p = self.target, self.progress
        reached = None
        if p is not None:
            reached = {
                "from": p.date_from.isoformat(),
                "to": p.date_to.isoformat(),
                "new_unions": p.recognized,
                "new_members": p.new_members,
                "new_unions_percent": percent(p.recognized, t.new_unions),
                "new_members_percent": percent(p.new_members, t.new_members),
            }
        return {**t.to_dict(), "progress": reached}


def targets_with_progress(
    engine: Engine, year: int | None = None, today: date | None = None
) -> list[TargetProgress]:
    """Every target (of *year*) with its year's progress from 1 January to *today* (Vietnam's day by default), or
    to 31 December for a past year."""
    if year is not None:
        check_year(year, "--year")
    today = today or office_today()
    records = shared_records(engine)
    with read_session(engine) as session:
        done: list[TargetProgress] = []
        for t in targets_of(session, year):
            start, end = date(t.year, 1, 1), min(today, date(t.year, 12, 31))
            done.append(
                TargetProgress(
                    t, compute_progress(session, start, end, t.scope, records) if start <= end else None
                )
            )
        return done
