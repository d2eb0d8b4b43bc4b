"""``fieldapp`` with no command: open the terminal app on the data folder."""

from __future__ import annotations

import sys

import click

from fieldapp.cli.context import AppContext

__all__ = ["open_app"]


def open_app(ctx: AppContext) -> None:
    """Open the store and run the app; another process holding the store is reported and exits 1."""
    from fieldapp.core.errors import RecordError
    from fieldapp.core.rules import load_rules
    from fieldapp.store import StoreError, StoreLocked
    from fieldapp.tui import create_app

    try:
        settings = ctx.settings
        rules = load_rules(ctx.data_dir)
        store = ctx.open_store()
    except StoreLocked as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    except (StoreError, RecordError) as exc:
        text = exc.describe(ctx.lang) if isinstance(exc, RecordError) else str(exc)
        click.echo(text, err=True)
        sys.exit(1)
    try:
        create_app(store, settings, ctx.data_dir, rules).run()
    finally:
        store.close()
