"""``fieldapp export``: enterprises with their classification, and visits, as CSV, XLSX or JSON."""

from __future__ import annotations

from pathlib import Path

import click

from fieldapp.cli.context import AppContext, pass_app
from fieldapp.cli.helptext import HelpCommand
from fieldapp.cli.output import guarded, say
from fieldapp.core.i18n import gettext
from fieldapp.io.export import EXPORT_FORMATS, export_data

__all__ = ["COMMANDS", "export"]


@click.command("export", cls=HelpCommand)
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True, help="File format.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write. CSV writes two files: PATH (enterprises) and PATH-visits (e.g. out-visits.csv).",
)
@pass_app
@guarded
def export(app: AppContext, fmt: str, output: Path) -> None:
    """Export every enterprise (with its classification) and every visit."""
    with app.open_store(readonly=True) as store:
        enterprises = store.enterprises()
        visits = store.visits()
        classes = app.classify(enterprises, visits)
    rows = []
    for e in enterprises:
        c = classes[e.id].to_dict()
        for key in ("enterprise_id", "tax_code", "name"):  # already in the record itself
            c.pop(key, None)
        rows.append((e, c))
    visits.sort(key=lambda v: (v.visited_on, v.created_at, v.id))
    files = export_data(fmt, output, rows, visits)
    files_text = ", ".join(map(str, files))
    say(
        gettext(
            "Exported {e} enterprises and {v} visits to {files}.",
            app.lang,
            e=len(enterprises),
            v=len(visits),
            files=files_text,
        )
    )


COMMANDS: list[click.Command] = [export]
