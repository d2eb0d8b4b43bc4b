"""Validation problems that name the field and say what is wrong: a code and its figures, worded by the catalog.

Exceptions:

    RecordError(ValueError)    a record failed validation; ``.problems`` lists every field at fault
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from fieldapp.core.i18n import N_, Lang, gettext, translate
from fieldapp.core.labels import field_label

__all__ = ["MESSAGES", "Problem", "RecordError", "custom_error", "problems_from_validation"]

# error code -> English template (a message id: the catalog has its Vietnamese); templates may use {limit},
# {other}, {choices}, {value}.
MESSAGES: dict[str, str] = {
    "missing": N_("is required"),
    "blank": N_("must not be empty"),
    "not_a_number": N_("must be a whole number, not “{value}”"),
    "not_text": N_("must be text"),
    "not_bool": N_("must be yes/no, not “{value}”"),
    "not_a_date": N_("must be a date as YYYY-MM-DD, not “{value}”"),
    "not_a_datetime": N_("must be an ISO 8601 timestamp"),
    "not_a_uuid": N_("must be a UUID"),
    "too_small": N_("must not be less than {limit}"),
    "too_large": N_("must not be greater than {limit}"),
    "too_long": N_("is longer than {limit} characters"),
    "choice": N_("must be one of: {choices}"),
    "unknown_field": N_("is not a known field"),
    "tax_code_format": N_(
        "must be 10 digits, or 10 digits + “-” + 3 digits for a branch (e.g. 0101234567-001)"
    ),
    "phone_format": N_(
        "must be a Vietnamese phone number, e.g. 0912 345 678 or 024 3825 3456, not “{value}”"
    ),
    "email_format": N_("must be an e-mail address like ten@congty.vn, not “{value}”"),
    "date_in_future": N_("must not be after today ({limit})"),
    "exceeds_headcount": N_("must not be greater than the head count ({limit})"),
    "exceeds_who_may_join": N_(
        "must not be greater than the workers who may join ({limit}: the head count minus the managers)"
    ),
    "seasonal_managers_exceed_headcount": N_(
        "seasonal workers plus managers ({other}) must not exceed the head count ({limit})"
    ),
    "before_visit": N_("must not be before the visit date ({limit})"),
    "duplicate_tax_code": N_("tax code {value} already belongs to “{other}”"),
    "unknown_enterprise": N_("there is no enterprise with id {value}"),
    "bad_url": N_("must be an http:// or https:// address with a host, e.g. https://sync.example.vn"),
    "insecure_url": N_(
        "“{value}” is plain http:// to another machine: the access token would travel unencrypted. Use an "
        "https:// address or, only on a network you trust, add --insecure "
        "(`fieldapp config set server URL --insecure`)"
    ),
    "invalid": N_("is not valid: {value}"),
    # the 2025 map of provinces and wards (fieldapp.core.admin_units)
    "unknown_ward": N_(
        "“{value}” is not a ward or commune of {other} on the 2025 map; the closest: {choices}"
    ),
    "unknown_ward_no_suggestion": N_("“{value}” is not a ward or commune of {other} on the 2025 map"),
    "ambiguous_ward": N_(
        "“{value}” names several wards of {other}: {choices}; type the name with its accents"
    ),
    "unknown_ward_code": N_("there is no ward with code {value} on the 2025 map"),
    "unknown_province_code": N_("there is no province with code {value} on the 2025 map"),
    "ward_not_in_province": N_("ward {value} is not in province {other}"),
    "split_ward": N_(
        "old ward “{value}” was split between several wards on 1 July 2025: {choices}; choose one"
    ),
    "control_character": N_("must not contain control characters ({value})"),
    # founding cases (fieldapp.core.founding)
    "step_out_of_order": N_("step out of order: record “{other}” first"),
    "before_previous_step": N_("must not be before the previous step, “{other}” ({limit})"),
    "too_few_for_congress": N_(
        "the founding congress needs at least {limit} applications (the rules' min_members); the case has {value}"
    ),
    "too_few_members": N_("must be at least {limit} (the rules' min_members), not {value}"),
    "case_not_open": N_("the case is {value}: resume it before recording a step"),
    "case_recognized": N_("the case is finished: the union is recognized"),
    "case_state": N_("cannot change a case that is {value} this way"),
    "reason_when_open": N_("an open case has no reason for stopping"),
    "case_exists": N_("the enterprise already has a founding case ({value})"),
    "no_founding_case": N_("“{value}” has no founding case: start one with `fieldapp founding start`"),
    # warnings: shown, never refused
    "tax_code_check_digit": N_(
        "the check digit of {value} does not match: the code may be mistyped, or an old one from the registry"
    ),
    # import of outside lists (fieldapp.io)
    "duplicate_in_file": N_("{value} repeats row {other} of the file"),
    "ambiguous_match": N_("matches {other} enterprises with this name and ward; give the tax code"),
    # rules.toml (fieldapp.core.rules)
    "rules_syntax": N_("file {value} is not valid TOML: {other}"),
    "unknown_rule": N_("is not a known rule; known rules: {choices}"),
    "not_a_share": N_("must be a number greater than 0 and at most 1, not “{value}”"),
    "not_a_date_list": N_("must be a list of dates as YYYY-MM-DD, e.g. [2027-02-03], not “{value}”"),
    # what the central server refuses (sync.server): an account doing what it may not, a stale or odd push
    "forged_cadre": N_("you may only send your own visits ({value}); this visit names another cadre"),
    "not_your_visit": N_("this visit belongs to another cadre; you may not change it"),
    "cadre_changed": N_("the cadre of an existing visit cannot change (it is {value})"),
    "record_deleted": N_("this record was deleted on the server"),
    "unknown_base_version": N_("the server has no version {value} of this record"),
    "id_mismatch": N_("the record's id ({value}) differs from the item's id"),
    "out_of_area": N_(
        "ward “{value}” is not in your area: you may add and edit enterprises of your area only; ask the office "
        "to assign it to you"
    ),
    "assigned_by_office": N_("only the office assigns enterprises to cadres (it is assigned to “{value}”)"),
    # areas (sync.server.areas): the office assigning wards to cadres
    "unknown_area_ward": N_(
        "“{value}” is no ward of the registry or of anyone's area; the closest: {choices}"
    ),
    "unknown_area_ward_no_suggestion": N_("“{value}” is no ward of the registry or of anyone's area"),
    "not_in_area": N_("“{value}” is not in {other}'s area"),
    "unknown_user": N_("there is no user named “{value}”"),
    "viewer_area": N_("{value} is a viewer (read-only): a viewer has no area, and sees everything"),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one field."""

    field: str
    code: str
    params: Mapping[str, Any]

    def message(self, lang: Lang = "vi") -> str:
        """The message alone, e.g. ``không được nhỏ hơn 0``."""
        template = MESSAGES.get(self.code, MESSAGES["invalid"])
        try:
            return gettext(template, lang, **self.params)
        except (KeyError, IndexError):  # a problem that lacks one of its template's figures
            return translate(template, lang)

    def describe(self, lang: Lang = "vi") -> str:
        """The field's label with the message, e.g. ``Lao động thời vụ (seasonal): không được nhỏ hơn 0``."""
        return f"{field_label(self.field, lang)} ({self.field}): {self.message(lang)}"

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "code": self.code, "vi": self.message("vi"), "en": self.message("en")}


