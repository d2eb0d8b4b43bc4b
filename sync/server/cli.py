"""``fieldapp-server``: serve the API, migrate the database, manage users, export.

Exit codes: 0 done, 1 could not be done (database unreachable, name taken, ...), 2 bad usage. Every command takes
``--database-url`` (else FIELDAPP_SERVER_DATABASE_URL, else SQLite in the user data folder).

Vietnamese first: the run's language is ``--lang``, else ``$FIELDAPP_SERVER_LANG``, else Vietnamese
(``ServerGroup``). ``--help`` pages and click's usage errors are drawn in it by ``fieldapp.clihelp`` (the laptop's
command line does the same); the commands word their messages with ``gettext(…, _lang())``. ``--json`` output is
the same in every language.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from fieldapp.clihelp.usage import LocalisedRoot, context_lang
from fieldapp.core.i18n import LANGUAGES, Lang, Message, gettext
from sync.server.choices import MAX_YEAR, MIN_YEAR, ROLES
from sync.server.config import (
    ENV_DATABASE_URL,
    ENV_DOCS,
    ENV_LANG,
    cli_language,
    display_url,
    resolve_database_url,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


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


class ServerGroup(LocalisedRoot):
    """The ``fieldapp-server`` group: the run's language is ``--lang``, else ``$FIELDAPP_SERVER_LANG``, else
    Vietnamese; its ``--help`` pages and click's usage errors are drawn in it."""

    def language(self, values: Sequence[str | None]) -> Lang:
        (lang,) = values
        return cli_language(lang)


def _lang() -> Lang:
    """The language of the run under way."""
    return context_lang(click.get_current_context(silent=True))


def _words(exc: BaseException, lang: Lang) -> str:
    """What *exc* says, in *lang* when it carries a ``Message`` (else its own words, English)."""
    said = exc.args[0] if len(exc.args) == 1 else None
    return said.render(lang) if isinstance(said, Message) else str(exc)


def _fail(message: str) -> NoReturn:
    """``Lỗi: message`` (``Error:`` in English) on stderr, exit 1; *message* is already in the run's language."""
    prefix = gettext("Error", _lang())
    click.echo(f"{prefix}: {message}", err=True)
    sys.exit(1)


def _fail_with(exc: BaseException) -> NoReturn:
    _fail(_words(exc, _lang()))


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """The version, the sync protocol and the database (the server's data folder is its database)."""
    if not value or ctx.resilient_parsing:
        return
    import fieldapp
    from sync.protocol import PROTOCOL_VERSION

    lang = context_lang(ctx)
    from_env = os.environ.get(ENV_DATABASE_URL)
    origin = f"${ENV_DATABASE_URL}" if from_env else gettext("default: SQLite in the user data folder", lang)
    click.echo(f"fieldapp-server {fieldapp.__version__}")
    click.echo(gettext("Sync protocol: {version}", lang, version=PROTOCOL_VERSION))
    click.echo(
        gettext(
            "Database: {url} ({origin}; a command's --database-url wins)",
            lang,
            url=display_url(resolve_database_url()),
            origin=origin,
        )
    )
    ctx.exit(0)


