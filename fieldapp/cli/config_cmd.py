"""``fieldapp config set|get``: the cadre's settings (settings.json in the data folder)."""

from __future__ import annotations

from typing import Any

import click

from fieldapp.cli.context import AppContext, pass_app
from fieldapp.cli.helptext import HelpGroup
from fieldapp.cli.output import CliError, guarded, print_json, print_table, say, yes_no
from fieldapp.core.errors import Problem, RecordError
from fieldapp.core.i18n import Lang, gettext
from fieldapp.core.labels import field_label
from fieldapp.io.columns import parse_bool
from fieldapp.settings import Settings, mask_token

__all__ = ["COMMANDS", "config"]

KEYS = click.Choice(Settings.CONFIG_KEYS)
_BOOL_KEYS = ("verify_tls", "allow_insecure")


def _shown(key: str, value: Any) -> Any:
    return mask_token(value) if key == "token" else value


def _human(value: Any, lang: Lang) -> str:
    if value is None:
        return gettext("(none)", lang)
    if isinstance(value, bool):
        return yes_no(value, lang)
    return str(value)


@click.group(cls=HelpGroup)
def config() -> None:
    """Settings: cadre, language, theme, server, token, verify_tls, allow_insecure, sync_deadline,
    request_deadline, province."""


@config.command("set")
@click.argument("key", type=KEYS)
@click.argument("value")
@click.option(
    "--insecure",
    is_flag=True,
    help="With `server`: accept a plain http:// address on another machine (the token travels unencrypted).",
)
@pass_app
@guarded
def set_(app: AppContext, key: str, value: str, insecure: bool) -> None:
    """Set KEY to VALUE (an empty VALUE clears an optional key)."""
    converted: Any = value.strip()
    if key in _BOOL_KEYS:
        converted = parse_bool(value)
        if converted is None:
            raise RecordError([Problem(key, "not_bool", {"value": value})])
    elif key == "language":
        converted = converted.lower()
    # RecordError names the key when the value is bad (plain http:// to another machine without --insecure too)
    settings = app.settings.updated(key, converted, insecure=insecure)
    if key == "token" and settings.token and settings.server:
        settings = _ask_identity(app, settings)
    app.save_settings(settings)
    shown = _human(_shown(key, getattr(settings, key)), app.lang)
    click.echo(gettext("Set {key} = {value}", app.lang, key=key, value=shown))
    warning = settings.insecure_warning(app.lang) if key == "server" else None
    if warning:
        say(warning)


def _ask_identity(app: AppContext, settings: Settings) -> Settings:
    """The server says whose token this is: the laptop takes that name (visits carry it) and the full name.

    A token the server refuses changes nothing (exit 1); a server out of reach keeps the token, and the next sync
    asks again."""
    from sync.client import SyncAuthError, SyncError, adopt_name, who_am_i

    try:
        identity = who_am_i(settings)
    except SyncAuthError as exc:
        raise CliError("token_refused", detail=exc.message(app.lang)) from None
    except SyncError as exc:
        say(
            gettext(
                "Could not ask the server whose token this is ({detail}); the next sync will.",
                app.lang,
                detail=exc.message(app.lang),
            )
        )
        return settings
    if identity is None:
        return settings
    with (
        app.open_store() as store
    ):  # the cadre's pending visits typed under the old name carry the server's now
        adopt_name(store, settings.cadre, identity)
    click.echo(
        gettext(
            "This token is {full_name} ({name}, {role}): your visits carry the name {name}.",
            app.lang,
            full_name=identity.shown_name,
            name=identity.name,
            role=identity.role,
        )
    )
    return settings.with_identity(identity.name, identity.full_name, identity.role)


@config.command("get")
@click.argument("key", type=KEYS, required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the token masked).")
@pass_app
@guarded
def get(app: AppContext, key: str | None, as_json: bool) -> None:
    """Print KEY's value, or every setting when no KEY is given."""
    settings = app.settings
    keys = (key,) if key else Settings.CONFIG_KEYS
    values = {k: _shown(k, getattr(settings, k)) for k in keys}
    if as_json:
        print_json(values if key is None else values[key])
    elif key is not None:
        value = values[key]
        click.echo("" if value is None else str(value).lower() if isinstance(value, bool) else value)
    else:
        lang = app.lang
        print_table(
            ["", "", ""],
            [(k, field_label(k, lang), _human(v, lang)) for k, v in values.items()],
            show_header=False,
        )


COMMANDS: list[click.Command] = [config]
