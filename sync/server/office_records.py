"""The live records the office reads (progress, the monthly report, the dashboard), loaded once and kept between
requests while the database does not change, then brought up to date from what changed (docs/performance.md,
"Office").

``shared_records(engine)`` reads, in one snapshot, the database's version (its epoch, the federation's rules and the
newest change a pull may serve: ``sync.server.queries.head``) and compares it with the kept records':

- the same: the kept ``Records``, as they are;
- only newer changes: a new ``Records`` made of the kept one and the records whose change number is above the kept
  one's (pull's own ``seq > N``, deletions included), with the membership changes likewise. The verdicts kept by
  day are carried over, the enterprises the changes touch (theirs or their visits') classified again; the other
  figures kept with them (periods, overdue steps, the index) are computed again when asked;
- anything else (another epoch: a restored database; new rules; a change number going back; more changes than a
  fifth of the records): everything is loaded again.

A change number is handed out with the row lock of the ``counters`` row held until commit, so every change up to the
head read in a snapshot is in that snapshot and none below it commits later. That is what the pull relies on too, and
the refresh reads the same head: when the pull's head becomes a horizon below the writers in flight (PostgreSQL),
the refresh follows it, and may read again a change already read (replacing a record by id, and a membership change
by id, is the same however often it is done).
"""

from __future__ import annotations

import gc
import threading
import weakref
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter
from typing import Any, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from fieldapp.core.classify import Classification, classify_all, group_visits, stale_cutoff
from fieldapp.core.founding import FoundingCase, due_steps
from fieldapp.core.records import Enterprise, Visit
from fieldapp.core.rules import Rules
from fieldapp.core.wards import ward_key
from sync.server.db import read_session, snapshot_session
from sync.server.loading import rebuilt, validated
from sync.server.models import FederationSetting, MembershipChange, Record, ServerIdentity
from sync.server.queries import head
from sync.server.rules import RULES_KEY, federation_rules

__all__ = ["Records", "database_version", "shared_records"]

#: days whose verdicts a Records keeps (a report asks for four, the dashboard for today)
_VERDICT_DAYS = 16
#: more changes than this share of the kept records: load everything again (it costs about the same)
_REFRESH_SHARE = 0.2
_KINDS = ("enterprise", "visit", "founding_case")
_by_id = attrgetter("id")
R = TypeVar("R", Enterprise, Visit, FoundingCase)


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