def _listen_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """How `serve` listens, shared with `install-service`, so a unit never carries a flag `serve` lacks."""
    options = [
        click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on"),
        click.option(
            "--port", default=8765, show_default=True, type=click.IntRange(1, 65535), help="port to listen on"
        ),
        click.option(
            "--workers", default=1, show_default=True, type=click.IntRange(1, 64), help="worker processes"
        ),
        click.option(
            "--trust-proxy",
            is_flag=True,
            default=False,
            help="behind a reverse proxy on this machine: take the client's address from its X-Forwarded-For "
            "(for the limit on failed logins); never set it when clients connect directly",
        ),
        click.option(
            "--ssl-certfile",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            default=None,
            help="serve HTTPS with this certificate (PEM, the chain after it; readable by the server's account); "
            "needs --ssl-keyfile",
        ),
        click.option(
            "--ssl-keyfile",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            default=None,
            help="the certificate's private key (PEM, unencrypted)",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _certificate(certfile: Path | None, keyfile: Path | None) -> tuple[Path, Path] | None:
    """The HTTPS certificate and key, or None for plain HTTP; one without the other is a usage error."""
    if certfile is None and keyfile is None:
        return None
    if certfile is None or keyfile is None:
        raise click.UsageError(gettext("HTTPS needs both --ssl-certfile and --ssl-keyfile", _lang()))
    return certfile, keyfile


@click.group(cls=ServerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    envvar=ENV_LANG,
    default=None,
    help="Language of messages, tables and --help (else Vietnamese). JSON output does not change.",
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Print the version, the sync protocol and the database in use, and exit.",
)
def main(lang: str | None) -> None:
    """fieldapp's central server: laptops push visits here and pull the enterprise registry."""


@main.command()
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
@_listen_options
@_database_option
def serve(
    host: str,
    port: int,
    workers: int,
    upgrade: bool,
    access_log: bool,
    docs: bool,
    trust_proxy: bool,
    ssl_certfile: Path | None,
    ssl_keyfile: Path | None,
    database_url: str | None,
) -> None:
    """Serve the HTTP API (uvicorn); HTTPS with --ssl-certfile and --ssl-keyfile."""
    import uvicorn

    from sync.server.db import DatabaseError, check_migrated, make_engine
    from sync.server.db import upgrade as run_upgrade

    _certificate(ssl_certfile, ssl_keyfile)
    url = resolve_database_url(database_url)
    engine = make_engine(url)
    try:
        if upgrade:
            run_upgrade(url)
        check_migrated(engine)
    except DatabaseError as exc:
        _fail_with(exc)
    finally:
        engine.dispose()
    # every worker process builds its own app and engine from the environment
    os.environ[ENV_DATABASE_URL] = url
    os.environ[ENV_DOCS] = "1" if docs else "0"
    address = ("http" if ssl_certfile is None else "https") + f"://{host}:{port}"
    click.echo(
        gettext(
            "fieldapp-server on {address} (database: {url}, workers: {workers})",
            _lang(),
            address=address,
            url=display_url(url),
            workers=workers,
        )
    )
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
        ssl_certfile=None if ssl_certfile is None else str(ssl_certfile),
        ssl_keyfile=None if ssl_keyfile is None else str(ssl_keyfile),
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
        _fail_with(exc)
    if as_json:
        _print_json({"database": display_url(url), "revision": revision})
    else:
        click.echo(gettext("The database {url} is at schema {revision}.", _lang(), url=display_url(url),
                           revision=revision))  # fmt: skip


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
        _fail_with(exc)
    if as_json:
        _print_json({"database": display_url(url), "epoch": epoch})
    else:
        click.echo(gettext("The database {url} has the new epoch {epoch}.", _lang(), url=display_url(url),
                           epoch=epoch))  # fmt: skip


@main.group()
def user() -> None:
    """Users and their tokens."""


@user.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    default="cadre",
    show_default=True,
    help="admin: everything; cadre: field work in their area; viewer: read-only (office leaders)",
)
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
        _fail_with(exc)
    except Exception as exc:  # an un-migrated or unreachable database
        _fail(
            gettext(
                "cannot add the user: {reason}; has `fieldapp-server db upgrade` run?", _lang(), reason=exc
            )
        )
    if as_json:
        _print_json({"name": name, "role": role, "token": token})
        return
    click.echo(
        gettext(
            "User {name} ({role}) added; give them this token (it is not shown again):",
            _lang(),
            name=repr(name),
            role=role,
        )
    )
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
        _fail(gettext("cannot list users: {reason}", _lang(), reason=exc))
    if as_json:
        _print_json([u.to_dict() for u in users])
        return
    lang = _lang()
    for u in users:
        when = f"{u.revoked_at:%Y-%m-%d %H:%M}" if u.revoked_at else ""
        state = gettext("revoked {when}", lang, when=when) if u.revoked_at else gettext("active", lang)
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
        _fail_with(exc)
    if as_json:
        _print_json(info.to_dict())
    else:
        click.echo(gettext("User {name} revoked.", _lang(), name=repr(info.name)))


@user.command("passwd")
@click.argument("name")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="read the password from the first line of standard input (for scripts), instead of asking twice",
)
@_database_option
def user_passwd(name: str, password_stdin: bool, database_url: str | None) -> None:
    """Set the dashboard password of NAME, an admin or a viewer (cadres get none: they use their laptops)."""
    from sync.server.db import DatabaseError
    from sync.server.users import MIN_PASSWORD, UserError, set_password

    lang = _lang()
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(
            gettext(
                "New dashboard password for {name} (at least {count} characters)",
                lang,
                name=repr(name),
                count=MIN_PASSWORD,
            ),
            hide_input=True,
            confirmation_prompt=gettext("The same password again", lang),
        )
    try:
        info = set_password(resolve_database_url(database_url), name, password)
    except (UserError, DatabaseError) as exc:
        reason = _words(exc, lang)
        _fail(gettext("cannot set the password: {reason}; nothing was changed", lang, reason=reason))
    except Exception as exc:  # an un-migrated or unreachable database
        _fail(
            gettext(
                "cannot set the password: {reason}; has `fieldapp-server db upgrade` run?", lang, reason=exc
            )
        )
    click.echo(
        gettext(
            "The dashboard password of {name} ({role}) is set.", lang, name=repr(info.name), role=info.role
        )
    )