class RecordError(ValueError):
    """A record is not valid; ``problems`` names every field at fault."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems: list[Problem] = list(problems)
        super().__init__("; ".join(p.describe("en") for p in self.problems))

    def describe(self, lang: Lang = "vi") -> str:
        """Every problem, each naming its field, in *lang*."""
        return "; ".join(p.describe(lang) for p in self.problems)

    def message(self, lang: Lang = "vi") -> str:
        """The same as ``describe`` (every exception shown to a person has ``message(lang)``)."""
        return self.describe(lang)

    @property
    def fields(self) -> list[str]:
        return [p.field for p in self.problems]


def custom_error(code: str, **params: Any) -> PydanticCustomError:
    """An error for a pydantic validator, carrying one of our codes (see MESSAGES)."""
    return PydanticCustomError(code, MESSAGES.get(code, MESSAGES["invalid"]), params)


_TYPE_TO_CODE = {
    "missing": "missing",
    "string_type": "not_text",
    "string_too_short": "blank",
    "string_too_long": "too_long",
    "int_parsing": "not_a_number",
    "int_type": "not_a_number",
    "int_from_float": "not_a_number",
    "bool_parsing": "not_bool",
    "bool_type": "not_bool",
    "date_parsing": "not_a_date",
    "date_type": "not_a_date",
    "date_from_datetime_parsing": "not_a_date",
    "date_from_datetime_inexact": "not_a_date",
    "datetime_parsing": "not_a_datetime",
    "datetime_type": "not_a_datetime",
    "datetime_from_date_parsing": "not_a_datetime",
    "uuid_parsing": "not_a_uuid",
    "uuid_type": "not_a_uuid",
    "greater_than_equal": "too_small",
    "greater_than": "too_small",
    "less_than_equal": "too_large",
    "less_than": "too_large",
    "enum": "choice",
    "literal_error": "choice",
    "extra_forbidden": "unknown_field",
}


def problems_from_validation(exc: ValidationError) -> list[Problem]:
    """Turn a pydantic ValidationError into our bilingual problems, one per field error."""
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = err.get("loc") or ("__root__",)
        field = ".".join(str(part) for part in loc)
        kind = err["type"]
        ctx = dict(err.get("ctx") or {})
        value = err.get("input")
        if kind in MESSAGES:  # one of ours, raised through custom_error
            code, params = kind, ctx
        else:
            code = _TYPE_TO_CODE.get(kind, "invalid")
            params = {"value": value if code != "invalid" else err.get("msg", "")}
            if "ge" in ctx or "gt" in ctx:
                params["limit"] = ctx.get("ge", ctx.get("gt"))
            if "le" in ctx or "lt" in ctx:
                params["limit"] = ctx.get("le", ctx.get("lt"))
            if "max_length" in ctx:
                params["limit"] = ctx["max_length"]
            if "expected" in ctx:
                params["choices"] = str(ctx["expected"]).replace("'", "").replace(" or ", ", ")
        problems.append(Problem(field=field, code=code, params=params))
    return problems
