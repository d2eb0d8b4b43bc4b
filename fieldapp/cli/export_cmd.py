"""``fieldapp export``: enterprises with their classification, visits and founding cases, as CSV, XLSX or JSON."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from fieldapp.cli.context import AppContext, pass_app
from fieldapp.cli.output import guarded, say
from fieldapp.clihelp.pages import HelpCommand
from fieldapp.core.i18n import gettext
from fieldapp.io.export import EXPORT_FORMATS, export_data
from fieldapp.io.founding_table import case_summary

__all__ = ["COMMANDS", "export"]


@click.command("export", cls=HelpCommand)
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True, help="File format.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help=(
        "Where to write. CSV writes three files: PATH (enterprises), PATH-visits (e.g. out-visits.csv) and"
        " PATH-founding (founding cases)."
    ),
)
@pass_app
@guarded
def export(app: AppContext, fmt: str, output: Path) -> None:
    """Export every enterprise (with its classification), every visit and every founding case."""
    with app.open_store(readonly=True) as store:
        enterprises = store.enterprises()
        visits = store.visits()
        cases = store.founding_cases()
        classes = app.classify(enterprises, visits)
    rows = []
    for e in enterprises:
        c = classes[e.id].to_dict()
        for key in ("enterprise_id", "tax_code", "name"):  # already in the record itself
            c.pop(key, None)
        rows.append((e, c))
    visits.sort(key=lambda v: (v.visited_on, v.created_at, v.id))
    by_id = {e.id: e for e in enterprises}
    today = date.today()
    founding = []
    for case in sorted(cases, key=lambda c: (c.committee_on, c.created_at, c.id)):
        target = by_id.get(case.enterprise_id)
        name, tax_code = (target.name, target.tax_code) if target else (None, None)
        founding.append((case, case_summary(case, name, tax_code, app.rules, today)))
    files = export_data(fmt, output, rows, visits, founding, lang=app.lang)
    files_text = ", ".join(map(str, files))
    say(
        gettext(
            "Exported {e} enterprises, {v} visits and {f} founding cases to {files}.",
            app.lang,
            e=len(enterprises),
            v=len(visits),
            f=len(founding),
            files=files_text,
        )
    )


COMMANDS: list[click.Command] = [export]