@dataclass(slots=True)
class Records:
    """The live records progress reads, loaded once for every scope and period asked of one session (or, through
    ``shared_records``, for every request while the database does not change). Enterprises, visits and cases are
    in id order, the membership changes in the order they were made, however the records were read."""

    rules: Rules
    enterprises: tuple[Enterprise, ...]
    visits: tuple[Visit, ...]
    cases: tuple[FoundingCase, ...]
    #: every membership change: (enterprise id, the day it counts on, the change)
    memberships: tuple[tuple[str, date, int], ...] = ()
    #: each membership change's id (as ``memberships``)
    membership_ids: tuple[int, ...] = field(default=(), compare=False)
    #: the newest change these records hold every change up to (the pull's head when they were read)
    mark: int = field(default=0, compare=False)
    #: the bookkeeping time of the records rebuilt from their content (one for all: see ``loading.rebuilt``)
    moment: datetime = field(default_factory=lambda: datetime.now(UTC), compare=False)
    _verdicts: dict[date, dict[str, Classification]] = field(default_factory=dict, compare=False)
    _ward_keys: dict[str, str] = field(default_factory=dict, compare=False)
    _index: _Index | None = field(default=None, compare=False)
    #: each enterprise's visits in ``latest_visit``'s order, with their days (see ``_latest``)
    _visit_days: dict[str, tuple[list[date], list[Visit]]] | None = field(default=None, compare=False)
    _added: dict[tuple[date, date], dict[str, int]] = field(default_factory=dict, compare=False)
    _periods: dict[tuple[date, date], tuple[list[Visit], frozenset[str], dict[str, int]]] = field(
        default_factory=dict, compare=False
    )
    _overdue: dict[date, dict[str, tuple[tuple[str, date], ...]]] = field(default_factory=dict, compare=False)
    _cadres: dict[tuple[date, date], dict[str, tuple[int, int]]] = field(default_factory=dict, compare=False)
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
                done = self._judge(day)
                self._keep_verdicts(day, done)
            return done

    def _judge(self, day: date) -> dict[str, Classification]:
        """``classify_all`` on *day*, taking from the nearest day already judged the verdicts that cannot differ.

        The core's verdict rests on the enterprise, its latest visit up to the day and, of the day, only whether
        that visit is older than the stale cutoff (``stale_cutoff``); an enterprise whose latest visit and its
        staleness are the same on both days has the same verdict, the others are classified on *day*.
        """
        latest = self._latest(day)
        months = self.rules.stale_months
        cutoff = stale_cutoff(day, months)
        near = min(self._verdicts, key=lambda d: abs(d.toordinal() - day.toordinal()), default=None)
        before = self._verdicts[near] if near is not None else {}
        near_cutoff = stale_cutoff(near, months) if near is not None else cutoff
        done: dict[str, Classification | None] = {}
        again: list[Enterprise] = []
        for e in self.enterprises:
            visit, kept = latest.get(e.id), before.get(e.id)
            same = kept is not None and kept.visit is visit and kept.enterprise is e
            if same and (visit is None or (visit.visited_on < cutoff) == (visit.visited_on < near_cutoff)):
                done[e.id] = kept
            else:
                done[e.id] = None
                again.append(e)
        judged = classify_all(again, {e.id: [latest[e.id]] for e in again if e.id in latest}, self.rules, day)
        return {eid: judged[eid] if c is None else c for eid, c in done.items()}

    def _latest(self, day: date) -> dict[str, Visit]:
        """Each enterprise's latest visit up to *day*, as ``latest_visit`` picks it (by date, then when it was
        recorded, then id)."""
        if self._visit_days is None:
            grouped = group_visits(sorted(self.visits, key=lambda v: (v.visited_on, v.created_at, v.id)))
            self._visit_days = {eid: ([v.visited_on for v in vs], vs) for eid, vs in grouped.items()}
        found: dict[str, Visit] = {}
        for eid, (days, visits) in self._visit_days.items():
            at = bisect_right(days, day)
            if at:
                found[eid] = visits[at - 1]
        return found

    def _keep_verdicts(self, day: date, done: dict[str, Classification]) -> None:
        if len(self._verdicts) >= _VERDICT_DAYS:
            self._verdicts.pop(next(iter(self._verdicts)))
        self._verdicts[day] = done

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
        """The visits dated in the period and the enterprises newly eligible in it (see ``sync.server.progress``),
        over the whole registry, once per period: each scope takes its part."""
        visits, newly, _ = self._period(date_from, date_to)
        return visits, newly

    def visited(self, date_from: date, date_to: date) -> dict[str, int]:
        """Each enterprise's number of visits dated in the period (those visited only), once per period."""
        return self._period(date_from, date_to)[2]

    def cadre_visits(self, date_from: date, date_to: date) -> dict[str, tuple[int, int]]:
        """Each cadre's visits dated in the period: (visits made, distinct enterprises visited), once per period."""
        found = self._cadres.get((date_from, date_to))
        if found is None:
            found = {}
            for cadre, theirs in self.index.visits_by.items():
                mine = [v.enterprise_id for v in theirs if date_from <= v.visited_on <= date_to]
                if mine:
                    found[cadre] = (len(mine), len(set(mine)))
            if len(self._cadres) >= _VERDICT_DAYS:
                self._cadres.clear()
            self._cadres[(date_from, date_to)] = found
        return found

    def _period(self, date_from: date, date_to: date) -> tuple[list[Visit], frozenset[str], dict[str, int]]:
        found = self._periods.get((date_from, date_to))
        if found is None:
            visits = [v for v in self.visits if date_from <= v.visited_on <= date_to]
            was, now = self.verdicts(date_from - timedelta(days=1)), self.verdicts(date_to)
            newly = frozenset(
                eid for eid, c in now.items() if c.status == "eligible" and was[eid].status != "eligible"
            )
            counts: dict[str, int] = {}
            for v in visits:
                counts[v.enterprise_id] = counts.get(v.enterprise_id, 0) + 1
            if len(self._periods) >= _VERDICT_DAYS:
                self._periods.clear()
            found = self._periods[(date_from, date_to)] = (visits, newly, counts)
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
    def load(cls, session: Session, *, validate: bool = False, mark: int | None = None) -> Records:
        """One query per table. The stored content was validated when it was written (a push, the import and the
        admin API all parse it with the same models), so the models are rebuilt without validating it again,
        unless *validate* (the way it was done before: kept as the office benchmark's baseline). *mark*: the
        pull's head read in the same snapshot (``shared_records`` reads it first), else read here."""

        def live(kind: str) -> list[dict[str, Any]]:
            # read in id order (the primary key's), so the records are built, and lie in memory, in the order they
            # are kept: walked in an order far from where they lie, every scan of the 50,000 visits took 5-6 times
            # as long (cache misses; the overview's warm median went from 72 to 344 ms at 20,000 firms)
            stmt = select(Record.content).where(Record.kind == kind, Record.deleted.is_(False))
            return list(session.scalars(stmt.order_by(Record.id)))

        moment = datetime.now(UTC)
        changes = select(
            MembershipChange.id,
            MembershipChange.enterprise_id,
            MembershipChange.counted_on,
            MembershipChange.delta,
        ).order_by(MembershipChange.id)
        # the cyclic collector would rescan the growing heap again and again while 70,000 records that all stay
        # are built (it doubled the time of a load); it runs again, once, when they are done
        enabled = gc.isenabled()
        gc.disable()
        try:
            mark = head(session) if mark is None else mark
            rows = session.execute(changes).all()
            if validate:
                enterprises, visits = (
                    validated(Enterprise, live("enterprise")),
                    validated(Visit, live("visit")),
                )
            else:
                enterprises = rebuilt(Enterprise, live("enterprise"), moment)
                visits = rebuilt(Visit, live("visit"), moment)
            return cls(
                federation_rules(session).rules,
                _in_order(enterprises),
                _in_order(visits),
                _in_order(_cases(live("founding_case"), moment)),
                tuple((eid, day, int(delta)) for _, eid, day, delta in rows),
                tuple(int(i) for i, *_ in rows),
                mark,
                moment,
            )
        finally:
            if enabled:
                gc.enable()

    def refreshed(self, session: Session, mark: int) -> Records | None:
        """These records with every change above their mark read from *session* (new Records; these stay as they
        are for whoever reads them), up to *mark*; None when there are too many changes to be worth it."""
        limit = int(_REFRESH_SHARE * (len(self.enterprises) + len(self.visits) + len(self.cases))) + 100
        cols = (Record.kind, Record.id, Record.deleted, Record.content)
        stmt = select(*cols).where(Record.seq > self.mark, Record.kind.in_(_KINDS)).limit(limit + 1)
        rows = session.execute(stmt).all()
        if len(rows) > limit:
            return None
        gone: dict[str, set[str]] = {kind: set() for kind in _KINDS}
        contents: dict[str, list[dict[str, Any]]] = {kind: [] for kind in _KINDS}
        for kind, rid, deleted, content in rows:
            if deleted:
                gone[kind].add(rid)
            else:
                contents[kind].append(content)
        enterprises = {e.id: e for e in rebuilt(Enterprise, contents["enterprise"], self.moment)}
        visits = {v.id: v for v in rebuilt(Visit, contents["visit"], self.moment)}
        cases = {c.id: c for c in _cases(contents["founding_case"], self.moment)}

        known = set(self.membership_ids)
        changes = select(
            MembershipChange.id,
            MembershipChange.enterprise_id,
            MembershipChange.counted_on,
            MembershipChange.delta,
        ).where(MembershipChange.seq > self.mark)
        new = [(int(i), (eid, day, int(d))) for i, eid, day, d in session.execute(changes) if i not in known]
        memberships = sorted([*zip(self.membership_ids, self.memberships, strict=True), *new]) if new else []

        # a verdict depends on the enterprise and its own visits only: those the changes touch are judged again
        touched = set(enterprises) | gone["enterprise"] | {v.enterprise_id for v in visits.values()}
        merged_visits, replaced = _merged(self.visits, visits, gone["visit"])
        touched.update(v.enterprise_id for v in replaced)
        fresh = replace(
            self,
            enterprises=_merged(self.enterprises, enterprises, gone["enterprise"])[0],
            visits=merged_visits,
            cases=_merged(self.cases, cases, gone["founding_case"])[0],
            memberships=tuple(m for _, m in memberships) if new else self.memberships,
            membership_ids=tuple(i for i, _ in memberships) if new else self.membership_ids,
            mark=max(mark, self.mark),
            _verdicts={},
            _ward_keys=dict(self._ward_keys),
            _index=None,
            _visit_days=None,
            _added={},
            _periods={},
            _overdue={},
            _cadres={},
            _lock=threading.Lock(),
        )
        fresh._carry_verdicts(self, touched)
        return fresh

    def _carry_verdicts(self, kept: Records, touched: set[str]) -> None:
        with kept._lock:
            days = dict(kept._verdicts)
        if not days:
            return
        again = [e for e in self.enterprises if e.id in touched]
        their_visits = [v for v in self.visits if v.enterprise_id in touched]
        for day, before in days.items():
            now = classify_all(
                again, group_visits(v for v in their_visits if v.visited_on <= day), self.rules, day
            )
            self._verdicts[day] = {e.id: now[e.id] if e.id in now else before[e.id] for e in self.enterprises}


