"""Can a grassroots union (CĐCS) be founded at an enterprise now, and if not, why not (docs/rules.md).

``classify`` is a pure, deterministic function of an enterprise, its visits, the rules and today's date.
It validates nothing (the records already are valid) and formats no sentence until one is asked for, so a whole
district classifies in a fraction of a second.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, Literal

from fieldapp.core.i18n import Message
from fieldapp.core.labels import VALUE_LABELS
from fieldapp.core.reasons import DIFFICULTY_FLAGS, Reason
from fieldapp.core.records import Attitude, Enterprise, Visit
from fieldapp.core.rules import Rules

__all__ = [
    "BASES",
    "PRIORITIES",
    "STATUSES",
    "Basis",
    "Classification",
    "Priority",
    "Status",
    "classify",
    "classify_all",
    "group_visits",
    "latest_visit",
    "stale_cutoff",
]

Status = Literal["eligible", "not_eligible", "unionized", "unknown"]
Basis = Literal["visit", "registry", "none"]
Priority = Literal["high", "normal", "low"]
STATUSES: tuple[Status, ...] = ("eligible", "not_eligible", "unionized", "unknown")
BASES: tuple[Basis, ...] = ("visit", "registry", "none")
PRIORITIES: tuple[Priority, ...] = ("high", "normal", "low")

_NO_DATA = Reason("no_data")
_NOT_LEGAL_ENTITY = Reason("not_legal_entity")
_FAMILY = Reason("family_business")
_STEP_RECRUIT = (Reason("recruit_members"),)
_STEP_REOPEN = (Reason("check_reopening"),)
_STEP_FIRST_VISIT = (Reason("first_visit"),)
_STEP_MULTI = (Reason("multi_employer_union"),)
_STEP_CONGRESS = (Reason("hold_founding_congress"),)
_GOOD_ATTITUDES = frozenset({"supportive", "neutral"})
# plain strings for the enum members: reading ``.value`` costs microseconds per call, far more than a lookup
_ATTITUDES: dict[Attitude, str] = {a: a.value for a in Attitude}


@dataclass(frozen=True, slots=True)
class Classification:
    """The verdict on one enterprise: status, the basis of the figures, reasons, priority and next steps."""

    enterprise: Enterprise
    #: the latest visit, the one the verdict rests on (None when there is none)
    visit: Visit | None
    status: Status
    basis: Basis
    #: the reason that decided the status first, then the flags
    reasons: tuple[Reason, ...]
    priority: Priority
    #: what would change the verdict or move it forward
    next_steps: tuple[Reason, ...]
    #: head count and stable workers: from the visit, else the registry's count (None without either)
    headcount: int | None
    stable: int | None

    @property
    def enterprise_id(self) -> str:
        return self.enterprise.id

    @property
    def tax_code(self) -> str | None:
        return self.enterprise.tax_code

    @property
    def name(self) -> str:
        return self.enterprise.name

    @property
    def seasonal(self) -> int | None:
        return self.visit.seasonal if self.visit is not None else None

    @property
    def managers(self) -> int | None:
        return self.visit.managers if self.visit is not None else None

    @property
    def applications(self) -> int | None:
        return self.visit.applications if self.visit is not None else None

    @property
    def attitude(self) -> str | None:
        return _ATTITUDES[self.visit.attitude] if self.visit is not None else None

    @property
    def last_visit_on(self) -> date | None:
        return self.visit.visited_on if self.visit is not None else None

    @property
    def next_visit_on(self) -> date | None:
        return self.visit.next_visit_on if self.visit is not None else None

    @property
    def codes(self) -> tuple[str, ...]:
        """The reason codes, status reason first."""
        return tuple(r.code for r in self.reasons)

    @property
    def seasonal_share(self) -> float | None:
        """Seasonal workers over head count, from the latest visit (None without one or with nobody)."""
        if self.seasonal is None or not self.headcount:
            return None
        return self.seasonal / self.headcount

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready row (the ``fieldapp classify --format json`` row; shape in docs/rules.md)."""
        share = self.seasonal_share
        return {
            "enterprise_id": self.enterprise_id,
            "tax_code": self.tax_code,
            "name": self.name,
            "status": self.status,
            "basis": self.basis,
            "reasons": [r.code for r in self.reasons],
            "priority": self.priority,
            "headcount": self.headcount,
            "seasonal": self.seasonal,
            "managers": self.managers,
            "stable": self.stable,
            "seasonal_share": None if share is None else round(share, 4),
            "applications": self.applications,
            "attitude": self.attitude,
            "last_visit_on": self.last_visit_on.isoformat() if self.last_visit_on else None,
            "next_visit_on": self.next_visit_on.isoformat() if self.next_visit_on else None,
            "visit_id": self.visit.id if self.visit is not None else None,
            "reason_texts": {r.code: {"vi": r.vi, "en": r.en} for r in self.reasons},
            "next_steps": [s.as_dict() for s in self.next_steps],
        }