#: who the CLI's changes are recorded as (the record versions' ``updated_by``)
CLI_ACTOR = "fieldapp-server"


def _print_area(area: Any, as_json: bool) -> None:
    lang = _lang()
    for ward in area.unknown_wards:
        warning = gettext(
            "no enterprise of the registry is in ward {ward} (yet); check the spelling", lang, ward=repr(ward)
        )
        prefix = gettext("Warning", lang)
        click.echo(f"{prefix}: {warning}", err=True)
    if as_json:
        _print_json(area.to_dict())
        return
    wards = ", ".join(area.wards) or "-"
    click.echo(
        gettext(
            "{user}: wards {wards}; {count} enterprises assigned directly",
            lang,
            user=area.user,
            wards=wards,
            count=len(area.enterprises),
        )
    )


def _on_database(
    database_url: str | None,
    work: Callable[[Engine], T],
    refused: tuple[type[Exception], ...] = (),
    words: Callable[[Any], str] | None = None,
) -> T:
    """*work* on the database, checked to be at the newest schema first; a database error, or one of *refused*
    (worded by *words*, else in the run's language), ends the command with its message (exit 1)."""
    from sync.server.db import DatabaseError, check_migrated, make_engine

    engine = make_engine(resolve_database_url(database_url))
    try:
        check_migrated(engine)
        return work(engine)
    except DatabaseError as exc:
        _fail_with(exc)
    except refused as exc:
        _fail(words(exc) if words is not None else _words(exc, _lang()))
    finally:
        engine.dispose()


def _area_command(action: Callable[[Engine], Any], database_url: str | None, as_json: bool) -> None:
    from sync.server.areas import AreaError

    _print_area(_on_database(database_url, action, (AreaError,)), as_json)


@main.group()
def area() -> None:
    """Areas: the wards each cadre works (a ward may have several cadres)."""


@area.command("assign")
@click.argument("user_name", metavar="USER")
@click.argument("wards", metavar="WARD...", nargs=-1, required=True)
@_database_option
@_json_option
def area_assign(user_name: str, wards: tuple[str, ...], database_url: str | None, as_json: bool) -> None:
    """Add wards to USER's area. Wards match as the laptop folds text: "thanh nhan" is Phường Thanh Nhàn."""
    from sync.server.areas import assign_wards

    _area_command(lambda engine: assign_wards(engine, user_name, wards, by=CLI_ACTOR), database_url, as_json)


@area.command("unassign")
@click.argument("user_name", metavar="USER")
@click.argument("wards", metavar="WARD...", nargs=-1, required=True)
@_database_option
@_json_option
def area_unassign(user_name: str, wards: tuple[str, ...], database_url: str | None, as_json: bool) -> None:
    """Remove wards from USER's area (all or nothing: a ward not in it refuses the command)."""
    from sync.server.areas import unassign_wards

    _area_command(lambda engine: unassign_wards(engine, user_name, wards), database_url, as_json)


