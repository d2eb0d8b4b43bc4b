"""What the dashboard's pages show, read from the database with the same core code the laptops run.

Verdicts come from ``sync.server.rules.classify_records`` (``fieldapp.core.classify`` with the federation's rules),
search from ``fieldapp.core.search``: the office sees the verdicts and finds the enterprises the laptops do.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from fieldapp.core.classify import STATUSES, Classification, classify
from fieldapp.core.founding import STEPS, CaseState, FoundingCase, StepStatus, current_case, schedule
from fieldapp.core.records import Enterprise, Visit
from fieldapp.core.search import query_words, search_keys
from fieldapp.core.search import select as search_select
from fieldapp.core.wards import ward_key
from sync.server.areas import in_area
from sync.server.db import read_session
from sync.server.models import Record, User
from sync.server.progress import Progress, Records, TargetProgress, compute_progress, shared_records
from sync.server.rules import classify_records, federation_rules
from sync.server.targets import Scope, targets_of

__all__ = ["PAGE_SIZE", "STAGES", "Cadre", "EnterpriseDetail", "EnterprisePage", "Overview", "enterprise_detail",
           "enterprise_page", "overview", "stage_of"]  # fmt: skip

#: enterprises per page of the list
PAGE_SIZE = 25
#: the founding stages the list filters by: no case, the current case's last step (paused ones too), abandoned
STAGES: tuple[str, ...] = ("none", *(s.value for s in STEPS), CaseState.ABANDONED.value)


@dataclass(frozen=True, slots=True)
class Overview:
    """The overview's figures: the registry today, this month's progress, the year's targets against progress."""

    enterprises: int
    by_status: dict[str, int]
    has_union: int
    users_by_role: dict[str, int]
    month: date
    #: the federation's progress from the month's first day to today (founding cases by stage: as of today)
    this_month: Progress
    #: this year's targets, each with its progress from 1 January to today
    targets: list[TargetProgress]
    #: user name -> full name (or the name), to label the cadres' targets
    people: dict[str, str]

    @property
    def visits_this_month(self) -> int:
        return self.this_month.visits

    @property
    def visited_this_month(self) -> int:
        return self.this_month.enterprises_visited

    @property
    def under_way(self) -> int:
        """Founding cases started and not recognised, paused or abandoned."""
        return (
            sum(n for stage, n in self.this_month.cases_by_stage.items() if stage != "recognized")
            - (self.this_month.cases_by_state["paused"])
        )


def _people(session: Session) -> dict[str, str]:
    return {name: full or name for name, full in session.execute(select(User.name, User.full_name))}


def overview(engine: Engine, today: date, records: Records | None = None) -> Overview:
    """The figures of the overview page, as of *today*: everything is computed by ``sync.server.progress`` (the
    monthly report's figures) and the core's classification, on the records kept while the database does not
    change (``shared_records``; or *records*, e.g. loaded afresh for the office benchmark's baseline)."""
    month = today.replace(day=1)
    year_start = date(today.year, 1, 1)
    records = records or shared_records(engine)
    with read_session(engine) as session:
        this_month = compute_progress(session, month, today, Scope(), records)
        targets = [
            TargetProgress(t, compute_progress(session, year_start, today, t.scope, records))
            for t in targets_of(session, today.year)
        ]
        roles = dict(
            session.execute(
                select(User.role, func.count()).where(User.revoked_at.is_(None)).group_by(User.role)
            ).all()
        )
        people = _people(session)
    by_status = Counter(records.statuses(today).values())
    return Overview(
        enterprises=len(records.enterprises),
        by_status={s: by_status.get(s, 0) for s in STATUSES},
        has_union=sum(1 for e in records.enterprises if e.has_union),
        users_by_role={r: int(n) for r, n in sorted(roles.items())},
        month=month,
        this_month=this_month,
        targets=targets,
        people=people,
    )


def _cases(session: Session, enterprise_id: str | None = None) -> dict[str, list[FoundingCase]]:
    """The live founding cases (of one enterprise, or all), by enterprise id."""
    stmt = select(Record.content).where(Record.kind == "founding_case", Record.deleted.is_(False))
    if enterprise_id is not None:
        stmt = stmt.where(Record.enterprise_id == enterprise_id)
    cases: dict[str, list[FoundingCase]] = {}
    for content in session.scalars(stmt):
        case = FoundingCase.model_validate(content)
        cases.setdefault(case.enterprise_id, []).append(case)
    return cases


def stage_of(case: FoundingCase | None) -> str:
    """Where an enterprise's founding stands, as the list filters it (one of STAGES)."""
    if case is None:
        return "none"
    if case.state is CaseState.ABANDONED:
        return CaseState.ABANDONED.value
    return case.stage.value


@dataclass(frozen=True, slots=True)
class Cadre:
    name: str
    label: str


