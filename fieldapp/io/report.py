"""What an import of an outside list says, in words and as JSON: the one report of ``fieldapp import`` (laptop)
and ``fieldapp-server import`` (office), so both speak alike.

``import_lines`` gives ``(to_stderr, text)`` pairs in the user's language: the sheet read, ignored columns, each
invalid row and each row with a warning (stderr), on a dry run each row that would add or update an enterprise
(stdout), then the counts and what was written (stdout).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fieldapp.core.contact import phone_display
from fieldapp.core.i18n import Lang, gettext
from fieldapp.core.labels import VALUE_LABELS, field_label, value_label
from fieldapp.io.export import CLASSIFICATION_COLUMNS, ENTERPRISE_COLUMNS
from fieldapp.io.importer import ImportPlan, InvalidRow
from fieldapp.io.readers import Table

__all__ = [
    "describe_changes",
    "import_json",
    "import_lines",
    "invalid_lines",
    "plan_lines",
    "sheet_lines",
    "warning_lines",
]

_EXPORT_COLUMNS = frozenset(ENTERPRISE_COLUMNS + CLASSIFICATION_COLUMNS)


def import_json(
    plan: ImportPlan, table: Table, dry_run: bool, written: int, refused: bool
) -> dict[str, object]:
    """The ``--json`` report of an import."""
    return {
        "file": str(table.path),
        "sheet": table.sheet,
        "other_sheets": list(table.other_sheets),
        **plan.counts(),
        "invalid_rows": [row.as_dict() for row in plan.invalid],
        "rows": plan.rows(),
        "warning_rows": [row.as_dict() for row in plan.warnings],
        "dry_run": dry_run,
        "written": written,
        "refused": refused,
    }


def sheet_lines(table: Table, lang: Lang) -> list[str]:
    """For a workbook: the sheet that was read, and a warning when other sheets are visible too."""
    if table.sheet is None:
        return []
    lines = [gettext("Sheet read: “{sheet}”.", lang, sheet=table.sheet)]
    if table.other_sheets:
        others = ", ".join(f"“{name}”" for name in table.other_sheets)
        lines.append(
            gettext(
                "Warning: the workbook has other visible sheets ({others}); only “{sheet}” was read.",
                lang,
                others=others,
                sheet=table.sheet,
            )
        )
    return lines


def invalid_lines(rows: Sequence[InvalidRow], lang: Lang) -> list[str]:
    """One line per invalid row: ``dòng 4: Mã số thuế (tax_code): ...``."""
    return [
        gettext("row {row}", lang, row=row.number) + ": " + "; ".join(p.describe(lang) for p in row.problems)
        for row in rows
    ]


def warning_lines(rows: Sequence[InvalidRow], lang: Lang) -> list[str]:
    """One line per row read with a warning: ``dòng 4 (cảnh báo): Mã số thuế ...``."""
    return [
        gettext("row {row} (warning)", lang, row=row.number)
        + ": "
        + "; ".join(p.describe(lang) for p in row.problems)
        for row in rows
    ]


def _shown(name: str, value: Any, lang: Lang) -> str:
    # a value as the user reads it: a choice's label, yes/no, or "(empty)"
    if value is None or value == "":
        return gettext("(empty)", lang)
    if isinstance(value, bool):
        return gettext("yes", lang) if value else gettext("no", lang)
    if (name, value) in VALUE_LABELS:
        return value_label(name, value, lang)
    if name == "contact_phone":
        return phone_display(value)  # stored +84912345678, read 0912 345 678
    return str(value)


def describe_changes(changes: Mapping[str, Sequence[Any]], lang: Lang) -> str:
    """``Phường/Xã: Ngọc Lâm → Ngọc Thụy; Số lao động: 45 → 52``: each field's label, its old and new value.

    The ward's codes are left out when the ward's name changes with them: the name says it."""
    return "; ".join(
        f"{field_label(name, lang)}: {_shown(name, old, lang)} → {_shown(name, new, lang)}"
        for name, (old, new) in changes.items()
        if not (name in ("ward_code", "province_code") and "ward" in changes)
    )


def plan_lines(plan: ImportPlan, lang: Lang) -> list[str]:
    """One line per row that would add or update an enterprise, in file order; an update names each field it
    changes, ``old → new``. (Invalid rows have their own lines, ``invalid_lines``; unchanged rows are counted.)"""
    lines = []
    for row in plan.rows():
        if row["action"] == "create":
            lines.append(gettext("row {row}: would add “{name}”", lang, row=row["row"], name=row["name"]))
        elif row["action"] == "update":
            changes = describe_changes(row["changes"], lang)
            lines.append(
                gettext(
                    "row {row}: would update “{name}”: {changes}",
                    lang,
                    row=row["row"],
                    name=row["name"],
                    changes=changes,
                )
            )
    return lines


def import_lines(
    plan: ImportPlan, table: Table, lang: Lang, *, dry_run: bool, written: int, refused: bool
) -> list[tuple[bool, str]]:
    """The report of an import as ``(to_stderr, line)`` pairs, in *lang*."""
    lines = [(True, line) for line in sheet_lines(table, lang)]
    # our own export's bookkeeping columns are known, not mistakes: name only the unknown ones
    ignored = [h for h in table.ignored_headers if h not in _EXPORT_COLUMNS]
    if ignored:
        lines.append((True, gettext("Ignored columns: {value}", lang, value=", ".join(ignored))))
    lines += [(True, line) for line in invalid_lines(plan.invalid, lang) + warning_lines(plan.warnings, lang)]
    if dry_run:
        lines += [(False, line) for line in plan_lines(plan, lang)]
    lines.append(
        (
            False,
            gettext(
                "Created {created}, updated {updated}, unchanged {unchanged}, invalid {invalid}.",
                lang,
                **plan.counts(),
            ),
        )
    )
    if dry_run:
        lines.append((False, gettext("Dry run: nothing was written.", lang)))
    elif refused:
        lines.append(
            (
                True,
                gettext(
                    "Nothing was written because some rows are invalid (use --skip-invalid to leave them out).",
                    lang,
                ),
            )
        )
    else:
        lines.append((False, gettext("Saved {n} enterprises.", lang, n=written)))
    return lines
