"""Engines, transactions and migrations.

SQLite gets WAL mode, a busy timeout and ``BEGIN IMMEDIATE`` for write transactions (so writers queue instead of
failing when a read snapshot goes stale); its file is made readable by the server's account only (0600, in a 0700
folder when the server makes the folder). PostgreSQL gets a connection pool with pre-ping. No engine puts a
statement's parameters in its error messages: they are record content, and messages reach logs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from sync.server.config import display_url

__all__ = [
    "DatabaseError",
    "check_migrated",
    "make_engine",
    "read_session",
    "snapshot_session",
    "upgrade",
    "write_session",
]

SQLITE_BUSY_MS = 30_000
_MIGRATIONS = Path(__file__).with_name("migrations")


class DatabaseError(Exception):
    """The database cannot be used as it is (unreachable, not migrated); the message says what to do."""


def make_engine(url: str) -> Engine:
    """An engine for *url*; SQLite files get their (private) folder and file made, WAL mode and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
            _private_file(Path(parsed.database).expanduser())
        engine = create_engine(
            url,
            hide_parameters=True,
            connect_args={"timeout": SQLITE_BUSY_MS / 1000, "check_same_thread": False},
            pool_size=8,
            json_serializer=_json_dumps,
            json_deserializer=orjson.loads,
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    # no server-side prepared statements: a generic plan for a 500-id IN list was 10x slower than a custom one
    return create_engine(
        url,
        hide_parameters=True,
        pool_size=10,
        max_overflow=20,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args={"prepare_threshold": None},
        json_serializer=_json_dumps,
        json_deserializer=orjson.loads,
    )


def _private_file(path: Path) -> None:
    """Make the SQLite file *path* (empty: SQLite takes it as a new database) 0600, and its folder 0700 if it is
    made here, before SQLite would create them with the umask's 0644 and 0755. Its -wal and -shm files take the
    database file's mode (SQLite does so). An existing file is left as it is."""
    if not path.parent.exists():
        path.parent.parent.mkdir(parents=True, exist_ok=True)
        path.parent.mkdir(mode=0o700, exist_ok=True)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # take transaction control away from the sqlite3 module (SQLAlchemy's documented recipe): we emit BEGIN
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql(conn.get_execution_options().get("sqlite_begin", "BEGIN"))


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session for one write transaction (BEGIN IMMEDIATE on SQLite); commits on success, rolls back on error."""
    conn = engine.connect().execution_options(sqlite_begin="BEGIN IMMEDIATE")
    with conn, Session(bind=conn) as session, session.begin():
        yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reads (a deferred transaction on SQLite, so it never blocks writers)."""
    with Session(engine) as session, session.begin():
        yield session


@contextmanager
def snapshot_session(engine: Engine) -> Iterator[Session]:
    """A session for reads that all see one snapshot of the database: REPEATABLE READ on PostgreSQL (its default,
    READ COMMITTED, gives each statement its own); SQLite's deferred read transaction already reads one."""
    conn = engine.connect()
    if conn.dialect.name == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    with conn, Session(bind=conn) as session, session.begin():
        yield session


def alembic_config(url: str, connection: Connection | None = None) -> Config:
    """An Alembic Config for our migrations folder (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.attributes["database_url"] = url
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade(url: str) -> str:
    """Bring the database at *url* to the newest schema; returns the revision it is at. Raises DatabaseError."""
    try:
        command.upgrade(alembic_config(url), "head")
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot upgrade the database {display_url(url)}: {_short(exc)}") from exc
    return head_revision()


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_migrated(engine: Engine) -> None:
    """Raise DatabaseError, saying what to run, unless the database is reachable and at the newest schema."""
    url = display_url(engine.url.render_as_string(hide_password=False))
    try:
        current = current_revision(engine)
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot reach the database {url}: {_short(exc)}") from exc
    head = head_revision()
    if current != head:
        state = "has no tables yet" if current is None else f"is at schema {current}, not {head}"
        raise DatabaseError(
            f"the database {url} {state}; run `fieldapp-server db upgrade --database-url URL` first"
        )


def _short(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
