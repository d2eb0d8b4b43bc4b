"""The first schema: users, records, record_versions, conflicts, counters.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_json = sa.JSON().with_variant(JSONB(), "postgresql")
_ts = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("full_name", sa.String(200)),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("revoked_at", _ts),
    )
    op.create_table(
        "records",
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("content", _json, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(100)),
        sa.Column("enterprise_id", sa.String(36)),
        sa.Column("tax_code", sa.String(20), unique=True),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("seq", sa.BigInteger, nullable=False, unique=True),
        sa.Column("updated_at", _ts, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_records_owner", "records", ["owner"])
    op.create_index("ix_records_enterprise_id", "records", ["enterprise_id"])
    op.create_table(
        "record_versions",
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("content", _json),
        sa.Column("content_hash", sa.String(64)),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("device_id", sa.String(100)),
    )
    op.create_table(
        "conflicts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("record_id", sa.String(36), nullable=False),
        sa.Column("base_version", sa.Integer),
        sa.Column("server_version", sa.Integer, nullable=False),
        sa.Column("fields", _json, nullable=False),
        sa.Column("client_content", _json, nullable=False),
        sa.Column("client_hash", sa.String(64), nullable=False),
        sa.Column("submitted_by", sa.String(100), nullable=False),
        sa.Column("device_id", sa.String(100)),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("resolved_at", _ts),
        sa.Column("resolved_by", sa.String(100)),
        sa.Column("resolution", sa.String(20)),
    )
    op.create_index("ix_conflicts_record_id", "conflicts", ["record_id"])
    counters = op.create_table(
        "counters",
        sa.Column("name", sa.String(20), primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(counters, [{"name": "seq", "value": 0}])


def downgrade() -> None:
    for table in ("counters", "conflicts", "record_versions", "records", "users"):
        op.drop_table(table)
