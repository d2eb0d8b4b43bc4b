"""``fieldapp import FILE``: an enterprise list from the social-insurance or tax office (CSV or XLSX)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from fieldapp.cli.context import AppContext, pass_app
from fieldapp.cli.helptext import HelpCommand
from fieldapp.cli.output import guarded, print_json, say
from fieldapp.io.importer import apply_plan, plan_import
from fieldapp.io.readers import read_table
from fieldapp.io.report import import_json, import_lines

__all__ = ["COMMANDS", "PROGRESS_MIN_ROWS", "import_"]

#: lists shorter than this are read too fast for a progress bar to help
PROGRESS_MIN_ROWS = 500


@click.command("import", cls=HelpCommand)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report what would change; write nothing.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows even when some rows are invalid.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_app
@guarded
def import_(app: AppContext, file: Path, dry_run: bool, skip_invalid: bool, as_json: bool) -> None:
    """Import enterprises from FILE (CSV or XLSX); update those already stored (matched by tax code, else name + ward).

    With any invalid row nothing is written, unless --skip-invalid. Exit code 1 when a row is invalid and nothing
    was written.
    """
    lang = app.lang
    table = read_table(file)
    with (
        app.open_store(readonly=dry_run) as store,
        _progress(len(table.rows), enabled=not as_json) as advance,
    ):
        plan = plan_import(table, store, progress=advance, province=app.settings.province)
        refused = bool(plan.invalid) and not skip_invalid
        written = 0 if dry_run or refused else apply_plan(plan, store)
    if as_json:
        print_json(import_json(plan, table, dry_run, written, refused))
    else:
        for to_stderr, line in import_lines(
            plan, table, lang, dry_run=dry_run, written=written, refused=refused
        ):
            if to_stderr:
                say(line)
            else:
                click.echo(line)
    if refused:
        raise click.exceptions.Exit(1)


@contextmanager
def _progress(total: int, *, enabled: bool) -> Iterator[Callable[[int], None] | None]:
    # A bar only where a person watches: stderr is a terminal, the output is not JSON, and the file is long.
    if not enabled or total < PROGRESS_MIN_ROWS or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("import", total=total)

        def advance(done: int) -> None:
            if done % 100 == 0 or done == total:
                progress.update(task, completed=done)

        yield advance


COMMANDS: list[click.Command] = [import_]
