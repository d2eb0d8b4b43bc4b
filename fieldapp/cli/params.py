"""Option types shared by the commands: choice values accepted in either language."""

from __future__ import annotations

from typing import Any

import click

from fieldapp.io.columns import choices, parse_choice

__all__ = ["ATTITUDE", "CLASS_OR_RECORD_STATUS", "CLASS_STATUS", "OWNERSHIP", "STATUS", "ChoiceValue"]


class ChoiceValue(click.ParamType):
    """A value of a choice field (ownership, status, attitude): its code or its Vietnamese or English label."""

    def __init__(self, field: str):
        self.field = field
        self.name = field

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:  # type: ignore[override]
        return "[" + "|".join(choices(self.field)) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        found = parse_choice(self.field, value)
        if found is None:
            self.fail(f"“{value}” is not one of: {', '.join(choices(self.field))}", param, ctx)
        return str(found)


class _Statuses(click.ParamType):
    """A classification status, or (when allowed) an enterprise status: the two sets of codes never overlap."""

    name = "status"

    def __init__(self, with_record_status: bool):
        from fieldapp.core.classify import STATUSES

        self.class_statuses: tuple[str, ...] = tuple(STATUSES)
        self.with_record_status = with_record_status

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:  # type: ignore[override]
        names = self.class_statuses + (choices("status") if self.with_record_status else ())
        return "[" + "|".join(names) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        text = str(value).strip().lower().replace("-", "_")
        if text in self.class_statuses:
            return text
        if self.with_record_status:
            found = parse_choice("status", value)
            if found is not None:
                return str(found)
        self.fail(f"“{value}” is not one of: {self.get_metavar(param, ctx)}", param, ctx)  # type: ignore[arg-type]


OWNERSHIP = ChoiceValue("ownership")
STATUS = ChoiceValue("status")
ATTITUDE = ChoiceValue("attitude")
CLASS_STATUS = _Statuses(with_record_status=False)
CLASS_OR_RECORD_STATUS = _Statuses(with_record_status=True)
