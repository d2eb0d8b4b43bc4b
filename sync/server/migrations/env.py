"""Alembic environment: the URL (or an open connection) comes from the Config built in sync.server.db."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from sync.server.identity import renew_if_moved
from sync.server.models import Base

# a fixed key: concurrent `serve`/`db upgrade` runs on one PostgreSQL database take turns
_MIGRATION_LOCK = 7_405_911_001


def _run(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
        # every upgrade (``serve`` runs one first): tables copied onto another backend are another database
        renew_if_moved(connection)


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from sync.server.db import make_engine

    engine = make_engine(context.config.attributes["database_url"])
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():  # pragma: no cover - offline SQL generation is not offered
    raise SystemExit("offline migrations are not supported; use `fieldapp-server db upgrade`")
run_migrations_online()