@lru_cache(maxsize=64)
def stale_cutoff(today: date, months: int) -> date:
    """The day *months* calendar months before *today* (clamped to the month's end); older visits are stale."""
    index = today.year * 12 + today.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


def latest_visit(enterprise_id: str, visits: Iterable[Visit]) -> Visit | None:
    """The latest of the enterprise's *visits*: by visit date, then by when it was recorded (then id, for ties)."""
    best: Visit | None = None
    best_key: tuple[date, Any, str] | None = None
    for visit in visits:
        if visit.enterprise_id != enterprise_id:
            continue  # somebody else's visit never decides this enterprise
        key = (visit.visited_on, visit.created_at, visit.id)
        if best_key is None or key > best_key:
            best, best_key = visit, key
    return best


def group_visits(visits: Iterable[Visit]) -> dict[str, list[Visit]]:
    """Visits grouped by enterprise id (for ``classify_all``)."""
    groups: dict[str, list[Visit]] = {}
    for visit in visits:
        groups.setdefault(visit.enterprise_id, []).append(visit)
    return groups


def classify(enterprise: Enterprise, visits: Iterable[Visit], rules: Rules, today: date) -> Classification:
    """Classify *enterprise* from its latest visit (else its registered head count) under *rules* as of *today*."""
    latest = latest_visit(enterprise.id, visits)
    return _classify(enterprise, latest, rules, stale_cutoff(today, rules.stale_months))


def classify_all(
    enterprises: Iterable[Enterprise],
    visits_by_enterprise: Mapping[str, Sequence[Visit]],
    rules: Rules,
    today: date,
) -> dict[str, Classification]:
    """Classify many enterprises at once: enterprise id -> Classification, in the order given."""
    cutoff = stale_cutoff(today, rules.stale_months)
    empty: Sequence[Visit] = ()
    return {
        e.id: _classify(e, latest_visit(e.id, visits_by_enterprise.get(e.id, empty)), rules, cutoff)
        for e in enterprises
    }


