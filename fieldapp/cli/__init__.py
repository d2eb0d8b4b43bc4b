"""The ``fieldapp`` command line: one click group, one module per command family.

Exit codes: 0 ok, 1 invalid data (a message names the field or row), 2 usage (worded in the user's language by
``LocalisedGroup``, fieldapp/cli/usage.py).
"""

from __future__ import annotations

from typing import cast

import click

from fieldapp.cli.context import AppContext, pass_app
from fieldapp.cli.usage import LocalisedGroup
from fieldapp.core.i18n import LANGUAGES, Lang

__all__ = ["main"]


@click.group(
    cls=LocalisedGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]}
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
    ctx.obj = AppContext(data_dir)
    ctx.obj.lang_override = cast(Lang | None, lang)  # one of LANGUAGES (click checked it), or None
    if ctx.invoked_subcommand is None:
        from fieldapp.cli.tui_cmd import open_app

        open_app(ctx.obj)


def _register() -> None:
    # Each module defines its commands; they are added here so `fieldapp --help` lists them all.
    from fieldapp.cli import (
        classify_cmd,
        config_cmd,
        demo_cmd,
        doctor_cmd,
        enterprise_cmd,
        export_cmd,
        founding_cmd,
        import_cmd,
        sync_cmd,
        visit_cmd,
        wards_cmd,
    )

    for module in (
        enterprise_cmd,
        visit_cmd,
        founding_cmd,
        classify_cmd,
        import_cmd,
        export_cmd,
        config_cmd,
        demo_cmd,
        sync_cmd,
        doctor_cmd,
        wards_cmd,
    ):
        for command in module.COMMANDS:
            main.add_command(command)


_register()
__all__ += ["AppContext", "pass_app"]