@area.command("list")
@_database_option
@_json_option
def area_list(database_url: str | None, as_json: bool) -> None:
    """Every user's area: wards and enterprises assigned directly."""
    from sync.server.areas import list_areas

    areas = _on_database(database_url, list_areas)
    if as_json:
        _print_json([a.to_dict() for a in areas])
        return
    lang = _lang()
    for a in areas:
        firms = ", ".join(e.tax_code or e.id for e in a.enterprises) or "-"
        wards = gettext("wards: {wards}", lang, wards=", ".join(a.wards) or "-")
        firms = gettext("enterprises: {ids}", lang, ids=firms)
        click.echo(f"{a.user}\t{a.full_name or ''}\t{wards}\t{firms}")


@main.group()
def enterprise() -> None:
    """Enterprises of the registry."""


@enterprise.command("assign")
@click.argument("ref", metavar="TAX_CODE_OR_ID")
@click.argument("user_name", metavar="USER")
@_database_option
@_json_option
def enterprise_assign(ref: str, user_name: str, database_url: str | None, as_json: bool) -> None:
    """Assign one enterprise to USER directly, whatever its ward (a big firm); laptops see it on their next pull."""
    from sync.server.areas import assign_enterprise

    _area_command(
        lambda engine: assign_enterprise(engine, ref, user_name, by=CLI_ACTOR), database_url, as_json
    )


@main.group()
def rules() -> None:
    """The federation's rules: every laptop classifies with them after its next sync."""


@rules.command("show")
@_database_option
@_json_option
def rules_show(database_url: str | None, as_json: bool) -> None:
    """Print the federation's rules file (and, with --json, the thresholds in effect)."""
    from sync.server.db import read_session
    from sync.server.rules import federation_rules

    def read(engine: Engine) -> Any:
        with read_session(engine) as session:
            return federation_rules(session)

    current = _on_database(database_url, read)
    if as_json:
        _print_json(current.to_dict())
        return
    lang = _lang()
    if not current.text.strip():
        click.echo("# " + gettext("no federation rules set: the package's defaults apply", lang))
    click.echo(current.text.rstrip("\n") if current.text.strip() else "")
    in_effect = ", ".join(f"{k} = {v}" for k, v in current.rules.values().items())
    click.echo("# " + gettext("in effect: {rules}", lang, rules=in_effect))


@rules.command("set")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_database_option
@_json_option
def rules_set(file: Path, database_url: str | None, as_json: bool) -> None:
    """Make FILE (a rules.toml, checked exactly like a laptop's) the federation's rules."""
    from fieldapp.core.rules import RulesError
    from sync.server.rules import set_rules

    lang = _lang()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        _fail(gettext("cannot read {file}: {reason}", lang, file=file, reason=exc))
    current = _on_database(
        database_url,
        lambda engine: set_rules(engine, text, by=CLI_ACTOR),
        (RulesError,),
        lambda exc: gettext(
            "{file}: {problems}; nothing was changed",
            lang,
            file=file,
            problems="; ".join(p.describe(lang) for p in exc.problems),
        ),
    )
    if as_json:
        _print_json(current.to_dict())
    else:
        rules_now = ", ".join(f"{k} = {v}" for k, v in current.rules.values().items())
        click.echo(gettext("The federation's rules are now: {rules}", lang, rules=rules_now))


@main.command("classify")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option(
    "--ward", "wards", multiple=True, metavar="W", help="only the enterprises of this ward (repeatable)"
)
@click.option(
    "--user", "user_name", default=None, metavar="U", help="only the enterprises of this user's area"
)
@_database_option
def classify_cmd(fmt: str, wards: tuple[str, ...], user_name: str | None, database_url: str | None) -> None:
    """Classify the registry with the federation's rules, as every laptop does (same JSON as `fieldapp classify`)."""
    from sync.server.areas import AreaError
    from sync.server.recordstore import office_today
    from sync.server.rules import classify_records

    results = _on_database(
        database_url,
        lambda engine: classify_records(engine, office_today(), wards=wards, user=user_name),
        (AreaError,),
    )
    if fmt == "json":
        _print_json([c.to_dict() for c in results])
        return
    from fieldapp.core.text import displayable

    for c in results:
        click.echo(
            f"{displayable(c.enterprise.name)}\t{c.status}\t{c.priority}\t{displayable(c.enterprise.ward)}"
        )


