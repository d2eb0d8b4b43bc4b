"""Backups of the server's database while it serves (``fieldapp-server backup --output FILE``).

Each backup is the database as of one moment, taken while the server keeps writing:

- SQLite: SQLite's online backup API copies the database in one read transaction (a snapshot, what the WAL holds
  included); the copy is checked (``PRAGMA integrity_check``) and taken out of WAL mode, so the backup is one
  self-contained SQLite file. Restoring is putting it in place of the database file.
- PostgreSQL: ``pg_dump`` in its custom format (restored with ``pg_restore``). The schema version, epoch and newest
  change reported are read in the very snapshot pg_dump dumps (``pg_export_snapshot``).

The file is written beside FILE under a temporary name and renamed into place once complete and flushed, so FILE is
never a half-written backup; an existing FILE is kept unless ``force``. It is readable by its owner only (0600): it
holds every record. See docs/deploy.md for restoring and what laptops do afterwards.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from sync.server.config import backend_name, display_url

__all__ = ["BackupError", "BackupResult", "backup"]

# the same SQL on both backends; each read only the columns the first migrations made, so an old schema backs up
_REVISION_SQL = "SELECT version_num FROM alembic_version"
_EPOCH_SQL = "SELECT epoch FROM server_identity WHERE id = 1"
_HEAD_SQL = "SELECT max(seq) FROM records"
_STDERR_TAIL = 1500


class BackupError(Exception):
    """The backup could not be made; the message says why. Nothing was written at the output path."""


@dataclass(frozen=True)
class BackupResult:
    """What a backup holds: the schema version, the database's epoch and its newest change (``head``)."""

    database: str
    backend: str
    output: Path
    size: int
    revision: str
    #: None for a database older than the epochs (migration 0002)
    epoch: str | None
    head: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "database": self.database,
            "backend": self.backend,
            "output": str(self.output),
            "bytes": self.size,
            "revision": self.revision,
            "epoch": self.epoch,
            "head": self.head,
        }


def backup(url: str, output: Path, *, force: bool = False, pg_dump: str | None = None) -> BackupResult:
    """Back up the database at *url* to *output* (see the module docstring). Raises BackupError."""
    backend = backend_name(url)
    if backend not in ("sqlite", "postgresql"):
        raise BackupError(f"backups of {backend} databases are not supported (SQLite and PostgreSQL are)")
    _check_output(output, force)
    with _temporary_beside(output) as part:
        facts = _backup_sqlite(url, part) if backend == "sqlite" else _backup_postgresql(url, part, pg_dump)
        _flush(part)
        _check_output(output, force)  # it may have appeared meanwhile
        os.replace(part, output)
    _flush_folder(output.parent)
    revision, epoch, head = facts
    return BackupResult(display_url(url), backend, output, output.stat().st_size, revision, epoch, head)


# --- the output file -----------------------------------------------------------------------------------------
def _check_output(output: Path, force: bool) -> None:
    if output.is_dir():
        raise BackupError(f"{output} is a folder; give the backup file's name")
    if output.exists() and not force:
        raise BackupError(f"{output} exists; give --force to replace it")
    if not output.parent.is_dir():
        raise BackupError(f"the folder {output.parent} does not exist")


