"""The founding cases as a table, one row per case: what ``fieldapp export`` and ``fieldapp-server export`` write.

A row holds the case's own fields (each step's date and figures, the state, its reason and note), the enterprise's
name and tax code, the current stage and the first overdue step with its due date. Stage and deadlines come from
``fieldapp.core.founding`` (``FoundingCase.stage``, ``due_steps``) with the rules and day the caller gives; nothing
here decides them again. Values are codes (``congress``, ``paused``), as in the other sheets; headers are the field
labels of ``fieldapp.core.labels`` in the language asked for. Cells are written by the caller through
``fieldapp.io.sheets`` (formulas neutralised).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from fieldapp.core.founding import STEP_FIELDS, FoundingCase, due_steps
from fieldapp.core.i18n import Lang
from fieldapp.core.labels import field_label
from fieldapp.core.rules import Rules

__all__ = ["FOUNDING_COLUMNS", "case_summary", "founding_headers"]

#: the columns of the founding sheet (CSV and XLSX), in order
FOUNDING_COLUMNS: tuple[str, ...] = (
    "id",
    "enterprise_id",
    "name",
    "tax_code",
    "stage",
    "state",
    "state_reason",
    "state_note",
    *(name for fields in STEP_FIELDS.values() for name in fields),
    "overdue_step",
    "overdue_due_on",
)


def case_summary(
    case: FoundingCase, name: str | None, tax_code: str | None, rules: Rules, today: date
) -> dict[str, Any]:
    """What a row adds to the case's own fields: the enterprise's *name* and *tax_code* (None when the enterprise
    is gone), the stage, and the first step overdue as of *today* with its due date (None when none is)."""
    overdue = next((s for s in due_steps(case, rules, today) if s.overdue), None)
    return {
        "name": name,
        "tax_code": tax_code,
        "stage": case.stage.value,
        "overdue_step": overdue.step.value if overdue else None,
        "overdue_due_on": overdue.due_on.isoformat() if overdue and overdue.due_on else None,
    }


def founding_headers(columns: Sequence[str], lang: Lang) -> list[str]:
    """The header of the founding sheet in *lang*: each column's field label."""
    return [field_label(column, lang) for column in columns]
