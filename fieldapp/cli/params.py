"""Option types shared by the commands: choice values accepted in either language."""

from __future__ import annotations

from typing import Any

import click

from fieldapp.clihelp.usage import Localised, context_lang
from fieldapp.core.i18n import gettext
from fieldapp.core.reasons import status_label
from fieldapp.io.columns import choice_labels, choices, parse_choice

__all__ = [
    "ATTITUDE",
    "CASE_STATE",
    "CLASS_OR_RECORD_STATUS",
    "CLASS_STATUS",
    "OWNERSHIP",
    "STATUS",
    "STEP",
    "STOP_REASON",
    "ChoiceValue",
]


class ChoiceValue(Localised, click.ParamType):
    """A value of a choice field (ownership, status, attitude): its code or its Vietnamese or English label."""

    def __init__(self, field: str):
        self.field = field
        self.name = field

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:  # type: ignore[override]
        return "[" + "|".join(choices(self.field)) + "]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        found = parse_choice(self.field, value)
        if found is None:
            lang = context_lang(ctx)
            message = gettext(
                "“{value}” must be one of: {choices}", lang, value=value, choices=choice_labels(self.field)
            )
            self.fail(message, param, ctx)
        return str(found)


class _Statuses(Localised, click.ParamType):
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
        lang = context_lang(ctx)
        # in English the codes scripts type; in Vietnamese the labels a cadre reads
        names = (
            list(self.class_statuses)
            if lang == "en"
            else [status_label(s, lang) for s in self.class_statuses]
        )
        if self.with_record_status:
            names.append(choice_labels("status").render(lang))
        message = gettext("“{value}” must be one of: {choices}", lang, value=value, choices=", ".join(names))
        self.fail(message, param, ctx)


OWNERSHIP = ChoiceValue("ownership")
STATUS = ChoiceValue("status")
ATTITUDE = ChoiceValue("attitude")
STEP = ChoiceValue("step")
CASE_STATE = ChoiceValue("state")
STOP_REASON = ChoiceValue("state_reason")
CLASS_STATUS = _Statuses(with_record_status=False)
CLASS_OR_RECORD_STATUS = _Statuses(with_record_status=True)