def _cases(contents: Iterable[dict[str, Any]], moment: datetime) -> tuple[FoundingCase, ...]:
    # the bookkeeping moment, as for the rebuilt records: abandoned cases of one day tie alike however read
    return tuple(
        FoundingCase.model_validate({"created_at": moment, "updated_at": moment, **c}) for c in contents
    )


def _in_order(records: Iterable[R]) -> tuple[R, ...]:
    return tuple(sorted(records, key=_by_id))


def _merged(kept: tuple[R, ...], changed: dict[str, R], gone: set[str]) -> tuple[tuple[R, ...], list[R]]:
    """*kept* with the *changed* records in place (by id), the *gone* ones left out, in id order; and the kept
    records replaced or left out. *changed* is left as it was."""
    changed = dict(changed)
    if not changed and not gone:
        return kept, []
    out: list[R] = []
    replaced: list[R] = []
    for r in kept:
        rid = r.id
        if rid in changed:
            replaced.append(r)
            out.append(changed.pop(rid))
        elif rid in gone:
            replaced.append(r)
        else:
            out.append(r)
    if changed:  # new ones: a nearly sorted list sorts in about one pass
        out += changed.values()
        out.sort(key=_by_id)
    return tuple(out), replaced


@dataclass(slots=True)
class _Shared:
    lock: threading.Lock = field(default_factory=threading.Lock)
    version: tuple[Any, ...] | None = None
    records: Records | None = None


