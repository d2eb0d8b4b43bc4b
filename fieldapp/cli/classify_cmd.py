"""``fieldapp classify``: the stored enterprises, or an outside list (CSV/XLSX) in one step without importing it."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from fieldapp.cli.context import AppContext, pass_app
from fieldapp.cli.helptext import HelpCommand
from fieldapp.cli.output import (
    guarded,
    print_json,
    print_table,
    report_invalid,
    report_sheet,
    report_warnings,
    say,
)
from fieldapp.cli.params import CLASS_STATUS
from fieldapp.core.classify import Classification
from fieldapp.core.errors import Problem
from fieldapp.core.i18n import Lang, gettext
from fieldapp.core.labels import field_label
from fieldapp.core.reasons import priority_label, reason_title, status_label
from fieldapp.files import write_atomic
from fieldapp.io.errors import FileProblem
from fieldapp.io.importer import plan_import
from fieldapp.io.readers import read_table
from fieldapp.io.sheets import csv_text

__all__ = ["COMMANDS", "CSV_COLUMNS", "classify"]

#: the columns of the CSV output (a row of an outside list also carries its spreadsheet row number in "row")
CSV_COLUMNS = (
    "enterprise_id",
    "tax_code",
    "name",
    "ward",
    "status",
    "basis",
    "reasons",
    "priority",
    "status_label",
    "explanation",
)


@click.command("classify", cls=HelpCommand)
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--status", type=CLASS_STATUS, help="Keep only this status.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Output on stdout.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="With FILE: write the result as CSV to this path instead of printing it.",
)
@click.option(
    "--skip-invalid", is_flag=True, help="With FILE: leave out invalid rows instead of refusing the file."
)
@pass_app
@guarded
def classify(
    app: AppContext, file: Path | None, status: str | None, fmt: str, output: Path | None, skip_invalid: bool
) -> None:
    """Classify the stored enterprises, or the enterprises listed in FILE (CSV or XLSX; nothing is imported).

    An outside list has no visits, so it is classified on the registered head count (basis "registry").
    """
    lang = app.lang
    rows_of: dict[str, int] = {}
    warnings_of: dict[int, tuple[Problem, ...]] = {}
    if file is None:
        if output is not None:
            raise click.UsageError(
                "--output needs FILE (for the stored enterprises use --format csv > OUT.csv)"
            )
        with app.open_store(readonly=True) as store:
            results = list(app.classify(store.enterprises(), store.visits()).values())
    else:
        table = read_table(file)
        report_sheet(table, lang)
        plan = plan_import(table, None)
        if plan.invalid:
            report_invalid(plan.invalid, lang)
            if not skip_invalid:
                raise click.exceptions.Exit(1)
        if fmt == "table" and output is None:  # JSON carries them per row; CSV output is for the result only
            report_warnings(plan.warnings, lang)
        warnings_of = {row.number: row.problems for row in plan.warnings}
        rows_of = {e.id: number for number, e in plan.created}
        results = list(app.classify([e for _, e in plan.created], []).values())
    if status is not None:
        results = [c for c in results if c.status == status]
    _say_local_override(app)
    if output is not None:
        try:
            write_atomic(output, _csv(results, rows_of, lang).encode("utf-8-sig"))
        except OSError as exc:  # not the data folder: named as the file it is
            raise FileProblem.unwritable(output, exc) from None
        say(gettext("Classified {n} enterprises into {path}.", lang, n=len(results), path=output))
    elif fmt == "json":
        print_json([_json_row(c, rows_of, warnings_of) for c in results])
    elif fmt == "csv":
        sys.stdout.write(_csv(results, rows_of, lang))
    else:
        _table(results, rows_of, lang)


def _say_local_override(app: AppContext) -> None:
    """On stderr: the thresholds this laptop's own rules.toml sets over the federation's (they may differ from the
    office's verdicts)."""
    rules = app.rules
    if not rules.overridden:
        return
    values = ", ".join(f"{key} = {getattr(rules, key)}" for key in rules.overridden)
    say(
        gettext(
            "Local override: this laptop's rules.toml sets {values}; the office classifies without it.",
            app.lang,
            values=values,
        )
    )


def _json_row(
    c: Classification, rows_of: dict[str, int], warnings_of: dict[int, tuple[Problem, ...]]
) -> dict[str, Any]:
    row = c.to_dict()
    if rows_of:  # an outside list: the made-up id means nothing; the row number does
        row["enterprise_id"] = None
        row["row"] = rows_of[c.enterprise_id]
        row["warnings"] = [p.as_dict() for p in warnings_of.get(row["row"], ())]
    return row


def _csv(results: Sequence[Classification], rows_of: dict[str, int], lang: Lang) -> str:
    columns = (("row",) if rows_of else ()) + CSV_COLUMNS
    rows = []
    for c in results:
        values: dict[str, Any] = {
            "row": rows_of.get(c.enterprise_id),
            "enterprise_id": None if rows_of else c.enterprise_id,
            "tax_code": c.tax_code,
            "name": c.name,
            "ward": c.enterprise.ward,
            "status": c.status,
            "basis": c.basis,
            "reasons": " ".join(c.codes),
            "priority": c.priority,
            "status_label": status_label(c.status, lang),
            "explanation": " ".join(r.text(lang) for r in c.reasons),
        }
        rows.append([values[k] for k in columns])
    # through the one sheet writer: a name from an outside list must not become a formula in the office's Excel
    return csv_text(columns, rows)


def _table(results: Sequence[Classification], rows_of: dict[str, int], lang: Lang) -> None:
    headers = ([gettext("Row", lang)] if rows_of else []) + [
        field_label("tax_code", lang),
        field_label("name", lang),
        gettext("Classification", lang),
        gettext("Priority", lang),
        gettext("Reasons", lang),
    ]
    rows = [
        ([rows_of[c.enterprise_id]] if rows_of else [])
        + [
            c.tax_code or "",
            c.name,
            status_label(c.status, lang),
            priority_label(c.priority, lang),
            "; ".join(reason_title(r.code, lang) for r in c.reasons),
        ]
        for c in results
    ]
    print_table(headers, rows, title=gettext("{n} rows", lang, n=len(rows)))


COMMANDS: list[click.Command] = [classify]