@main.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report what would change; write nothing.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows even when some rows are invalid.")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help="language of the report (default: the run's, as fieldapp-server --lang)",
)
@_database_option
@_json_option
def import_cmd(
    file: Path, dry_run: bool, skip_invalid: bool, lang: str | None, database_url: str | None, as_json: bool
) -> None:
    """Import the registry from FILE (CSV or XLSX, the same columns as `fieldapp import`); update what is stored.

    With any invalid row nothing is written, unless --skip-invalid (exit 1 when nothing was written). Each laptop
    receives the firms of its area on its next sync.
    """
    from fieldapp.core.i18n import as_lang
    from fieldapp.io.errors import FileProblem
    from fieldapp.io.readers import read_table
    from fieldapp.io.report import import_json, import_lines
    from sync.server.registry import ImportAborted, import_registry

    language = as_lang(lang) if lang is not None else _lang()
    try:
        table = read_table(file)
    except FileProblem as exc:
        _fail(exc.message(language))
    outcome = _on_database(
        database_url,
        lambda engine: import_registry(engine, table, dry_run=dry_run, skip_invalid=skip_invalid),
        (ImportAborted,),
        lambda exc: exc.message(language),
    )
    if as_json:
        _print_json(import_json(outcome.plan, table, dry_run, outcome.written, outcome.refused))
    else:
        for to_stderr, line in import_lines(
            outcome.plan, table, language, dry_run=dry_run, written=outcome.written, refused=outcome.refused
        ):
            click.echo(line, err=to_stderr)
    if outcome.refused:
        sys.exit(1)


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx", "json"]), required=True)
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="the file to write (for csv: a folder that receives enterprises.csv, visits.csv and founding.csv)",
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help="language of the founding sheet's header (default: the run's, as fieldapp-server --lang)",
)
@_database_option
@_json_option
def export_cmd(fmt: str, output: Path, lang: str | None, database_url: str | None, as_json: bool) -> None:
    """Export every enterprise, visit and founding case with the laptop's field names."""
    from fieldapp.core.i18n import as_lang
    from sync.server.db import DatabaseError, check_migrated, make_engine
    from sync.server.export import export

    engine = make_engine(resolve_database_url(database_url))
    try:
        check_migrated(engine)
        counts = export(engine, fmt, output, lang=as_lang(lang) if lang else _lang())  # type: ignore[arg-type]
    except (DatabaseError, OSError) as exc:
        _fail_with(exc)
    finally:
        engine.dispose()
    if as_json:
        _print_json({"format": fmt, "output": str(output), **counts})
    else:
        click.echo(
            gettext(
                "Exported {enterprises} enterprises, {visits} visits and {cases} founding cases to {output}.",
                _lang(),
                enterprises=counts["enterprises"],
                visits=counts["visits"],
                cases=counts["founding_cases"],
                output=output,
            )
        )


@main.command("backup")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="the backup file to write (SQLite: a database file; PostgreSQL: pg_dump's custom format)",
)
@click.option("--force", is_flag=True, help="replace the output file if it exists")
@click.option(
    "--pg-dump",
    "pg_dump",
    metavar="PATH",
    default=None,
    help="the pg_dump program for a PostgreSQL database (default: the one on PATH)",
)
@_database_option
@_json_option
def backup_cmd(
    output: Path, force: bool, pg_dump: str | None, database_url: str | None, as_json: bool
) -> None:
    """Back up the database while the server runs: a consistent copy as of one moment.

    SQLite: SQLite's online backup, checked, as one database file. PostgreSQL: pg_dump (restore with pg_restore).
    The file appears only once complete. Restoring, and what laptops do then: docs/deploy.md.
    """
    from sync.server.backup import BackupError, backup

    try:
        result = backup(resolve_database_url(database_url), output, force=force, pg_dump=pg_dump)
    except BackupError as exc:
        _fail_with(exc)
    if as_json:
        _print_json(result.to_dict())
    else:
        click.echo(
            gettext(
                "Backed up {database} (schema {revision}, newest change {head}) to {output} ({size} bytes).",
                _lang(),
                database=result.database,
                revision=result.revision,
                head=result.head,
                output=result.output,
                size=result.size,
            )
        )


