"""The server as a systemd service: the unit file, filled in for this install (``install-service --systemd``).

The template ships in the package (``sync/server/deploy/fieldapp-server.service``) with ``@FIELD@`` placeholders;
this module fills them in: this environment's ``fieldapp-server`` program, the account the service runs as, the
database URL and the ``serve`` options. Nothing here calls systemctl: the command prints what to run.

Choices: the service never runs as root (the server holds every record and faces the network); a database URL with
a password is refused, because a unit file and its environment are readable by every user of the machine
(``systemctl show``): PostgreSQL then authenticates the service's account (peer) or reads its ``~/.pgpass``.
"""

from __future__ import annotations

import getpass
import os
import re
import secrets
import sys
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from sqlalchemy.engine import make_url

from sync.server.config import backend_name

__all__ = [
    "DEFAULT_UNIT_PATH",
    "ServiceError",
    "Unit",
    "default_service_user",
    "check_user",
    "next_steps",
    "render_unit",
    "service_database_url",
    "this_program",
    "write_unit",
]

DEFAULT_UNIT_PATH = Path("/etc/systemd/system/fieldapp-server.service")
_TEMPLATE = ("deploy", "fieldapp-server.service")
# what systemd takes unquoted in a command line (anything else is quoted)
_PLAIN = re.compile(r"[A-Za-z0-9_@+=:,./-]+")


class ServiceError(Exception):
    """The unit cannot be written as asked; the message says why."""


@dataclass(frozen=True)
class Unit:
    """A filled-in unit: its text and what it runs."""

    text: str
    user: str
    database_url: str
    exec_start: str


def this_program() -> list[str]:
    """The command that runs this environment's ``fieldapp-server`` (its script beside this Python, else
    ``python -m sync.server``): the service runs the same install that wrote it."""
    script = Path(sys.executable).parent / ("fieldapp-server.exe" if os.name == "nt" else "fieldapp-server")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "sync.server"]


def default_service_user() -> str:
    """Who runs ``sudo fieldapp-server install-service``, else who runs it."""
    return os.environ.get("SUDO_USER") or getpass.getuser()


def service_database_url(explicit: str | None, user: str) -> str:
    """The database the service uses: *explicit* (made absolute for SQLite), else the default SQLite file in
    *user*'s data folder. A URL with a password is refused (see the module docstring)."""
    from sync.server.config import default_database_url, resolve_database_url

    if explicit is None:
        if user == getpass.getuser():
            return default_database_url()
        home = _home_of(user)
        return f"sqlite:///{home / '.local' / 'share' / 'fieldapp-server' / 'fieldapp-server.sqlite3'}"
    url = resolve_database_url(explicit)
    parsed = make_url(url)
    if parsed.password is not None:
        raise ServiceError(
            "the database URL holds a password, which the unit file would show to every user of this machine: "
            "let PostgreSQL know the service's account (peer authentication over its socket) or give that "
            "account a ~/.pgpass (docs/deploy.md)"
        )
    if backend_name(url) == "sqlite" and parsed.database and not parsed.database.startswith(("file:", ":")):
        # the service starts in another folder: a relative file would be another database
        query = url[url.index("?") :] if "?" in url else ""
        url = f"sqlite:///{Path(parsed.database).expanduser().resolve()}{query}"
    return url


def _home_of(user: str) -> Path:
    try:
        import pwd  # POSIX only, as systemd is
    except ImportError:
        raise ServiceError(
            "a systemd unit is for Linux; on Windows run the server with WinSW (docs/deploy.md)"
        ) from None
    try:
        return Path(pwd.getpwnam(user).pw_dir)
    except KeyError:
        raise ServiceError(
            f"there is no user {user} on this machine; make the service's account first: "
            f"sudo useradd --system --create-home --home-dir /var/lib/fieldapp-server {user}"
        ) from None


def check_user(user: str) -> None:
    """Refuse root, and an account this machine does not have."""
    if user == "root":
        raise ServiceError(
            "the server must not run as root: give --user ACCOUNT, an account of its own (docs/deploy.md)"
        )
    _home_of(user)


def render_unit(
    *,
    user: str,
    database_url: str,
    host: str = "127.0.0.1",
    port: int = 8765,
    workers: int = 1,
    trust_proxy: bool = False,
    certificate: tuple[Path, Path] | None = None,
    program: list[str] | None = None,
) -> Unit:
    """The unit file's text for these settings (the template shipped in the package, filled in); *certificate*:
    (certificate file, key file) for HTTPS."""
    command = [*(program or this_program()), "serve", "--host", host, "--port", str(port)]
    command += ["--workers", str(workers), *(["--trust-proxy"] if trust_proxy else [])]
    if certificate is not None:
        certfile, keyfile = (path.expanduser().resolve() for path in certificate)
        command += ["--ssl-certfile", str(certfile), "--ssl-keyfile", str(keyfile)]
    exec_start = " ".join(_command_word(word) for word in command)
    template = files("sync.server").joinpath(*_TEMPLATE).read_text(encoding="utf-8")
    fields = {
        "@USER@": _specifiers(user),
        "@DATABASE_URL@": _quoted_value(database_url),
        "@EXEC_START@": exec_start,
    }
    lines = []
    for line in template.splitlines(keepends=True):
        if not line.startswith("#"):  # the comments name the fields
            for field, value in fields.items():
                line = line.replace(field, value)
        lines.append(line)
    text = "".join(lines)
    return Unit(text=text, user=user, database_url=database_url, exec_start=exec_start)


def write_unit(unit: Unit, output: Path, *, force: bool = False) -> Path:
    """Write *unit* at *output* (a folder: ``fieldapp-server.service`` in it), whole or not at all; the file's
    path. An existing file is kept unless *force*."""
    target = output / DEFAULT_UNIT_PATH.name if output.is_dir() else output
    if target.exists() and not force:
        raise ServiceError(f"{target} exists; give --force to replace it")
    if not target.parent.is_dir():
        raise ServiceError(f"the folder {target.parent} does not exist")
    part = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        with open(part, "x", encoding="utf-8", newline="\n") as stream:
            stream.write(unit.text)
        os.chmod(part, 0o644)
        os.replace(part, target)
    except OSError as exc:
        raise ServiceError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        part.unlink(missing_ok=True)
    return target


def next_steps(target: Path) -> list[str]:
    """The commands that start the service written at *target* (printed, never run here)."""
    name = target.stem
    steps = []
    if target.parent != DEFAULT_UNIT_PATH.parent:
        steps.append(f"sudo install -m 0644 {target} {DEFAULT_UNIT_PATH.parent}/")
    steps += [
        "sudo systemctl daemon-reload",
        f"sudo systemctl enable --now {name}",
        f"systemctl status {name}",
        f"journalctl -u {name} -f",
    ]
    return steps


def _specifiers(value: str) -> str:
    """*value* with systemd's specifiers (%n, %h, ...) escaped."""
    return value.replace("%", "%%")


def _command_word(word: str) -> str:
    """One word of ExecStart: quoted when it needs to be, ``%`` and ``$`` escaped (systemd expands both)."""
    word = _specifiers(word).replace("$", "$$")
    if _PLAIN.fullmatch(word.replace("%%", "").replace("$$", "")):
        return word
    return '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _quoted_value(value: str) -> str:
    """A value inside ``Environment="NAME=value"``."""
    return _specifiers(value).replace("\\", "\\\\").replace('"', '\\"')
