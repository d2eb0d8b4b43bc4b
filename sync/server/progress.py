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

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from fieldapp.core.classify import classify_all, group_visits
from fieldapp.core.founding import STEPS, CaseState, FoundingCase, Step, due_steps
from fieldapp.core.records import Enterprise, Visit
from fieldapp.core.rules import Rules
from fieldapp.core.wards import ward_key
from sync.server.areas import area_of
from sync.server.db import read_session
from sync.server.models import MembershipChange, Record
from sync.server.recordstore import office_today
from sync.server.rules import federation_rules
from sync.server.targets import Scope, TargetError, TargetInfo, check_year, resolve_scope, targets_of

__all__ = [
    "OverdueStep",
    "Progress",
    "Records",
    "TargetProgress",
    "compute_progress",
    "progress",
    "scope_enterprises",
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


@dataclass(slots=True)
class Records:
    """The live records progress reads, loaded once for every scope and period asked of one session."""

    rules: Rules
    enterprises: tuple[Enterprise, ...]
    visits: tuple[Visit, ...]
    cases: tuple[FoundingCase, ...]
    _statuses: dict[date, dict[str, str]] = field(default_factory=dict)
    _indexes: dict[str, dict[str, Any]] = field(default_factory=dict)

    def ward_keys(self) -> dict[str, str]:
        """Each enterprise's ward key, worked out once (``ward_key`` folds text: costly at 20,000 firms a scope)."""
        if "ward" not in self._indexes:
            self._indexes["ward"] = {e.id: ward_key(e.ward) for e in self.enterprises}
        return self._indexes["ward"]

    def visits_by(self, what: str) -> dict[str, list[Visit]]:
        """The visits by enterprise id (*what* "enterprise") or by cadre ("cadre"), grouped once."""
        if what not in self._indexes:
            grouped: dict[str, list[Visit]] = {}
            for v in self.visits:
                grouped.setdefault(v.enterprise_id if what == "enterprise" else v.cadre, []).append(v)
            self._indexes[what] = grouped
        return self._indexes[what]

    def statuses(self, day: date) -> dict[str, str]:
        """Every live enterprise's status (``classify_all``) with the visits dated up to *day*, judged on *day*.

        A verdict depends only on the enterprise and its own visits, so the whole registry is classified once for
        each day asked and each scope takes its part: many scopes (a report's wards and cadres) cost one.
        """
        if day not in self._statuses:
            visits = group_visits(v for v in self.visits if v.visited_on <= day)
            verdicts = classify_all(self.enterprises, visits, self.rules, day)
            self._statuses[day] = {eid: c.status for eid, c in verdicts.items()}
        return self._statuses[day]

    @classmethod
    def load(cls, session: Session) -> Records:
        def live(kind: str) -> list[dict[str, Any]]:
            stmt = select(Record.content).where(Record.kind == kind, Record.deleted.is_(False))
            return list(session.scalars(stmt))

        return cls(
            federation_rules(session).rules,
            tuple(Enterprise.model_validate(c) for c in live("enterprise")),
            tuple(Visit.model_validate(c) for c in live("visit")),
            tuple(FoundingCase.model_validate(c) for c in live("founding_case")),
        )


def scope_enterprises(session: Session, records: Records, scope: Scope) -> list[Enterprise]:
    """The live enterprises of *scope*: every one, a ward's (by ward key), or a cadre's area as it is now."""
    wards = records.ward_keys()
    if scope.ward_key is not None:
        return [e for e in records.enterprises if wards[e.id] == scope.ward_key]
    if scope.user is not None:
        area = area_of(session, scope.user)
        assigned = {e.id for e in area.enterprises}
        keys = area.ward_keys
        return [e for e in records.enterprises if wards[e.id] in keys or e.id in assigned]
    return list(records.enterprises)


def _members_added(session: Session, date_from: date, date_to: date) -> dict[str, int]:
    """Each enterprise's membership changes counted in the period, added up (one query)."""
    stmt = (
        select(MembershipChange.enterprise_id, func.sum(MembershipChange.delta))
        .where(MembershipChange.counted_on >= date_from, MembershipChange.counted_on <= date_to)
        .group_by(MembershipChange.enterprise_id)
    )
    return {eid: int(total or 0) for eid, total in session.execute(stmt)}


def _stage_on(case: FoundingCase, day: date) -> Step | None:
    """The last step recorded for a day on or before *day* (None: the case had not started)."""
    done = [s for s in STEPS if (on := case.done_on(s)) is not None and on <= day]
    return done[-1] if done else None


def compute_progress(
    session: Session, date_from: date, date_to: date, scope: Scope, records: Records | None = None
) -> Progress:
    """The figures of the period [*date_from*, *date_to*] for *scope*, from the records in *session* (or
    *records*, loaded from it once for many calls)."""
    if date_to < date_from:
        raise TargetError(f"--to ({date_to}) is before --from ({date_from})")
    records = records or Records.load(session)
    rules = records.rules
    enterprises = scope_enterprises(session, records, scope)
    by_id = {e.id: e for e in enterprises}
    # visits made in the period: the cadre's own for a cadre, the scope's enterprises' otherwise
    if scope.user is not None:
        made = records.visits_by("cadre").get(scope.user, [])
    else:
        of = records.visits_by("enterprise")
        made = [v for eid in by_id for v in of.get(eid, ())]
    in_period = [v for v in made if date_from <= v.visited_on <= date_to]

    # newly eligible: the core's verdicts on the day before the period and on its last day
    before = date_from - timedelta(days=1)
    was, now = records.statuses(before), records.statuses(date_to)
    newly = tuple(sorted(eid for eid in by_id if now[eid] == "eligible" and was[eid] != "eligible"))

    cases = [case for case in records.cases if case.enterprise_id in by_id]
    recognized = [c for c in cases if c.recognized_on is not None and date_from <= c.recognized_on <= date_to]
    by_stage: Counter[str] = Counter()
    by_state: Counter[str] = Counter()
    overdue: list[OverdueStep] = []
    for case in cases:
        stage = _stage_on(case, date_to)
        if stage is None:
            continue
        by_state[case.state.value] += 1
        if case.state is not CaseState.ABANDONED:
            by_stage[stage.value] += 1
        for status in due_steps(case, rules, date_to):
            if status.overdue and status.due_on is not None:
                name = by_id[case.enterprise_id].name
                overdue.append(
                    OverdueStep(case.id, case.enterprise_id, name, status.step.value, status.due_on)
                )
    overdue.sort(key=lambda o: (o.due_on, o.enterprise, o.case_id))

    added = _members_added(session, date_from, date_to)
    new_members = sum(added.get(eid, 0) for eid in by_id)

    return Progress(
        date_from=date_from,
        date_to=date_to,
        scope=scope,
        recognized=len(recognized),
        members_at_founding=sum(c.members_at_founding or 0 for c in recognized),
        new_members=int(new_members),
        visits=len(in_period),
        enterprises_visited=len({v.enterprise_id for v in in_period}),
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
    with read_session(engine) as session:
        return compute_progress(session, date_from, date_to, resolve_scope(session, ward, user))


def _percent(reached: int, target: int | None) -> float | None:
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
                "new_unions_percent": _percent(p.recognized, t.new_unions),
                "new_members_percent": _percent(p.new_members, t.new_members),
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
    with read_session(engine) as session:
        done: list[TargetProgress] = []
        records = Records.load(session)
        for t in targets_of(session, year):
            start, end = date(t.year, 1, 1), min(today, date(t.year, 12, 31))
            done.append(
                TargetProgress(
                    t, compute_progress(session, start, end, t.scope, records) if start <= end else None
                )
            )
        return done