def _classify(e: Enterprise, latest: Visit | None, rules: Rules, cutoff: date) -> Classification:
    min_members = rules.min_members
    headcount: int | None
    seasonal: int | None = None
    managers: int | None = None
    applications: int | None = None
    attitude: str | None = None
    if latest is not None:
        basis: Basis = "visit"
        headcount, seasonal, managers = latest.headcount, latest.seasonal, latest.managers
        stable: int | None = headcount - seasonal - managers
        applications = latest.applications
        attitude = _ATTITUDES[latest.attitude]
    elif e.registered_workers is not None:
        basis = "registry"
        headcount = stable = e.registered_workers
    else:
        basis = "none"
        headcount = stable = None

    # --- flags: never change the status -------------------------------------------------------------
    flags: list[Reason] = []
    stale = False
    if headcount is not None and headcount < rules.small_size:
        flags.append(Reason("small_enterprise", {"headcount": headcount, "small_size": rules.small_size}))
    if seasonal is not None and headcount and seasonal / headcount >= rules.seasonal_share:
        flags.append(
            Reason(
                "mostly_seasonal",
                {
                    "seasonal": seasonal,
                    "headcount": headcount,
                    "share": seasonal / headcount,
                    "limit": rules.seasonal_share,
                },
            )
        )
    if e.family_business:
        flags.append(_FAMILY)
    if latest is not None:
        if attitude == "reluctant":
            flags.append(Reason("employer_reluctant", {"visited_on": latest.visited_on}))
        elif attitude == "hostile":
            flags.append(Reason("employer_hostile", {"visited_on": latest.visited_on}))
        if latest.visited_on < cutoff:
            stale = True
            flags.append(
                Reason("stale_data", {"visited_on": latest.visited_on, "stale_months": rules.stale_months})
            )
    elif basis == "registry":
        flags.append(Reason("unverified", {"headcount": headcount}))

    # --- status: first match wins ------------------------------------------------------------------------
    status: Status
    steps: tuple[Reason, ...]
    variant = "registry" if basis == "registry" else ""
    if e.has_union:
        status, first, steps = "unionized", Reason("has_union", {"members": e.union_members}), _STEP_RECRUIT
    elif e.status != "active":
        shown = Message(VALUE_LABELS[("status", e.status.value)], context="status")
        status, first, steps = "not_eligible", Reason("not_operating", {"status": shown}), _STEP_REOPEN
    elif stable is None:
        status, first, steps = "unknown", _NO_DATA, _STEP_FIRST_VISIT
    elif not e.legal_entity:
        status, first, steps = "not_eligible", _NOT_LEGAL_ENTITY, _STEP_MULTI
    elif applications is not None and applications >= min_members:
        status, steps = "eligible", _STEP_CONGRESS
        first = Reason("ready_to_found", {"applications": applications, "min_members": min_members})
    else:
        figures = {"applications": applications, "stable": stable, "min_members": min_members}
        if stable < min_members:
            status, first = "not_eligible", Reason("too_few_stable_workers", figures, variant)
        else:
            status, first = "eligible", Reason("enough_stable_workers", figures, variant)
        steps = _growth_steps(basis, headcount, managers, applications, min_members)
    if stale and first.code in ("ready_to_found", "too_few_stable_workers", "enough_stable_workers"):
        steps = (*steps, Reason("revisit", {"visited_on": latest.visited_on}))  # type: ignore[union-attr]

    # --- priority ----------------------------------------------------------------------------------------
    priority: Priority
    if first.code == "ready_to_found" or (
        status == "eligible"
        and stable is not None
        and stable >= rules.priority_size
        and attitude in _GOOD_ATTITUDES
    ):
        priority = "high"
    elif attitude == "hostile" or sum(1 for f in flags if f.code in DIFFICULTY_FLAGS) >= 2:
        priority = "low"
    else:
        priority = "normal"

    # positional: keyword arguments would double the cost of building a frozen dataclass
    return Classification(e, latest, status, basis, (first, *flags), priority, steps, headcount, stable)


def _growth_steps(
    basis: Basis, headcount: int | None, managers: int | None, applications: int | None, min_members: int
) -> tuple[Reason, ...]:
    """What would make a not-yet-ready enterprise ready: more applications, a visit, or a multi-employer CĐCS."""
    if basis == "registry" or applications is None:
        return (Reason("verify_registry", {"min_members": min_members}),)
    # owners and managers may not join (HD 03/HD-TLĐ 2020): they can never sign an application
    if (headcount or 0) - (managers or 0) < min_members:
        return _STEP_MULTI
    missing = min_members - applications
    return (
        Reason(
            "collect_applications",
            {
                "missing": missing,
                "applications": applications,
                "min_members": min_members,
            },
            "one" if missing == 1 else "",  # English says "1 more application"
        ),
    )
