"""The database's identity: its epoch, a random UUID made with the database.

Laptops keep a pull cursor (a place in this database's change sequence) and a server version per record; both mean
something only in the database that handed them out. The epoch names that database: a laptop that meets another
epoch starts over (re-pushes everything, pulls from 0). It is returned on ``/health`` and on every pull page.

A database gets its epoch when it is created (migration 0002; existing databases get one when upgraded). Copied
onto another backend (SQLite to PostgreSQL with a table-copying tool) it gets a new one at the next upgrade, which
``serve`` runs first: the copy is a new database. ``renew`` makes a new one by hand (``fieldapp-server db
new-epoch``), e.g. after restoring a backup that may already have taken new changes.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, inspect, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from sync.server.db import DatabaseError, check_migrated, make_engine
from sync.server.models import ServerIdentity

__all__ = ["epoch", "renew", "renew_database", "renew_if_moved"]

_ROW = 1


def epoch(conn: Connection | Session) -> str:
    """The database's epoch (the schema must be migrated)."""
    value = conn.execute(select(ServerIdentity.epoch).where(ServerIdentity.id == _ROW)).scalar_one()
    return str(value)


def renew(conn: Connection) -> str:
    """Give the database a new epoch (in the caller's transaction); the new epoch."""
    values = {"epoch": str(uuid.uuid4()), "backend": conn.dialect.name, "created_at": datetime.now(UTC)}
    done = conn.execute(update(ServerIdentity).where(ServerIdentity.id == _ROW).values(**values))
    if done.rowcount == 0:  # the row was lost (a partial copy): make it again
        conn.execute(insert(ServerIdentity).values(id=_ROW, **values))
    return str(values["epoch"])


def renew_if_moved(conn: Connection) -> bool:
    """A new epoch when the identity row was made on another backend (the tables were copied across) or is
    missing; whether it was renewed. Nothing happens before migration 0002 has run."""
    if not inspect(conn).has_table(ServerIdentity.__tablename__):
        return False
    made_on = conn.execute(
        select(ServerIdentity.backend).where(ServerIdentity.id == _ROW)
    ).scalar_one_or_none()
    if made_on == conn.dialect.name:
        return False
    renew(conn)
    return True


def renew_database(url: str) -> str:
    """A new epoch for the (migrated) database at *url*; the new epoch. Raises DatabaseError."""
    engine = make_engine(url)
    try:
        check_migrated(engine)
        with engine.begin() as conn:
            return renew(conn)
    except SQLAlchemyError as exc:
        raise DatabaseError(f"cannot give the database a new epoch: {exc}") from exc
    finally:
        engine.dispose()
