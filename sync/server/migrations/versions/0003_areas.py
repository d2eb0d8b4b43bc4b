"""Areas (phân công địa bàn): the wards each user works, and single enterprises assigned to a user directly.

``area_wards`` keeps each ward by its key (``fieldapp.core.wards.ward_key``, as the text was folded when the
ward was assigned) and by the label the admin typed. ``enterprise_assignees`` names the user a big firm is assigned
to, whatever its ward. Self-contained on purpose: a migration must not change when the application code does.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ts = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "area_wards",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("ward_key", sa.String(100), nullable=False),
        sa.Column("ward", sa.String(100), nullable=False),
        sa.Column("assigned_at", _ts, nullable=False),
        sa.Column("assigned_by", sa.String(100), nullable=False),
        sa.UniqueConstraint("user_id", "ward_key", name="uq_area_wards_user_ward"),
    )
    op.create_index("ix_area_wards_ward_key", "area_wards", ["ward_key"])
    op.create_table(
        "enterprise_assignees",
        sa.Column("enterprise_id", sa.String(36), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("assigned_at", _ts, nullable=False),
        sa.Column("assigned_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_enterprise_assignees_user_id", "enterprise_assignees", ["user_id"])


def downgrade() -> None:
    op.drop_table("enterprise_assignees")
    op.drop_table("area_wards")