@contextlib.contextmanager
def _temporary_beside(output: Path) -> Iterator[Path]:
    """An empty private file next to *output* (same file system, so the final rename is atomic); removed
    afterwards unless it was renamed."""
    part = output.with_name(f".{output.name}.{secrets.token_hex(4)}.part")
    try:
        os.close(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as exc:
        raise BackupError(f"cannot write in {output.parent}: {exc.strerror or exc}") from exc
    try:
        yield part
    except OSError as exc:
        raise BackupError(f"cannot write the backup {output}: {exc.strerror or exc}") from exc
    finally:
        part.unlink(missing_ok=True)


def _flush(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)  # Windows flushes only a handle open for writing
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _flush_folder(folder: Path) -> None:
    """Make the rename durable (POSIX; Windows cannot open a folder, and NTFS journals the rename itself)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --- SQLite --------------------------------------------------------------------------------------------------
def _backup_sqlite(url: str, part: Path) -> tuple[str, str | None, int]:
    database = make_url(url).database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        raise BackupError(f"{display_url(url)} is not a database file that can be backed up")
    source_path = Path(database).expanduser()
    if not source_path.is_file():  # sqlite3.connect would make an empty database there
        raise BackupError(f"there is no SQLite database at {source_path}")
    try:
        with contextlib.closing(sqlite3.connect(source_path, timeout=30)) as source:
            revision = _revision(_sqlite_reader(source), display_url(url))
            with contextlib.closing(sqlite3.connect(part)) as copy:
                # all pages in one step: one read transaction, so a snapshot even while the server writes
                source.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
                problems = [row[0] for row in copy.execute("PRAGMA integrity_check")]
                if problems != ["ok"]:
                    raise BackupError(f"the copy of {source_path} is damaged: {'; '.join(problems[:5])}")
                read = _sqlite_reader(copy)
                revision = _revision(read, display_url(url))
                return revision, _epoch(read), _head(read)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"cannot back up {source_path}: {exc}") from exc


def _sqlite_reader(conn: sqlite3.Connection) -> Callable[[str], Sequence[Any]]:
    def read(sql: str) -> Sequence[Any]:
        try:
            return conn.execute(sql).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                raise LookupError(sql) from exc
            raise

    return read


# --- PostgreSQL ----------------------------------------------------------------------------------------------
def _backup_postgresql(url: str, part: Path, pg_dump: str | None) -> tuple[str, str | None, int]:
    program = shutil.which(pg_dump or "pg_dump")
    if program is None and pg_dump is not None:
        raise BackupError(f"there is no program {pg_dump} (--pg-dump)")
    if program is None:
        raise BackupError(
            "pg_dump is not on PATH: install PostgreSQL's client programs (the server's major version or newer), "
            "or give --pg-dump PATH"
        )
    from sync.server.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            # a snapshot of our own that pg_dump then dumps, so what is reported is what the file holds
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
            snapshot = str(conn.execute(text("SELECT pg_export_snapshot()")).scalar_one())
            read = _postgresql_reader(conn)
            facts = _revision(read, display_url(url)), _epoch(read), _head(read)
            _run_pg_dump(program, url, snapshot, part)
            conn.rollback()
            return facts
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise BackupError(f"cannot reach the database {display_url(url)}: {reason}") from exc
    finally:
        engine.dispose()


def _postgresql_reader(conn: Connection) -> Callable[[str], Sequence[Any]]:
    def read(sql: str) -> Sequence[Any]:
        table = sql.split(" FROM ")[1].split()[0]
        exists = conn.execute(text("SELECT to_regclass(:t)"), {"t": table}).scalar_one()
        if exists is None:
            raise LookupError(sql)
        return conn.execute(text(sql)).all()

    return read


def _run_pg_dump(program: str, url: str, snapshot: str, part: Path) -> None:
    parsed = make_url(url)
    # libpq's own URI, without the driver name, and the password in the environment rather than on the command line
    dbname = parsed.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    command = [program, "--format=custom", f"--snapshot={snapshot}", f"--file={part}", f"--dbname={dbname}"]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BackupError(f"cannot run {program}: {exc.strerror or exc}") from exc
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed (exit {done.returncode}): {done.stderr.strip()[-_STDERR_TAIL:]}")


# --- what a backup holds -------------------------------------------------------------------------------------
def _revision(read: Callable[[str], Sequence[Any]], database: str) -> str:
    try:
        rows = read(_REVISION_SQL)
    except LookupError:
        rows = []
    if not rows:
        raise BackupError(
            f"the database {database} has no fieldapp-server tables (no schema version): nothing to back up; "
            "is the database URL right?"
        )
    return str(rows[0][0])


def _epoch(read: Callable[[str], Sequence[Any]]) -> str | None:
    try:
        rows = read(_EPOCH_SQL)
    except LookupError:
        return None
    return str(rows[0][0]) if rows else None


def _head(read: Callable[[str], Sequence[Any]]) -> int:
    return int(read(_HEAD_SQL)[0][0] or 0)