@main.command("install-service")
@click.option("--systemd", "systemd", is_flag=True, help="write a systemd unit (Linux)")
@click.option(
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="the unit file, or a folder for fieldapp-server.service; - prints it "
    "(default: /etc/systemd/system/fieldapp-server.service)",
)
@click.option("--force", is_flag=True, help="replace the unit file if it exists")
@click.option(
    "--user",
    "user_name",
    default=None,
    metavar="ACCOUNT",
    help="the account the server runs as, never root (default: whoever runs sudo, else you)",
)
@_listen_options
@_database_option
@_json_option
def install_service(
    systemd: bool,
    output: Path | None,
    force: bool,
    user_name: str | None,
    host: str,
    port: int,
    workers: int,
    trust_proxy: bool,
    ssl_certfile: Path | None,
    ssl_keyfile: Path | None,
    database_url: str | None,
    as_json: bool,
) -> None:
    """Write a service unit that runs `serve` with this install, restarted on failure and at boot.

    It prints the systemctl commands to run and runs none. Windows: docs/deploy.md (WinSW).
    """
    from sync.server.service import (
        DEFAULT_UNIT_PATH,
        ServiceError,
        check_user,
        default_service_user,
        next_steps,
        render_unit,
        service_database_url,
        write_unit,
    )

    lang = _lang()
    if not systemd:
        raise click.UsageError(
            gettext("say which service manager: --systemd (on Windows: docs/deploy.md, WinSW)", lang)
        )
    certificate = _certificate(ssl_certfile, ssl_keyfile)
    user = user_name or default_service_user()
    try:
        check_user(user)
        url = service_database_url(database_url, user)
        unit = render_unit(
            user=user,
            database_url=url,
            host=host,
            port=port,
            workers=workers,
            trust_proxy=trust_proxy,
            certificate=certificate,
        )
        if str(output) == "-":
            click.echo(unit.text, nl=False)
            return
        target = write_unit(unit, output or DEFAULT_UNIT_PATH, force=force)
    except ServiceError as exc:
        _fail_with(exc)
    steps = next_steps(target)
    if as_json:
        _print_json(
            {
                "output": str(target),
                "user": user,
                "database": display_url(url),
                "exec_start": unit.exec_start,
                "commands": steps,
            }
        )
        return
    click.echo(
        gettext(
            "Wrote {file}: {user} runs `{command}` on {url}.",
            lang,
            file=target,
            user=user,
            command=unit.exec_start,
            url=display_url(url),
        )
    )
    click.echo(gettext("To start it now and at every boot, run:", lang))
    for step in steps:
        click.echo(f"  {step}")


@main.group()
def target() -> None:
    """Yearly targets (new CĐCS, new members) for the federation, a ward or a cadre."""


def _year_argument(func: F) -> F:
    return click.argument("year", type=click.IntRange(MIN_YEAR, MAX_YEAR))(func)


def _scope_options(func: F) -> F:
    func = click.option(
        "--user", "user_name", default=None, metavar="U", help="a cadre's target (a user by name)"
    )(func)
    return click.option(
        "--ward", default=None, metavar="W", help='a ward\'s target ("thanh nhan" is Phường Thanh Nhàn)'
    )(func)


def _one_scope(ward: str | None, user_name: str | None) -> None:
    if ward is not None and user_name is not None:
        raise click.UsageError(gettext("give --ward or --user, not both", _lang()))


def _scope_words(scope: Any, lang: Lang) -> str:
    """A target's or a period's scope: "ward W", "user U" or "federation", in *lang*."""
    if scope.ward:
        return gettext("ward {ward}", lang, ward=scope.ward)
    if scope.user:
        return gettext("user {user}", lang, user=scope.user)
    return gettext("federation", lang)


def _print_target(t: Any, reached: dict[str, Any] | None = None) -> None:
    lang = _lang()
    scope = _scope_words(t.scope, lang)

    def figure(name: str) -> str:
        goal = getattr(t, name)
        text = "-" if goal is None else str(goal)
        if reached is None:
            return text
        percent = reached[f"{name}_percent"]
        return f"{reached[name]}/{text}" + ("" if percent is None else f" ({percent:g}%)")

    unions = gettext("new unions: {figure}", lang, figure=figure("new_unions"))
    members = gettext("new members: {figure}", lang, figure=figure("new_members"))
    line = f"{t.year}\t{scope}\t{unions}\t{members}"
    click.echo(line + ("\t" + gettext("to {date}", lang, date=reached["to"]) if reached else ""))


