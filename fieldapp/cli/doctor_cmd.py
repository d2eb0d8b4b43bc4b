"""``fieldapp doctor [--repair] [--json]``: check the data folder and, when asked, repair it keeping the originals.

The checks and the repair are the store's (``fieldapp.store.doctor``); this prints them. Exit 0 when nothing is
wrong (after the repair, with ``--repair``), 1 when a problem remains.
"""

from __future__ import annotations

from typing import Any

import click

from fieldapp.cli.context import AppContext, pass_app
from fieldapp.cli.helptext import HelpCommand
from fieldapp.cli.output import guarded, print_json, say
from fieldapp.core.i18n import Lang, gettext
from fieldapp.core.text import displayable
from fieldapp.settings import SETTINGS_FILE
from fieldapp.store.doctor import Finding, examine, needs_rebuild, repair

__all__ = ["COMMANDS", "doctor"]


def _lang(app: AppContext) -> Lang:
    # the doctor reads the settings only when they are there and readable: it never writes a new file
    if app.lang_override is not None:
        return app.lang_override
    if not (app.data_dir / SETTINGS_FILE).is_file():
        return "vi"
    try:
        return app.lang
    except Exception:  # an unreadable settings file is one of the findings, not a reason to stop
        return "vi"


def _print(findings: list[Finding], lang: Lang) -> None:
    for finding in findings:
        mark = "✓" if finding.ok else "✗"
        click.echo(f"{mark} {displayable(finding.message(lang))}")


@click.command("doctor", cls=HelpCommand)
@click.option(
    "--repair",
    "do_repair",
    is_flag=True,
    help="Rebuild the store from the newest good snapshot and the log, after copying every original file "
    "into doctor-backup-<time>/ in the data folder.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: {folder, ok, findings, repair, after}.")
@pass_app
@guarded
def doctor(app: AppContext, do_repair: bool, as_json: bool) -> None:
    """Check the data folder (modes, lock, snapshots, log); with --repair, fix what it can, keeping the originals."""
    lang = _lang(app)
    folder = app.data_dir.expanduser().absolute()
    findings = examine(folder)
    result: dict[str, Any] = {"folder": str(folder), "findings": [f.to_dict(lang) for f in findings]}
    final = findings
    if not as_json:
        _print(findings, lang)
    if do_repair and any(not f.ok for f in findings):
        # StoreLocked when another fieldapp writes the folder: said by guarded, nothing done
        report = repair(folder, rebuild=needs_rebuild(findings))
        final = examine(folder)
        result["repair"] = {
            "backup": None if report.backup is None else str(report.backup),
            "actions": [a.to_dict(lang) for a in report.actions],
        }
        result["after"] = [f.to_dict(lang) for f in final]
        if not as_json:
            click.echo(gettext("Repair:", lang))
            _print(report.actions, lang)
            click.echo(gettext("After the repair:", lang))
            _print(final, lang)
    problems = sum(not f.ok for f in final)
    result["ok"] = problems == 0
    if as_json:
        print_json(result)
    elif problems:
        say(gettext("Problems found: {n}.", lang, n=problems))
        if not do_repair:
            say(gettext("“fieldapp doctor --repair” fixes what it can, keeping the originals.", lang))
    else:
        say(gettext("No problems found in {folder}.", lang, folder=folder))
    if problems:
        raise click.exceptions.Exit(1)


COMMANDS: list[click.Command] = [doctor]
