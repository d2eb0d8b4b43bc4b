"""The database's identity: a random epoch, made when the database is created (or, for an existing one, now).

A laptop remembers the epoch it synced with; another database (another server, a new database after a move between
SQLite and PostgreSQL) has another epoch, so the laptop starts over instead of keeping a cursor that means nothing
there. Self-contained on purpose: a migration must not change when the application code does.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    identity = op.create_table(
        "server_identity",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("epoch", sa.String(36), nullable=False),
        sa.Column("backend", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    backend = op.get_bind().dialect.name
    op.bulk_insert(
        identity, [{"id": 1, "epoch": str(uuid.uuid4()), "backend": backend, "created_at": datetime.now(UTC)}]
    )


def downgrade() -> None:
    op.drop_table("server_identity")
