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

import gc
import threading
import weakref
from collections import Counter as Tally
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from fieldapp.core.classify import Classification, classify_all, group_visits
from fieldapp.core.founding import STEPS, CaseState, FoundingCase, Step, due_steps
from fieldapp.core.records import Enterprise, Visit
from fieldapp.core.rules import Rules
from fieldapp.core.wards import ward_key
from sync.server.areas import area_of
from sync.server.db import read_session
from sync.server.loading import rebuilt, validated
from sync.server.models import (
    SEQ_COUNTER,
    Counter,
    FederationSetting,
    MembershipChange,
    Record,
    ServerIdentity,
)
from sync.server.recordstore import office_today
from sync.server.rules import RULES_KEY, federation_rules
from sync.server.targets import Scope, TargetError, TargetInfo, check_year, resolve_scope, targets_of

__all__ = [
    "OverdueStep",
    "Progress",
    "Records",
    "TargetProgress",
    "compute_progress",
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


@dataclass(frozen=True, slots=True)
class _Index:
    by_id: dict[str, Enterprise]
    by_ward: dict[str, list[Enterprise]]
    visits_by: dict[str, list[Visit]]

    @classmethod
    def of(cls, records: Records) -> _Index:
        by_ward: dict[str, list[Enterprise]] = {}
        for e in records.enterprises:
            by_ward.setdefault(records.ward_key(e), []).append(e)
        visits_by: dict[str, list[Visit]] = {}
        for v in records.visits:
            visits_by.setdefault(v.cadre, []).append(v)
        by_id = {e.id: e for e in records.enterprises}
        return cls(by_id, by_ward, visits_by)


#: days whose verdicts a Records keeps (a report asks for four, the dashboard for today)
_VERDICT_DAYS = 16


@dataclass(slots=True)
class Records:
    """The live records progress reads, loaded once for every scope and period asked of one session (or, through
    ``shared_records``, for every request while the database does not change)."""

    rules: Rules
    enterprises: tuple[Enterprise, ...]
    visits: tuple[Visit, ...]
    cases: tuple[FoundingCase, ...]
    #: every membership change: (enterprise id, the day it counts on, the change)
    memberships: tuple[tuple[str, date, int], ...] = ()
    _verdicts: dict[date, dict[str, Classification]] = field(default_factory=dict)
    _ward_keys: dict[str, str] = field(default_factory=dict)
    _index: _Index | None = None
    _added: dict[tuple[date, date], dict[str, int]] = field(default_factory=dict)
    _periods: dict[tuple[date, date], tuple[list[Visit], frozenset[str]]] = field(default_factory=dict)
    _overdue: dict[date, dict[str, tuple[tuple[str, date], ...]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    @property
    def index(self) -> _Index:
        """The records by ward, enterprise and cadre, built on first use."""
        if self._index is None:
            self._index = _Index.of(self)
        return self._index

    def verdicts(self, day: date) -> dict[str, Classification]:
        """Every live enterprise's verdict (``classify_all``) with the visits dated up to *day*, judged on *day*.

        A verdict depends only on the enterprise and its own visits, so the whole registry is classified once for
        each day asked and each scope takes its part: many scopes (a report's wards and cadres) cost one.
        """
        with self._lock:  # shared by the server's request threads: one classification per day
            done = self._verdicts.get(day)
            if done is None:
                visits = group_visits(v for v in self.visits if v.visited_on <= day)
                done = classify_all(self.enterprises, visits, self.rules, day)
                if len(self._verdicts) >= _VERDICT_DAYS:
                    self._verdicts.pop(next(iter(self._verdicts)))
                self._verdicts[day] = done
            return done

    def statuses(self, day: date) -> dict[str, str]:
        """Every live enterprise's status on *day* (see ``verdicts``)."""
        return {eid: c.status for eid, c in self.verdicts(day).items()}

    def ward_key(self, enterprise: Enterprise) -> str:
        """``ward_key`` of the enterprise's ward, worked out once per ward text (a registry has a few dozen)."""
        key = self._ward_keys.get(enterprise.ward)
        if key is None:
            key = self._ward_keys[enterprise.ward] = ward_key(enterprise.ward)
        return key

    def members_added(self, date_from: date, date_to: date) -> dict[str, int]:
        """Each enterprise's membership changes counted in the period, added up (once per period)."""
        added = self._added.get((date_from, date_to))
        if added is None:
            added = {}
            for eid, day, delta in self.memberships:
                if date_from <= day <= date_to:
                    added[eid] = added.get(eid, 0) + delta
            if len(self._added) >= _VERDICT_DAYS:
                self._added.clear()
            self._added[(date_from, date_to)] = added
        return added

    def period(self, date_from: date, date_to: date) -> tuple[list[Visit], frozenset[str]]:
        """The visits dated in the period and the enterprises newly eligible in it (see the module's docstring),
        over the whole registry, once per period: each scope takes its part."""
        found = self._periods.get((date_from, date_to))
        if found is None:
            visits = [v for v in self.visits if date_from <= v.visited_on <= date_to]
            was, now = self.verdicts(date_from - timedelta(days=1)), self.verdicts(date_to)
            newly = frozenset(
                eid for eid, c in now.items() if c.status == "eligible" and was[eid].status != "eligible"
            )
            if len(self._periods) >= _VERDICT_DAYS:
                self._periods.clear()
            found = self._periods[(date_from, date_to)] = (visits, newly)
        return found

    def overdue_steps(self, day: date) -> dict[str, tuple[tuple[str, date], ...]]:
        """Each case's steps that ``due_steps`` finds overdue on *day*: case id -> ((step, due on), ...)."""
        found = self._overdue.get(day)
        if found is None:
            found = {}
            for case in self.cases:
                late = tuple(
                    (s.step.value, s.due_on)
                    for s in due_steps(case, self.rules, day)
                    if s.overdue and s.due_on is not None
                )
                if late:
                    found[case.id] = late
            if len(self._overdue) >= _VERDICT_DAYS:
                self._overdue.clear()
            self._overdue[day] = found
        return found

    @classmethod
    def load(cls, session: Session, *, validate: bool = False) -> Records:
        """One query per table. The stored content was validated when it was written (a push, the import and the
        admin API all parse it with the same models), so the models are rebuilt without validating it again,
        unless *validate* (the way it was done before: kept as the office benchmark's baseline)."""

        def live(kind: str) -> list[dict[str, Any]]:
            stmt = select(Record.content).where(Record.kind == kind, Record.deleted.is_(False))
            return list(session.scalars(stmt))

        build = validated if validate else rebuilt
        changes = select(MembershipChange.enterprise_id, MembershipChange.counted_on, MembershipChange.delta)
        # the cyclic collector would rescan the growing heap again and again while 70,000 records that all stay
        # are built (it doubled the time of a load); it runs again, once, when they are done
        enabled = gc.isenabled()
        gc.disable()
        try:
            return cls(
                federation_rules(session).rules,
                build(Enterprise, live("enterprise")),
                build(Visit, live("visit")),
                tuple(FoundingCase.model_validate(c) for c in live("founding_case")),
                tuple((eid, day, int(delta)) for eid, day, delta in session.execute(changes)),
            )
        finally:
            if enabled:
                gc.enable()


@dataclass(slots=True)
class _Shared:
    lock: threading.Lock = field(default_factory=threading.Lock)
    version: tuple[Any, ...] | None = None
    records: Records | None = None


_SHARED: weakref.WeakKeyDictionary[Engine, _Shared] = weakref.WeakKeyDictionary()
_SHARED_LOCK = threading.Lock()


def database_version(session: Session) -> tuple[Any, ...]:
    """What the records ``Records`` holds depend on, in one query: the database's epoch (a restored database gets
    a new one), its newest change (every write of a record, and so of a membership change, takes the next one)
    and the federation's rules (set apart from the records)."""
    counter = select(Counter.value).where(Counter.name == SEQ_COUNTER).scalar_subquery()
    epoch = select(ServerIdentity.epoch).where(ServerIdentity.id == 1).scalar_subquery()
    rules = select(FederationSetting.updated_at).where(FederationSetting.key == RULES_KEY).scalar_subquery()
    return tuple(session.execute(select(epoch, counter, rules)).one())


def shared_records(engine: Engine) -> Records:
    """The live records of *engine*'s database, loaded again only when it changed since the last call (see
    ``database_version``): the dashboard's pages and the reports read them without reloading 70,000 records each
    time. The verdicts computed on them are kept with them, by day."""
    with _SHARED_LOCK:
        shared = _SHARED.setdefault(engine, _Shared())
    with shared.lock:  # one load at a time; the requests that wait get its result
        with read_session(engine) as session:
            version = database_version(session)  # read before the records: never newer than what is loaded
            if shared.records is None or shared.version != version:
                shared.records, shared.version = None, None
                shared.records, shared.version = Records.load(session), version
        return shared.records


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
    session: Session, date_from: date, date_to: date, scope: Scope, records: Records | None = None
) -> Progress:
    """The figures of the period [*date_from*, *date_to*] for *scope*, from the records in *session* (or
    *records*, loaded from it once for many calls)."""
    if date_to < date_from:
        raise TargetError(f"--to ({date_to}) is before --from ({date_from})")
    records = records or Records.load(session)
    enterprises = scope_enterprises(session, records, scope)
    by_id = {e.id: e for e in enterprises}
    index = records.index

    # visits made in the period: the cadre's own for a cadre (wherever), the scope's enterprises' otherwise;
    # newly eligible: the core's verdicts on the day before the period and on its last day
    period_visits, newly_eligible = records.period(date_from, date_to)
    if scope.user is not None:
        in_period = [v for v in index.visits_by.get(scope.user, ()) if date_from <= v.visited_on <= date_to]
    elif scope.ward_key is None:
        in_period = period_visits
    else:
        in_period = [v for v in period_visits if v.enterprise_id in by_id]
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
    records = shared_records(engine)
    with read_session(engine) as session:
        return compute_progress(session, date_from, date_to, resolve_scope(session, ward, user), records)


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
