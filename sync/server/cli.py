"""``fieldapp-server``: serve the API, migrate the database, manage users, export.

Exit codes: 0 done, 1 could not be done (database unreachable, name taken, ...), 2 bad usage. Every command takes
``--database-url`` (else FIELDAPP_SERVER_DATABASE_URL, else SQLite in the user data folder).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from sync.server.config import ENV_DATABASE_URL, ENV_DOCS, display_url, resolve_database_url

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])


def _database_option(func: F) -> F:
    return click.option(
        "--database-url",
        envvar=ENV_DATABASE_URL,
        metavar="URL",
        default=None,
        help=f"SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db (default: ${ENV_DATABASE_URL}, "
        "else SQLite in the user data folder)",
    )(func)


def _json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="print the result as JSON")(func)


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="fieldapp", prog_name="fieldapp-server")
def main() -> None:
    """fieldapp's central server: laptops push visits here and pull the enterprise registry."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option(
    "--port", default=8765, show_default=True, type=click.IntRange(1, 65535), help="port to listen on"
)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="worker processes")
@click.option(
    "--upgrade/--no-upgrade",
    default=True,
    show_default=True,
    help="bring the database to the newest schema before serving",
)
@click.option("--access-log/--no-access-log", default=False, show_default=True, help="log every request")
@click.option(
    "--docs/--no-docs",
    default=True,
    show_default=True,
    envvar=ENV_DOCS,
    help=f"serve the API documentation at /docs, /redoc and /openapi.json (also ${ENV_DOCS}=0)",
)
@click.option(
    "--trust-proxy",
    is_flag=True,
    default=False,
    help="behind a reverse proxy on this machine: take the client's address from its X-Forwarded-For "
    "(for the limit on failed logins); never set it when clients connect directly",
)
@_database_option
def serve(
    host: str,
    port: int,
    workers: int,
    upgrade: bool,
    access_log: bool,
    docs: bool,
    trust_proxy: bool,
    database_url: str | None,
) -> None:
    """Serve the HTTP API (uvicorn)."""
    import uvicorn

    from sync.server.db import DatabaseError, check_migrated, make_engine
    from sync.server.db import upgrade as run_upgrade

    url = resolve_database_url(database_url)
    engine = make_engine(url)
    try:
        if upgrade:
            run_upgrade(url)
        check_migrated(engine)
    except DatabaseError as exc:
        _fail(str(exc))
    finally:
        engine.dispose()
    # every worker process builds its own app and engine from the environment
    os.environ[ENV_DATABASE_URL] = url
    os.environ[ENV_DOCS] = "1" if docs else "0"
    click.echo(f"fieldapp-server on http://{host}:{port} (database: {display_url(url)}, workers: {workers})")
    uvicorn.run(
        "sync.server.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        access_log=access_log,
        # X-Forwarded-For is believed only when asked (from the proxies in $FORWARDED_ALLOW_IPS, else 127.0.0.1):
        # uvicorn's default would let any local process pick the address the login limit counts
        proxy_headers=trust_proxy,
        log_level="info",
        timeout_graceful_shutdown=5,
    )


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@_database_option
@_json_option
def db_upgrade(database_url: str | None, as_json: bool) -> None:
    """Create or migrate the tables to the newest schema (safe to repeat)."""
    from sync.server.db import DatabaseError, upgrade

    url = resolve_database_url(database_url)
    try:
        revision = upgrade(url)
    except DatabaseError as exc:
        _fail(str(exc))
    if as_json:
        _print_json({"database": display_url(url), "revision": revision})
    else:
        click.echo(f"database {display_url(url)} is at schema {revision}")


@db.command("new-epoch")
@_database_option
@_json_option
def db_new_epoch(database_url: str | None, as_json: bool) -> None:
    """Give the database a new identity: every laptop sends its records again and pulls from the start.

    Run it after restoring a backup (before serving), so no laptop keeps a cursor from the lost history.
    """
    from sync.server.db import DatabaseError
    from sync.server.identity import renew_database

    url = resolve_database_url(database_url)
    try:
        epoch = renew_database(url)
    except DatabaseError as exc:
        _fail(str(exc))
    if as_json:
        _print_json({"database": display_url(url), "epoch": epoch})
    else:
        click.echo(f"database {display_url(url)} has the new epoch {epoch}")


@main.group()
def user() -> None:
    """Users and their tokens."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["cadre", "admin"]), default="cadre", show_default=True)
@click.option("--full-name", default=None, help="the person's full name, for lists")
@_database_option
@_json_option
def user_add(name: str, role: str, full_name: str | None, database_url: str | None, as_json: bool) -> None:
    """Add a user and print their token (shown once, as the last line). NAME must be the laptop's cadre name."""
    from sync.server.db import DatabaseError
    from sync.server.users import UserError, add_user

    try:
        token = add_user(resolve_database_url(database_url), name, role=role, full_name=full_name)
    except (UserError, DatabaseError) as exc:
        _fail(str(exc))
    except Exception as exc:  # an un-migrated or unreachable database
        _fail(f"cannot add the user: {exc}; has `fieldapp-server db upgrade` run?")
    if as_json:
        _print_json({"name": name, "role": role, "token": token})
        return
    click.echo(f"user {name!r} ({role}) added; give them this token (it is not shown again):")
    click.echo(token)


@user.command("list")
@_database_option
@_json_option
def user_list(database_url: str | None, as_json: bool) -> None:
    """List users (never their tokens)."""
    from sync.server.users import list_users

    try:
        users = list_users(resolve_database_url(database_url))
    except Exception as exc:
        _fail(f"cannot list users: {exc}")
    if as_json:
        _print_json([u.to_dict() for u in users])
        return
    for u in users:
        state = f"revoked {u.revoked_at:%Y-%m-%d %H:%M}" if u.revoked_at else "active"
        click.echo(f"{u.name}\t{u.role}\t{state}\t{u.full_name or ''}")


@user.command("revoke")
@click.argument("name")
@_database_option
@_json_option
def user_revoke(name: str, database_url: str | None, as_json: bool) -> None:
    """Revoke a user's token at once."""
    from sync.server.users import UserError, revoke_user

    try:
        info = revoke_user(resolve_database_url(database_url), name)
    except UserError as exc:
        _fail(str(exc))
    if as_json:
        _print_json(info.to_dict())
    else:
        click.echo(f"user {info.name!r} revoked")


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), required=True)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="the file to write (for csv: a folder that receives enterprises.csv and visits.csv)",
)
@_database_option
@_json_option
def export_cmd(fmt: str, output: Path, database_url: str | None, as_json: bool) -> None:
    """Export every enterprise and visit with the laptop's field names."""
    from sync.server.db import DatabaseError, check_migrated, make_engine
    from sync.server.export import export

    engine = make_engine(resolve_database_url(database_url))
    try:
        check_migrated(engine)
        counts = export(engine, fmt, output)  # type: ignore[arg-type]
    except (DatabaseError, OSError) as exc:
        _fail(str(exc))
    finally:
        engine.dispose()
    if as_json:
        _print_json({"format": fmt, "output": str(output), **counts})
    else:
        click.echo(f"exported {counts['enterprises']} enterprises and {counts['visits']} visits to {output}")