_SHARED: weakref.WeakKeyDictionary[Engine, _Shared] = weakref.WeakKeyDictionary()
_SHARED_LOCK = threading.Lock()


def database_version(session: Session) -> tuple[Any, ...]:
    """What the records ``Records`` holds depend on: the database's epoch (a restored database gets a new one), the
    newest change a pull may serve (``queries.head``: every write of a record, and so of a membership change,
    takes the next one) and when the federation's rules (set apart from the records) were set."""
    epoch = select(ServerIdentity.epoch).where(ServerIdentity.id == 1).scalar_subquery()
    rules = select(FederationSetting.updated_at).where(FederationSetting.key == RULES_KEY).scalar_subquery()
    found_epoch, found_rules = session.execute(select(epoch, rules)).one()
    return (found_epoch, head(session), found_rules)


def shared_records(engine: Engine) -> Records:
    """The live records of *engine*'s database, brought up to date when it changed since the last call (see the
    module's docstring): the dashboard's pages and the reports read them without reloading 70,000 records each
    time. The verdicts computed on them are kept with them, by day."""
    with _SHARED_LOCK:
        shared = _SHARED.setdefault(engine, _Shared())
    with shared.lock:  # one load at a time; the requests that wait get its result
        kept, known = shared.records, shared.version
        if kept is not None:  # the common case, unchanged: a plain read (no snapshot to set up and reset)
            with read_session(engine) as session:
                if database_version(session) == known:
                    return kept
        with snapshot_session(engine) as session:  # the version and the records: one snapshot
            version = database_version(session)
            if kept is not None and known == version:
                return kept
            fresh = None
            if kept is not None and known is not None and _only_newer(known, version):
                fresh = kept.refreshed(session, version[1])
            if fresh is None:
                shared.records, shared.version = None, None  # not two copies at once
                fresh = Records.load(session, mark=version[1])
            shared.records, shared.version = fresh, version
        return fresh


def _only_newer(known: tuple[Any, ...], version: tuple[Any, ...]) -> bool:
    """Only records changed since *known*: the same epoch and rules, the head not gone back."""
    return known[0] == version[0] and known[2] == version[2] and version[1] >= known[1]
