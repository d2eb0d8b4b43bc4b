"""Reason codes and labels of classification: the one source of truth for their wording (translated by the catalog).

A ``Reason`` keeps its code and the figures behind it; the sentences are formatted only when asked for, so
classifying a whole district stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fieldapp.core.i18n import N_, NC_, Lang, gettext, translate

__all__ = [
    "BASIS_LABELS",
    "DIFFICULTY_FLAGS",
    "FLAG_CODES",
    "NEXT_STEP_TEXTS",
    "PRIORITY_LABELS",
    "REASON_TEXTS",
    "REASON_TITLES",
    "STATUS_CODES",
    "STATUS_LABELS",
    "Reason",
    "basis_label",
    "priority_label",
    "reason_title",
    "status_label",
]

# value -> label (English message id; the context names the table: verdict, priority, basis)
STATUS_LABELS: dict[str, str] = {
    "eligible": NC_("verdict", "Eligible"),
    "not_eligible": NC_("verdict", "Not eligible"),
    "unionized": NC_("verdict", "Has a union"),
    "unknown": NC_("verdict", "Unknown"),
}
PRIORITY_LABELS: dict[str, str] = {
    "high": NC_("priority", "High"),
    "normal": NC_("priority", "Normal"),
    "low": NC_("priority", "Low"),
}
BASIS_LABELS: dict[str, str] = {
    "visit": NC_("basis", "From a visit"),
    "registry": NC_("basis", "From the registry"),
    "none": NC_("basis", "No data"),
}

#: the reason that decided the status (exactly one per classification), in rule order
STATUS_CODES: tuple[str, ...] = (
    "has_union",
    "not_operating",
    "no_data",
    "not_legal_entity",
    "ready_to_found",
    "too_few_stable_workers",
    "enough_stable_workers",
)
#: flags: never change the status, listed after the status reason and drive the priority
FLAG_CODES: tuple[str, ...] = (
    "small_enterprise",
    "mostly_seasonal",
    "family_business",
    "employer_reluctant",
    "employer_hostile",
    "stale_data",
    "unverified",
)
#: the flags that make recruiting harder; two or more of them make the priority low. stale_data and unverified
#: are about how much we know, not about the enterprise, so they do not count.
DIFFICULTY_FLAGS: frozenset[str] = frozenset(
    {"small_enterprise", "mostly_seasonal", "family_business", "employer_reluctant", "employer_hostile"}
)

# short titles for lists and filters: code -> title (context "reason")
REASON_TITLES: dict[str, str] = {
    "has_union": NC_("reason", "Has a union"),
    "not_operating": NC_("reason", "Not operating"),
    "no_data": NC_("reason", "No data"),
    "not_legal_entity": NC_("reason", "Not a legal entity"),
    "ready_to_found": NC_("reason", "Ready to found"),
    "too_few_stable_workers": NC_("reason", "Too few stable workers"),
    "enough_stable_workers": NC_("reason", "Enough stable workers"),
    "small_enterprise": NC_("reason", "Small enterprise"),
    "mostly_seasonal": NC_("reason", "Mostly seasonal"),
    "family_business": NC_("reason", "Family business"),
    "employer_reluctant": NC_("reason", "Employer reluctant"),
    "employer_hostile": NC_("reason", "Employer hostile"),
    "stale_data": NC_("reason", "Stale data"),
    "unverified": NC_("reason", "Unverified"),
}

# code (or "code/variant") -> English template; the Vietnamese one (in the catalog) writes dates {..:%d/%m/%Y}.
REASON_TEXTS: dict[str, str] = {
    "has_union": N_(
        "Already has a grassroots union ({members} members); the task is recruiting more members."
    ),
    "not_operating": N_(
        "The enterprise is not operating (status: {status}); no grassroots union can be founded there."
    ),
    "no_data": N_("No visit and no registered head count yet; it cannot be assessed."),
    "not_legal_entity": N_(
        "Without legal-entity status (e.g. a household business) it cannot host its own grassroots union; its workers can join a CĐCS spanning several employers."
    ),
    "ready_to_found": N_(
        "{applications} workers have applied to join (at least {min_members} needed); a grassroots union can be founded."
    ),
    "too_few_stable_workers": N_(
        "Only {applications} applications and {stable} stable workers; at least {min_members} applications or {min_members} stable workers are needed."
    ),
    "too_few_stable_workers/registry": N_(
        "The registry lists only {stable} workers; at least {min_members} are needed."
    ),
    "enough_stable_workers": N_(
        "{stable} stable workers ({min_members} or more) and {applications} applications so far; a union can be organised there."
    ),
    "enough_stable_workers/registry": N_(
        "The registry lists {stable} workers ({min_members} or more); a union can be organised there."
    ),
    "small_enterprise": N_("Only {headcount} workers, fewer than {small_size}."),
    "mostly_seasonal": N_(
        "{seasonal} of {headcount} workers are seasonal, temporary or on short contracts ({share:.0%}; {limit:.0%} or more)."
    ),
    "family_business": N_("A family business; organising a union there is usually harder."),
    "employer_reluctant": N_("The employer is reluctant (visit of {visited_on:%Y-%m-%d})."),
    "employer_hostile": N_("The employer is hostile (visit of {visited_on:%Y-%m-%d})."),
    "stale_data": N_(
        "The latest visit was on {visited_on:%Y-%m-%d}, more than {stale_months} months ago; the figures may be out of date."
    ),
    "unverified": N_("No visit yet; the {headcount} workers are the registry's figure, not verified."),
}

NEXT_STEP_TEXTS: dict[str, str] = {
    "recruit_members": N_("Recruit more members into the existing union."),
    "check_reopening": N_("If the enterprise reopens, update its status to assess it again."),
    "first_visit": N_("Visit to record the head count, the applications and the employer's attitude."),
    "multi_employer_union": N_("Bring its workers into a CĐCS spanning several employers in the area."),
    "hold_founding_congress": N_(
        "Help the organising committee hold the founding congress and send the recognition dossier to the superior union within 15 working days."
    ),
    "collect_applications": N_(
        "Needs {missing} more applications ({applications} so far, {min_members} needed)."
    ),
    "collect_applications/one": N_(
        "Needs {missing} more application ({applications} so far, {min_members} needed)."
    ),
    "verify_registry": N_(
        "Visit to verify the registry's head count and collect applications ({min_members} needed)."
    ),
    "revisit": N_("Visit again to update the figures (last visit {visited_on:%Y-%m-%d})."),
}


@dataclass(frozen=True, slots=True)
class Reason:
    """A stable ``code`` with the figures behind it; ``vi`` and ``en`` are its sentences."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    #: which wording of the code (e.g. "registry"); "" for the usual one
    variant: str = ""

    def __hash__(self) -> int:
        return hash((self.code, self.variant))

    def text(self, lang: Lang = "vi") -> str:
        """The sentence in *lang*."""
        key = f"{self.code}/{self.variant}" if self.variant else self.code
        template = REASON_TEXTS.get(key) or NEXT_STEP_TEXTS.get(key)
        return self.code if template is None else gettext(template, lang, **self.params)

    @property
    def vi(self) -> str:
        return self.text("vi")

    @property
    def en(self) -> str:
        return self.text("en")

    def title(self, lang: Lang = "vi") -> str:
        """The short title of the code in *lang* (“Enough stable workers”), never the code itself when it has one."""
        return reason_title(self.code, lang)

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "vi": self.vi, "en": self.en}


def _label(table: Mapping[str, str], context: str, value: str, lang: Lang) -> str:
    msgid = table.get(value)
    return value if msgid is None else translate(msgid, lang, context)


def status_label(status: str, lang: Lang = "vi") -> str:
    """The label of a verdict's status, e.g. ``status_label("eligible", "en") == "Eligible"``."""
    return _label(STATUS_LABELS, "verdict", status, lang)


def priority_label(priority: str, lang: Lang = "vi") -> str:
    """The label of a priority (high, normal, low)."""
    return _label(PRIORITY_LABELS, "priority", priority, lang)


def basis_label(basis: str, lang: Lang = "vi") -> str:
    """The label of what a verdict rests on (a visit, the registry, nothing)."""
    return _label(BASIS_LABELS, "basis", basis, lang)


def reason_title(code: str, lang: Lang = "vi") -> str:
    """The short title of a reason code, for lists and filters."""
    return _label(REASON_TITLES, "reason", code, lang)
