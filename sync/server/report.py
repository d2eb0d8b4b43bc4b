"""The monthly briefing report (giao ban): by ward and by cadre, the month and the year to date against the targets,
the founding pipeline, the overdue steps and the enterprises ready to found with no case (docs/office.md, "The
monthly report").

Every figure comes from ``sync.server.progress`` (``compute_progress`` on one ``Records`` loaded once for every
ward and cadre), so the report, ``progress`` and the dashboard never disagree. The writers are
``sync.server.report_xlsx`` and ``sync.server.report_pdf``; ``Report.to_dict()`` is the JSON.
"""

from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from fieldapp.core.founding import STEPS, CaseState, FoundingCase, current_case
from fieldapp.core.i18n import N_, Message
from fieldapp.core.records import Enterprise
from fieldapp.core.wards import ward_key
from sync.server.choices import MAX_YEAR, MIN_YEAR
from sync.server.config import federation_name
from sync.server.db import read_session
from sync.server.models import User
from sync.server.progress import (
    OverdueStep,
    Progress,
    Records,
    compute_progress,
    percent,
    scope_enterprises,
    shared_records,
)
from sync.server.recordstore import office_today
from sync.server.targets import Scope, TargetError, TargetInfo, resolve_scope, targets_of

__all__ = [
    "FIGURES",
    "Line",
    "Overdue",
    "ReadyEnterprise",
    "Report",
    "ReportError",
    "build_report",
    "parse_month",
]

#: the figures of a period a line shows, in this order (Progress attributes)
FIGURES = (
    "recognized",
    "members_at_founding",
    "new_members",
    "visits",
    "enterprises_visited",
    "newly_eligible",
)
_MONTH = re.compile(r"(\d{4})-(\d{2})")


class ReportError(TargetError):
    """The report cannot be made: a bad --month, an unknown --ward or --user (the message names the option)."""


def parse_month(text: str, today: date | None = None) -> tuple[date, date]:
    """The first and last day of the month ``YYYY-MM`` (the last: today for the month under way). Raises
    ReportError naming --month for anything else, or a month not begun."""
    found = _MONTH.fullmatch(text.strip())
    if found is None or not 1 <= int(found[2]) <= 12 or not MIN_YEAR <= int(found[1]) <= MAX_YEAR:
        raise ReportError(
            Message(
                N_("--month: {month} is not a month YYYY-MM from {first} to {last}"),
                {"month": repr(text), "first": f"{MIN_YEAR}-01", "last": f"{MAX_YEAR}-12"},
            )
        )
    year, month = int(found[1]), int(found[2])
    first = date(year, month, 1)
    last = date(year, month, calendar.monthrange(year, month)[1])
    today = today or office_today()
    if first > today:
        raise ReportError(
            Message(
                N_("--month: {month} has not begun (today is {today})"),
                {"month": text, "today": today.isoformat()},
            )
        )
    return first, min(last, today)


def _figures(p: Progress) -> dict[str, int]:
    return {name: int(getattr(p, name)) for name in FIGURES}


@dataclass(frozen=True, slots=True)
class Line:
    """One row of a view: a ward, a cadre, or the whole scope of the report."""

    scope: Scope
    label: str
    month: Progress
    year: Progress
    target: TargetInfo | None
    ready: int

    @property
    def target_unions(self) -> int | None:
        return self.target.new_unions if self.target else None

    @property
    def target_members(self) -> int | None:
        return self.target.new_members if self.target else None

    @property
    def unions_percent(self) -> float | None:
        return percent(self.year.recognized, self.target_unions)

    @property
    def members_percent(self) -> float | None:
        return percent(self.year.new_members, self.target_members)

    @property
    def pipeline(self) -> dict[str, int]:
        """Cases by stage as of the month's last day (not abandoned)."""
        return dict(self.month.cases_by_stage)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.scope.to_dict(),
            "label": self.label,
            "month": _figures(self.month),
            "year": _figures(self.year),
            "target": {"new_unions": self.target_unions, "new_members": self.target_members},
            "percent": {"new_unions": self.unions_percent, "new_members": self.members_percent},
            "pipeline": self.pipeline,
            "cases_by_state": dict(self.month.cases_by_state),
            "overdue": len(self.month.overdue),
            "ready": self.ready,
        }


