"""The ``fieldapp`` command line: one click group, one module per command family.

Exit codes: 0 ok, 1 invalid data (a message names the field or row), 2 usage (worded in the user's language by
``LocalisedGroup``, fieldapp/cli/usage.py).

The commands are listed in ``COMMANDS`` with their module and short help, and imported only when one runs
(``LazyGroup``, fieldapp/cli/lazy.py): ``fieldapp sync`` never imports the terminal app or the import readers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import click

from fieldapp.cli.lazy import LazyCommand, LazyGroup
from fieldapp.core.i18n import LANGUAGES, Lang

if TYPE_CHECKING:
    from fieldapp.cli.context import AppContext, pass_app

__all__ = ["COMMANDS", "AppContext", "main", "pass_app"]

#: every command of ``fieldapp``: its module (with a ``COMMANDS`` list) and the short help ``--help`` lists, which
#: must be the command's own (a test compares them)
COMMANDS: dict[str, LazyCommand] = {
    "classify": LazyCommand(
        "fieldapp.cli.classify_cmd",
        "Classify the stored enterprises, or the enterprises listed in FILE (CSV or XLSX; nothing is imported).",
    ),
    "config": LazyCommand(
        "fieldapp.cli.config_cmd",
        "Settings: cadre, language, theme, server, token, verify_tls, allow_insecure, sync_deadline, "
        "request_deadline, province.",
    ),
    "demo": LazyCommand(
        "fieldapp.cli.demo_cmd",
        "Write demo enterprises, visits and founding cases into the data folder (refused when it already holds "
        "data).",
    ),
    "doctor": LazyCommand(
        "fieldapp.cli.doctor_cmd",
        "Check the data folder (modes, lock, snapshots, log); with --repair, fix what it can, keeping the "
        "originals.",
    ),
    "enterprise": LazyCommand("fieldapp.cli.enterprise_cmd", "Enterprises: add, list, show, edit, delete."),
    "export": LazyCommand(
        "fieldapp.cli.export_cmd",
        "Export every enterprise (with its classification), every visit and every founding case.",
    ),
    "founding": LazyCommand(
        "fieldapp.cli.founding_cmd",
        "Founding a union (thành lập CĐCS), step by step: start, step, pause, resume, abandon, show, list, due, "
        "forms.",
    ),
    "import": LazyCommand(
        "fieldapp.cli.import_cmd",
        "Import enterprises from FILE (CSV or XLSX); update those already stored (matched by tax code, else name "
        "+ ward).",
    ),
    "sync": LazyCommand(
        "fieldapp.cli.sync_cmd", "Push pending records to the central server and pull its changes."
    ),
    "visit": LazyCommand("fieldapp.cli.visit_cmd", "Visits: add, list, edit, delete."),
    "wards": LazyCommand("fieldapp.cli.wards_cmd", "Wards on the 2025 map: the enterprises not on it yet."),
}


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Data folder (else $FIELDAPP_DATA_DIR, else the platform's user data folder).",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language of messages and tables (else the configured one, Vietnamese by default).",
)
@click.option(
    "--version",
    "show_version",
    is_flag=True,
    help="Print the version, the sync protocol and the data folder, and exit.",
)
@click.pass_context
def main(ctx: click.Context, data_dir: str | None, lang: str | None, show_version: bool) -> None:
    """fieldapp: enterprises, visits and CĐCS eligibility for trade-union cadres.

    With no command, opens the terminal app.
    """
    if show_version:
        # not eager, unlike click's own: the data folder it names follows --data-dir wherever it is typed
        from fieldapp.cli.usage import lang_of
        from fieldapp.cli.version import version_lines

        for line in version_lines(data_dir, lang_of(lang, data_dir)):
            click.echo(line)
        ctx.exit(0)

    from fieldapp.cli.context import AppContext

    ctx.obj = AppContext(data_dir)
    ctx.obj.lang_override = cast(Lang | None, lang)  # one of LANGUAGES (click checked it), or None
    if ctx.invoked_subcommand is None:
        from fieldapp.cli.tui_cmd import open_app

        open_app(ctx.obj)


def __getattr__(name: str) -> Any:
    # AppContext and pass_app are still importable from here, without importing the settings for `--help`
    if name in ("AppContext", "pass_app"):
        from fieldapp.cli import context

        return getattr(context, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
