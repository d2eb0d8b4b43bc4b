"""Validation problems that name the field and say what is wrong, in Vietnamese and in English.

Exceptions:

    RecordError(ValueError)    a record failed validation; ``.problems`` lists every field at fault
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from fieldapp.core.labels import Lang, field_label

__all__ = ["MESSAGES", "Problem", "RecordError", "custom_error", "problems_from_validation"]

# error code -> (Vietnamese template, English template); templates may use {limit}, {other}, {choices}, {value}.
MESSAGES: dict[str, tuple[str, str]] = {
    "missing": ("bắt buộc phải có", "is required"),
    "blank": ("không được để trống", "must not be empty"),
    "not_a_number": ("phải là số nguyên, không phải “{value}”", "must be a whole number, not “{value}”"),
    "not_text": ("phải là chữ", "must be text"),
    "not_bool": ("phải là có/không, không phải “{value}”", "must be yes/no, not “{value}”"),
    "not_a_date": (
        "phải là ngày dạng YYYY-MM-DD, không phải “{value}”",
        "must be a date as YYYY-MM-DD, not “{value}”",
    ),
    "not_a_datetime": ("phải là thời điểm ISO 8601", "must be an ISO 8601 timestamp"),
    "not_a_uuid": ("phải là mã UUID", "must be a UUID"),
    "too_small": ("không được nhỏ hơn {limit}", "must not be less than {limit}"),
    "too_large": ("không được lớn hơn {limit}", "must not be greater than {limit}"),
    "too_long": ("dài quá {limit} ký tự", "is longer than {limit} characters"),
    "choice": ("phải là một trong: {choices}", "must be one of: {choices}"),
    "unknown_field": ("không phải là trường hợp lệ", "is not a known field"),
    "tax_code_format": (
        "phải gồm 10 chữ số, hoặc 10 chữ số + “-” + 3 chữ số cho chi nhánh (ví dụ 0101234567-001)",
        "must be 10 digits, or 10 digits + “-” + 3 digits for a branch (e.g. 0101234567-001)",
    ),
    "date_in_future": ("không được sau ngày hôm nay ({limit})", "must not be after today ({limit})"),
    "exceeds_headcount": (
        "không được lớn hơn tổng số lao động ({limit})",
        "must not be greater than the head count ({limit})",
    ),
    "seasonal_managers_exceed_headcount": (
        "lao động thời vụ cộng chủ/quản lý ({other}) không được lớn hơn tổng số lao động ({limit})",
        "seasonal workers plus managers ({other}) must not exceed the head count ({limit})",
    ),
    "before_visit": ("không được trước ngày thăm ({limit})", "must not be before the visit date ({limit})"),
    "duplicate_tax_code": (
        "mã số thuế {value} đã có ở doanh nghiệp “{other}”",
        "tax code {value} already belongs to “{other}”",
    ),
    "unknown_enterprise": ("không có doanh nghiệp với mã {value}", "there is no enterprise with id {value}"),
    "bad_url": (
        "phải là địa chỉ http:// hoặc https:// có tên máy, ví dụ https://sync.example.vn",
        "must be an http:// or https:// address with a host, e.g. https://sync.example.vn",
    ),
    "invalid": ("không hợp lệ: {value}", "is not valid: {value}"),
    # import of outside lists (fieldapp.io)
    "duplicate_in_file": (
        "{value} trùng với dòng {other} của tệp",
        "{value} repeats row {other} of the file",
    ),
    "ambiguous_match": (
        "khớp với {other} doanh nghiệp cùng tên và phường/xã; hãy ghi mã số thuế",
        "matches {other} enterprises with this name and ward; give the tax code",
    ),
    # rules.toml (fieldapp.core.rules)
    "rules_syntax": (
        "tệp {value} không phải TOML hợp lệ: {other}",
        "file {value} is not valid TOML: {other}",
    ),
    "unknown_rule": (
        "không phải là quy tắc đã biết; các quy tắc: {choices}",
        "is not a known rule; known rules: {choices}",
    ),
    "not_a_share": (
        "phải là số lớn hơn 0 và không quá 1, không phải “{value}”",
        "must be a number greater than 0 and at most 1, not “{value}”",
    ),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one field."""

    field: str
    code: str
    params: Mapping[str, Any]

    def message(self, lang: Lang = "vi") -> str:
        """The message alone, e.g. ``không được nhỏ hơn 0``."""
        vi, en = MESSAGES.get(self.code, MESSAGES["invalid"])
        template = vi if lang == "vi" else en
        try:
            return template.format(**self.params)
        except (KeyError, IndexError):
            return template

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
        return "; ".join(p.describe(lang) for p in self.problems)

    @property
    def fields(self) -> list[str]:
        return [p.field for p in self.problems]


def custom_error(code: str, **params: Any) -> PydanticCustomError:
    """An error for a pydantic validator, carrying one of our codes (see MESSAGES)."""
    return PydanticCustomError(code, MESSAGES.get(code, MESSAGES["invalid"])[1], params)


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
