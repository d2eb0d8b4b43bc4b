"""The office's targets and dated membership changes (docs/office.md).

``targets``: a year's targets (new CĐCS, new members) for the federation, a ward or a cadre, one row per year and
scope. ``membership_changes``: every accepted change of an enterprise's ``union_members`` with its day, the change,
the new total and who made it, so "new members in a period" is a sum. Changes made before this revision were not
recorded and are not made up: the history starts here.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_ts = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "targets",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("scope_key", sa.String(120), nullable=False),
        sa.Column("ward", sa.String(100)),
        sa.Column("ward_key", sa.String(100)),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE")),
        sa.Column("new_unions", sa.Integer),
        sa.Column("new_members", sa.Integer),
        sa.Column("updated_at", _ts, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("year", "scope_key", name="uq_targets_year_scope"),
    )
    op.create_table(
        "membership_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("enterprise_id", sa.String(36), nullable=False),
        sa.Column("counted_on", sa.Date, nullable=False),
        sa.Column("at", _ts, nullable=False),
        sa.Column("delta", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("seq", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_membership_changes_enterprise_id", "membership_changes", ["enterprise_id"])
    op.create_index("ix_membership_changes_counted_on", "membership_changes", ["counted_on"])


def downgrade() -> None:
    op.drop_index("ix_membership_changes_counted_on", "membership_changes")
    op.drop_index("ix_membership_changes_enterprise_id", "membership_changes")
    op.drop_table("membership_changes")
    op.drop_table("targets")
