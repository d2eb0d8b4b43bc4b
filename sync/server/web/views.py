"""What the dashboard's pages show, read from the database with the same core code the laptops run.

Verdicts come from ``sync.server.rules.classify_records`` (``fieldapp.core.classify`` with the federation's rules),
search from ``fieldapp.core.search``: the office sees the verdicts and finds the enterprises the laptops do.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, func, select

from fieldapp.core.classify import STATUSES, Classification, classify
from fieldapp.core.records import Enterprise, Visit
from fieldapp.core.search import query_words, search_keys
from fieldapp.core.search import select as search_select
from fieldapp.core.wards import ward_key
from sync.server.db import read_session
from sync.server.models import Record, User
from sync.server.progress import shared_records
from sync.server.rules import classify_records, federation_rules

__all__ = ["PAGE_SIZE", "EnterpriseDetail", "EnterprisePage", "Overview", "enterprise_detail", "enterprise_page",
           "overview"]  # fmt: skip

#: enterprises per page of the list
PAGE_SIZE = 25


@dataclass(frozen=True, slots=True)
class Overview:
    """The overview's figures."""

    enterprises: int
    by_status: dict[str, int]
    has_union: int
    visits_this_month: int
    visited_this_month: int
    users_by_role: dict[str, int]
    month: date


def overview(engine: Engine, today: date) -> Overview:
    """The figures of the overview page, as of *today*: from the records loaded once per change of the database
    (``shared_records``), each read once, and their verdicts on *today*, computed once per day."""
    records = shared_records(engine)
    by_status = Counter(c.status for c in records.verdicts(today).values())
    month = today.replace(day=1)
    this_month = [v for v in records.visits if month <= v.visited_on <= today]
    with read_session(engine) as session:
        roles = dict(
            session.execute(
                select(User.role, func.count()).where(User.revoked_at.is_(None)).group_by(User.role)
            ).all()
        )
    return Overview(
        enterprises=len(records.enterprises),
        by_status={s: by_status.get(s, 0) for s in STATUSES},
        has_union=sum(1 for e in records.enterprises if e.has_union),
        visits_this_month=len(this_month),
        visited_this_month=len({v.enterprise_id for v in this_month}),
        users_by_role={r: int(n) for r, n in sorted(roles.items())},
        month=month,
    )


@dataclass(frozen=True, slots=True)
class EnterprisePage:
    """One page of the filtered enterprise list."""

    rows: list[Classification]
    total: int
    page: int
    pages: int
    #: every ward of the registry (its label as first written), for the filter
    wards: list[str]


def enterprise_page(
    engine: Engine, today: date, *, query: str = "", ward: str = "", status: str = "", page: int = 1
) -> EnterprisePage:
    """The enterprises matching *query* (accents optional), in *ward* and with verdict *status*; page *page*."""
    results = classify_records(engine, today)
    wards: dict[str, str] = {}
    for c in results:
        wards.setdefault(ward_key(c.enterprise.ward), c.enterprise.ward)
    keys = search_keys([c.enterprise for c in results])
    hits = search_select([text for text, _name, _ward in keys], query_words(query))
    wanted_ward = ward_key(ward) if ward.strip() else None
    picked = [
        i
        for i in hits
        if (wanted_ward is None or keys[i][2] == wanted_ward) and (not status or results[i].status == status)
    ]
    # by the folded name, as a reader expects: "Đông Anh" between "Bao bì" and "Gia Thụy", not after "Việt Hưng"
    picked.sort(key=lambda i: (keys[i][1], results[i].enterprise_id))
    chosen = [results[i] for i in picked]
    pages = max(1, -(-len(chosen) // PAGE_SIZE))
    page = min(max(1, page), pages)
    start = (page - 1) * PAGE_SIZE
    return EnterprisePage(
        rows=chosen[start : start + PAGE_SIZE],
        total=len(chosen),
        page=page,
        pages=pages,
        wards=sorted(wards.values(), key=ward_key),
    )


@dataclass(frozen=True, slots=True)
class EnterpriseDetail:
    """One enterprise: its verdict and its visits, newest first."""

    verdict: Classification
    visits: list[Visit]


def enterprise_detail(engine: Engine, enterprise_id: str, today: date) -> EnterpriseDetail | None:
    """The enterprise *enterprise_id* with its verdict and visits, or None when there is no such live one."""
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
    enterprise = Enterprise.model_validate(content)
    visits.sort(key=lambda v: (v.visited_on, v.id), reverse=True)
    return EnterpriseDetail(classify(enterprise, visits, rules, today), visits)
