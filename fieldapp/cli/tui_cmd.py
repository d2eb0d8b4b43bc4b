"""``fieldapp`` with no command: open the terminal app on the data folder."""

from __future__ import annotations

import sys

import click

from fieldapp.cli.context import AppContext
from fieldapp.cli.output import current_lang

__all__ = ["open_app"]


def open_app(ctx: AppContext) -> None:
    """Take the store's writer lock and run the app, which paints its first screen and then reads the store; a
    store it cannot open (another process holds it, say) is reported in the cadre's language and exits 1."""
    from fieldapp.core.errors import RecordError
    from fieldapp.store import Store, StoreError
    from fieldapp.tui import create_app

    try:
        settings = ctx.settings
        rules = ctx.rules
        pending = Store.open_later(ctx.data_dir)
    except (StoreError, RecordError) as exc:
        click.echo(exc.message(current_lang()), err=True)
        sys.exit(1)
    app = create_app(pending, settings, ctx.data_dir, rules)
    try:
        app.run()
    finally:
        store = app.opened_store()
        if store is not None:
            try:
                app.keep_home_view()
            finally:
                store.close()
    if app.open_error is not None:
        error = app.open_error
        message = getattr(error, "message", None)
        click.echo(message(current_lang()) if callable(message) else str(error), err=True)
        sys.exit(1)