@dataclass(frozen=True, slots=True)
class EnterprisePage:
    """One page of the filtered enterprise list."""

    rows: list[Classification]
    total: int
    page: int
    pages: int
    #: every ward of the registry (its label as first written), for the filter
    wards: list[str]
    #: the cadres (not revoked), for the filter
    cadres: list[Cadre]
    #: the current founding case of each enterprise of the page that has one
    cases: dict[str, FoundingCase]
    #: the cadre asked for is no cadre: nothing is listed
    unknown_cadre: bool = False


def enterprise_page(
    engine: Engine,
    today: date,
    *,
    query: str = "",
    ward: str = "",
    status: str = "",
    cadre: str = "",
    stage: str = "",
    page: int = 1,
) -> EnterprisePage:
    """The enterprises matching *query* (accents optional), in *ward*, with verdict *status*, in the area of the
    cadre *cadre* (as their laptop pulls it) and at founding stage *stage* (one of STAGES); page *page*."""
    results = classify_records(engine, today)
    with read_session(engine) as session:
        cadres = [
            Cadre(name, full or name)
            for name, full in session.execute(
                select(User.name, User.full_name)
                .where(User.role == "cadre", User.revoked_at.is_(None))
                .order_by(User.name)
            )
        ]
        area: set[str] | None = None
        unknown = False
        if cadre:
            user_id = session.scalar(
                select(User.id).where(User.name == cadre, User.role == "cadre", User.revoked_at.is_(None))
            )
            unknown = user_id is None
            area = set()
            if user_id is not None:
                area = set(
                    session.scalars(
                        select(Record.id).where(
                            Record.kind == "enterprise", Record.deleted.is_(False), in_area(user_id)
                        )
                    )
                )
        current = {eid: current_case(cases) for eid, cases in _cases(session).items()}
    wards: dict[str, str] = {}
    for c in results:
        wards.setdefault(ward_key(c.enterprise.ward), c.enterprise.ward)
    keys = search_keys([c.enterprise for c in results])
    hits = search_select([text for text, _name, _ward in keys], query_words(query))
    wanted_ward = ward_key(ward) if ward.strip() else None
    picked = [
        i
        for i in hits
        if (wanted_ward is None or keys[i][2] == wanted_ward)
        and (not status or results[i].status == status)
        and (area is None or results[i].enterprise_id in area)
        and (not stage or stage_of(current.get(results[i].enterprise_id)) == stage)
    ]
    # by the folded name, as a reader expects: "Đông Anh" between "Bao bì" and "Gia Thụy", not after "Việt Hưng"
    picked.sort(key=lambda i: (keys[i][1], results[i].enterprise_id))
    chosen = [results[i] for i in picked]
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    page = min(max(1, page), pages)
    start = (page - 1) * PAGE_SIZE
    rows = chosen[start : start + PAGE_SIZE]
    return EnterprisePage(
        rows=rows,
        total=len(chosen),
        page=page,
        pages=pages,
        wards=sorted(wards.values(), key=ward_key),
        cadres=cadres,
        cases={c.enterprise_id: case for c in rows if (case := current.get(c.enterprise_id)) is not None},
        unknown_cadre=unknown,
    )


@dataclass(frozen=True, slots=True)
class EnterpriseDetail:
    """One enterprise: its verdict, its visits (newest first) and its founding: the current case with each step's
    date, due date and lateness, and the earlier cases."""

    verdict: Classification
    visits: list[Visit]
    case: FoundingCase | None = None
    timeline: tuple[StepStatus, ...] = ()
    earlier: tuple[FoundingCase, ...] = ()


def enterprise_detail(engine: Engine, enterprise_id: str, today: date) -> EnterpriseDetail | None:
    """The enterprise *enterprise_id* with its verdict, visits and founding, or None when there is no such live
    one."""
    with read_session(engine) as session:
        content = session.scalar(
            select(Record.content).where(
                Record.kind == "enterprise", Record.id == enterprise_id, Record.deleted.is_(False)
            )
        )
        if content is None:
            return None
        rules = federation_rules(session).rules
        visits = [
            Visit.model_validate(c)
            for c in session.scalars(
                select(Record.content).where(
                    Record.kind == "visit", Record.enterprise_id == enterprise_id, Record.deleted.is_(False)
                )
            )
        ]
        cases = _cases(session, enterprise_id).get(enterprise_id, [])
    enterprise = Enterprise.model_validate(content)
    visits.sort(key=lambda v: (v.visited_on, v.id), reverse=True)
    case = current_case(cases)
    earlier = sorted((c for c in cases if c is not case), key=lambda c: (c.committee_on, c.id), reverse=True)
    return EnterpriseDetail(
        classify(enterprise, visits, rules, today),
        visits,
        case,
        schedule(case, rules, today) if case is not None else (),
        tuple(earlier),
    )