@dataclass(frozen=True, slots=True)
class Overdue:
    """An overdue step with its enterprise's ward."""

    step: OverdueStep
    ward: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.step.to_dict(), "ward": self.ward}


@dataclass(frozen=True, slots=True)
class ReadyEnterprise:
    """An enterprise the core finds eligible on the month's last day, with no case (or only abandoned ones)."""

    enterprise_id: str
    name: str
    tax_code: str | None
    ward: str
    last_visit_on: date | None
    last_cadre: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "enterprise_id": self.enterprise_id,
            "name": self.name,
            "tax_code": self.tax_code,
            "ward": self.ward,
            "last_visit_on": self.last_visit_on.isoformat() if self.last_visit_on else None,
            "last_cadre": self.last_cadre,
        }


@dataclass(frozen=True, slots=True)
class Report:
    """The monthly report: a title block, the whole scope, its wards and cadres, overdue steps, ready enterprises."""

    federation: str
    month: str
    date_from: date
    date_to: date
    year_from: date
    generated_on: date
    total: Line
    wards: tuple[Line, ...]
    cadres: tuple[Line, ...]
    overdue: tuple[Overdue, ...]
    ready: tuple[ReadyEnterprise, ...]

    @property
    def scope(self) -> Scope:
        return self.total.scope

    def to_dict(self) -> dict[str, Any]:
        return {
            "federation": self.federation,
            "month": self.month,
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "year_from": self.year_from.isoformat(),
            "generated_on": self.generated_on.isoformat(),
            "stages": [s.value for s in STEPS],
            "total": self.total.to_dict(),
            "wards": [line.to_dict() for line in self.wards],
            "cadres": [line.to_dict() for line in self.cadres],
            "overdue": [o.to_dict() for o in self.overdue],
            "ready": [r.to_dict() for r in self.ready],
        }


def _ready(records: Records, day: date) -> dict[str, ReadyEnterprise]:
    """The enterprises eligible on *day* (the core's verdict) whose current case, if any, is abandoned."""
    verdicts = records.verdicts(day)
    cases: dict[str, list[FoundingCase]] = {}
    for case in records.cases:
        cases.setdefault(case.enterprise_id, []).append(case)
    ready: dict[str, ReadyEnterprise] = {}
    for e in records.enterprises:
        verdict = verdicts.get(e.id)
        if verdict is None or verdict.status != "eligible":
            continue
        current = current_case(cases.get(e.id, ()))
        if current is not None and current.state is not CaseState.ABANDONED:
            continue
        seen = verdict.visit  # the latest visit up to *day*: the one the verdict rests on
        ready[e.id] = ReadyEnterprise(
            e.id,
            e.name,
            e.tax_code or None,
            e.ward,
            seen.visited_on if seen else None,
            seen.cadre if seen else None,
        )
    return ready


def _ward_scopes(records: Records, chosen: list[str], targets: list[TargetInfo]) -> list[Scope]:
    """A scope for each ward of *chosen* enterprise ids, plus wards with a target; labelled as the target (else
    as most of its enterprises write it)."""
    spellings: dict[str, Counter[str]] = {}
    wanted = set(chosen)
    for e in records.enterprises:
        if e.id in wanted and (key := records.ward_key(e)):
            spellings.setdefault(key, Counter())[e.ward] += 1
    labels = {key: c.most_common(1)[0][0] for key, c in spellings.items()}
    for t in targets:
        if t.scope.ward_key is not None and t.scope.ward is not None:
            labels[t.scope.ward_key] = t.scope.ward
    return [
        Scope(ward_key=k, ward=v) for k, v in sorted(labels.items(), key=lambda kv: (ward_key(kv[1]), kv[0]))
    ]