@target.command("set")
@_year_argument
@click.option(
    "--new-unions", type=click.IntRange(0, 1_000_000), default=None, metavar="N", help="new CĐCS recognised"
)
@click.option(
    "--new-members", type=click.IntRange(0, 1_000_000), default=None, metavar="N", help="new union members"
)
@_scope_options
@_database_option
@_json_option
def target_set(
    year: int,
    new_unions: int | None,
    new_members: int | None,
    ward: str | None,
    user_name: str | None,
    database_url: str | None,
    as_json: bool,
) -> None:
    """Set YEAR's targets for the federation (neither --ward nor --user), a ward or a cadre.

    Setting a target again changes the figures given and keeps the others.
    """
    from sync.server.targets import TargetError, set_target

    _one_scope(ward, user_name)
    if new_unions is None and new_members is None:
        raise click.UsageError(gettext("give --new-unions or --new-members (or both)", _lang()))
    info = _on_database(
        database_url,
        lambda engine: set_target(
            engine,
            year,
            new_unions=new_unions,
            new_members=new_members,
            ward=ward,
            user=user_name,
            by=CLI_ACTOR,
        ),
        (TargetError,),
    )
    if as_json:
        _print_json(info.to_dict())
    else:
        _print_target(info)


@target.command("list")
@click.option("--year", type=click.IntRange(2000, 2100), default=None, help="only this year's targets")
@click.option(
    "--progress",
    "with_progress",
    is_flag=True,
    help="show each target beside its year's progress to date (CĐCS recognised, new members)",
)
@_database_option
@_json_option
def target_list(year: int | None, with_progress: bool, database_url: str | None, as_json: bool) -> None:
    """List the targets: the federation's, then the wards', then the cadres', year by year."""
    from sync.server.progress import targets_with_progress
    from sync.server.targets import list_targets

    if not with_progress:
        infos = _on_database(database_url, lambda engine: list_targets(engine, year))
        if as_json:
            _print_json([t.to_dict() for t in infos])
            return
        for t in infos:
            _print_target(t)
        return
    rows = _on_database(database_url, lambda engine: targets_with_progress(engine, year))
    if as_json:
        _print_json([r.to_dict() for r in rows])
        return
    for r in rows:
        _print_target(r.target, r.to_dict()["progress"])


@target.command("delete")
@_year_argument
@_scope_options
@_database_option
@_json_option
def target_delete(
    year: int, ward: str | None, user_name: str | None, database_url: str | None, as_json: bool
) -> None:
    """Delete YEAR's target of the federation, a ward (--ward) or a cadre (--user)."""
    from sync.server.targets import TargetError, delete_target

    _one_scope(ward, user_name)
    info = _on_database(
        database_url, lambda engine: delete_target(engine, year, ward=ward, user=user_name), (TargetError,)
    )
    if as_json:
        _print_json(info.to_dict())
    else:
        lang = _lang()
        scope = info.scope.ward or info.scope.user or gettext("federation", lang)
        click.echo(gettext("Deleted the target: {year}, {scope}.", lang, year=year, scope=scope))


