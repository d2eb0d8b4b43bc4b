"""``fieldapp`` with no command: open the terminal app on the data folder."""

from __future__ import annotations

import sys

import click

from fieldapp.cli.context import AppContext
from fieldapp.cli.output import current_lang

__all__ = ["open_app"]


def open_app(ctx: AppContext) -> None:
    """Open the store and run the app; a store it cannot open (another process holds it, say) is reported in
    the cadre's language and exits 1."""
    from fieldapp.core.errors import RecordError
    from fieldapp.store import StoreError
    from fieldapp.tui import create_app

    try:
        settings = ctx.settings
        rules = ctx.rules
        store = ctx.open_store()
    except (StoreError, RecordError) as exc:
        click.echo(exc.message(current_lang()), err=True)
        sys.exit(1)
    try:
        create_app(store, settings, ctx.data_dir, rules).run()
    finally:
        store.close()