def _cadres(session: Session) -> list[tuple[str, str]]:
    """Active cadres: (name, label)."""
    rows = session.execute(
        select(User.name, User.full_name)
        .where(User.role == "cadre", User.revoked_at.is_(None))
        .order_by(User.name)
    )
    return [(name, f"{full} ({name})" if full and full != name else name) for name, full in rows]


def _build(session: Session, first: date, last: date, month: str, ward: str | None, user: str | None,
           today: date, federation: str, records: Records | None = None) -> Report:  # fmt: skip
    try:
        scope = resolve_scope(session, ward, user)
    except TargetError as exc:
        raise ReportError(*exc.args) from None
    records = records or Records.load(session)  # once: every line below reads it
    year_from = date(first.year, 1, 1)
    targets = targets_of(session, first.year)
    target_of = {t.scope.key: t for t in targets}
    ready = _ready(records, last)

    def line(s: Scope, label: str, members: dict[str, Enterprise] | None = None) -> Line:
        if members is None:  # the scope's enterprises, once for both periods
            members = {e.id: e for e in scope_enterprises(session, records, s)}
        month_p = compute_progress(session, first, last, s, records, members)
        year_p = compute_progress(session, year_from, last, s, records, members)
        return Line(s, label, month_p, year_p, target_of.get(s.key), sum(1 for i in members if i in ready))

    chosen_members = {e.id: e for e in scope_enterprises(session, records, scope)}
    chosen = list(chosen_members)
    chosen_set = set(chosen)
    label = scope.ward or scope.user or federation
    total = line(scope, label, chosen_members)

    if scope.kind == "federation":
        ward_targets = targets
    else:
        ward_targets = [t for t in targets if t.scope.ward_key == scope.ward_key]
    wards = tuple(line(s, s.ward or "") for s in _ward_scopes(records, chosen, ward_targets))

    cadres: list[Line] = []
    for name, cadre_label in _cadres(session):
        if scope.user is not None and name != scope.user:
            continue
        s = Scope(user=name)
        members = {e.id: e for e in scope_enterprises(session, records, s)}
        if scope.ward_key is not None and not members.keys() & chosen_set:
            continue  # a ward's report: the cadres who work in it
        cadres.append(line(s, cadre_label, members))

    by_id = {e.id: e for e in records.enterprises}
    overdue = tuple(Overdue(o, by_id[o.enterprise_id].ward) for o in total.month.overdue)
    ready_here = sorted(
        (r for eid, r in ready.items() if eid in chosen_set),
        key=lambda r: (records.ward_key(by_id[r.enterprise_id]), r.name, r.enterprise_id),
    )
    return Report(
        federation=federation,
        month=month,
        date_from=first,
        date_to=last,
        year_from=year_from,
        generated_on=today,
        total=total,
        wards=wards,
        cadres=tuple(cadres),
        overdue=overdue,
        ready=tuple(ready_here),
    )


def build_report(
    source: Session | Engine,
    month: str,
    *,
    ward: str | None = None,
    user: str | None = None,
    today: date | None = None,
    federation: str | None = None,
) -> Report:
    """The report of *month* (``YYYY-MM``) for the federation, a ward (*ward*) or a cadre (*user*), from a session
    or an engine. Raises ReportError naming the option (--month, --ward, --user)."""
    today = today or office_today()
    first, last = parse_month(month, today)
    name = federation or federation_name()
    label = f"{first.year:04d}-{first.month:02d}"
    if isinstance(source, Session):
        return _build(source, first, last, label, ward, user, today, name)
    records = shared_records(source)  # the dashboard's copy, loaded again only when the database changed
    with read_session(source) as session:
        return _build(session, first, last, label, ward, user, today, name, records)