@main.command("progress")
@click.option(
    "--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), required=True, help="first day (YYYY-MM-DD)"
)
@click.option(
    "--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), required=True, help="last day (YYYY-MM-DD)"
)
@_scope_options
@_database_option
@_json_option
def progress_cmd(
    date_from: Any,
    date_to: Any,
    ward: str | None,
    user_name: str | None,
    database_url: str | None,
    as_json: bool,
) -> None:
    """Progress in a period (both days included): CĐCS recognised, new members, visits, newly eligible, cases.

    The definitions: docs/office.md.
    """
    from sync.server.progress import progress
    from sync.server.targets import TargetError

    _one_scope(ward, user_name)
    lang = _lang()
    if date_to.date() < date_from.date():
        to, start = date_to.date().isoformat(), date_from.date().isoformat()
        raise click.BadParameter(
            gettext("{to} is before --from {start}", lang, to=to, start=start), param_hint="--to"
        )
    result = _on_database(
        database_url,
        lambda engine: progress(engine, date_from.date(), date_to.date(), ward=ward, user=user_name),
        (TargetError,),
    )
    if as_json:
        _print_json(result.to_dict())
        return
    who = _scope_words(result.scope, lang)
    click.echo(
        gettext("{scope}, {start} to {end}", lang, scope=who, start=result.date_from, end=result.date_to)
    )
    recognised = gettext(
        "{count} ({members} members at founding)",
        lang,
        count=result.recognized,
        members=result.members_at_founding,
    )
    visits = gettext("{count} ({enterprises} enterprises)", lang, count=result.visits,
                     enterprises=result.enterprises_visited)  # fmt: skip
    rows = [
        (gettext("CĐCS recognised", lang), recognised),
        (gettext("new members", lang), str(result.new_members)),
        (gettext("visits", lang), visits),
        (gettext("newly eligible", lang), str(result.newly_eligible)),
        (gettext("cases by stage", lang), ", ".join(f"{k}: {v}" for k, v in result.cases_by_stage.items())),
        (gettext("cases by state", lang), ", ".join(f"{k}: {v}" for k, v in result.cases_by_state.items())),
        (gettext("overdue steps", lang), str(len(result.overdue))),
    ]
    for name, value in rows:
        click.echo(f"{name}\t{value}")
    for o in result.overdue:
        click.echo(f"  {o.due_on}\t{o.step}\t{o.enterprise}")


@main.command("report")
@click.option("--month", required=True, metavar="YYYY-MM", help="the month (the month under way: to today)")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "pdf", "json"]), required=True)
@click.option("--output", type=click.Path(path_type=Path), required=True, help="the file to write")
@_scope_options
@_database_option
@_json_option
def report_cmd(
    month: str,
    fmt: str,
    output: Path,
    ward: str | None,
    user_name: str | None,
    database_url: str | None,
    as_json: bool,
) -> None:
    """The monthly briefing report: by ward and by cadre, the month and the year to date against the targets, the
    founding pipeline, overdue steps, and the enterprises ready to found with no case.

    The federation's name on it: $FIELDAPP_SERVER_FEDERATION_NAME. The JSON shape: docs/office.md.
    """
    from sync.server.report import ReportError, build_report, parse_month
    from sync.server.report_files import write_report

    _one_scope(ward, user_name)
    lang = _lang()
    try:
        parse_month(month)
    except ReportError as exc:
        raise click.BadParameter(_option_words(exc, lang)[1], param_hint="--month") from None
    folder = output.parent
    if output.is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK):
        raise click.BadParameter(
            gettext(
                "{file}: the folder does not exist or cannot be written to", lang, file=repr(str(output))
            ),
            param_hint="--output",
        )

    def make(engine: Engine) -> Any:
        try:
            return build_report(engine, month, ward=ward, user=user_name)
        except ReportError as exc:
            hint, words = _option_words(exc, lang)
            raise click.BadParameter(words, param_hint=hint) from None

    report = _on_database(database_url, make)
    try:
        size = write_report(report, fmt, output, lang)  # type: ignore[arg-type]
    except OSError as exc:
        reason = exc.strerror or exc
        raise click.BadParameter(
            gettext("cannot write {file}: {reason}", lang, file=repr(str(output)), reason=reason),
            param_hint="--output",
        ) from None
    if as_json:
        _print_json({"format": fmt, "output": str(output), "bytes": size, "month": report.month,
                     **report.scope.to_dict()})  # fmt: skip
    else:
        size_text = f"{size:,}"
        click.echo(
            gettext(
                "Wrote the report of {month} ({format}, {size} bytes) to {output}.",
                lang,
                month=report.month,
                format=fmt,
                size=size_text,
                output=output,
            )
        )


def _option_words(exc: Exception, lang: Lang) -> tuple[str | None, str]:
    """The option a report's refusal names (``--month: …``), and the refusal without it, in *lang*."""
    option, _, words = _words(exc, lang).partition(": ")
    if option.startswith("--") and words:
        return option, words
    return None, _words(exc, lang)
