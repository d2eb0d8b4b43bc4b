"""Server databases for tests that need more than the fixtures' one: another backend, a backup and its restore.

- ``fresh_database(backend, folder)``: a context manager giving the URL of a new, empty database ("sqlite": a file in
  *folder*; "postgresql": a new database on 127.0.0.1:5432, dropped afterwards). No PostgreSQL: the test is
  skipped with a message, unless FIELDAPP_REQUIRE_POSTGRES=1 (CI), then it fails.
- ``backup(url, folder)`` / ``restore(url, saved)``: a cold backup of the database and putting it back, as an office
  would (SQLite: a copy of the file; PostgreSQL: a copy of the database, ``CREATE DATABASE ... TEMPLATE``). Stop
  the server first: PostgreSQL copies only a database nobody is connected to.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

__all__ = ["OTHER_BACKEND", "backup", "fresh_database", "restore"]

PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
#: the backend a database moves to from each backend
OTHER_BACKEND = {"sqlite": "postgresql", "postgresql": "sqlite"}


def _pg_admin():  # -> psycopg.Connection
    import psycopg

    try:
        return psycopg.connect(
            host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True, connect_timeout=3
        )
    except psycopg.OperationalError as exc:
        message = f"PostgreSQL not reachable at {PG_HOST}:{PG_PORT}: {exc}"
        if os.environ.get("FIELDAPP_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)


def _pg_url(name: str) -> str:
    return f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def _drop(name: str) -> None:
    with contextlib.suppress(Exception), _pg_admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def fresh_database(backend: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty database of *backend*; a PostgreSQL one is dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / f'server-{secrets.token_hex(4)}.sqlite3'}"
        return
    name = f"fieldapp_t_{secrets.token_hex(6)}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _pg_url(name)
    finally:
        _drop(name)


@contextlib.contextmanager
def backup(url: str, folder: Path) -> Iterator[str]:
    """A cold backup of the database at *url* (its server stopped); yields what ``restore`` takes."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        saved = folder / f"backup-{secrets.token_hex(4)}.sqlite3"
        source = contextlib.closing(sqlite3.connect(str(parsed.database)))
        with source as live, contextlib.closing(sqlite3.connect(saved)) as target:
            live.backup(target)  # a consistent copy, the WAL included
        yield str(saved)
        return
    name = f"fieldapp_b_{secrets.token_hex(6)}"
    with _pg_admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{parsed.database}"')
    try:
        yield name
    finally:
        _drop(name)


def restore(url: str, saved: str) -> None:
    """Put the backup *saved* back in place of the database at *url* (its server stopped)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        target = Path(str(parsed.database))
        for suffix in ("-wal", "-shm"):  # the current database's log must not be replayed onto the backup
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(saved, target)
        return
    with _pg_admin() as conn:
        conn.execute(f'DROP DATABASE "{parsed.database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{parsed.database}" TEMPLATE "{saved}"')
