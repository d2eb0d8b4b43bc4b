"""Areas (phân công địa bàn): the wards each user works, and single enterprises assigned to a user directly.

``area_wards`` keeps each ward by its key (``fieldapp.core.wards.ward_key``, as the text was folded when the
ward was assigned) and by the label the admin typed. ``enterprise_assignees`` names the user a big firm is assigned
to, whatever its ward. ``federation_settings`` keeps the federation's rules file (``fieldapp-server rules set``). ``records.ward_key`` is an enterprise's ward as a key, so a cadre's pull and push are
scoped in SQL; ``users.scope_version`` moves whenever what a user's area holds changes (the laptop then pulls its
area again from the start and drops what left it). Self-contained on purpose: a migration must not change when the application code does.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import json
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_ts = sa.DateTime(timezone=True)


def _ward_key(text: str) -> str:
    # a frozen copy of fieldapp.core.wards.ward_key as of this revision (a migration must not move with the code)
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    folded = " ".join(re.sub(r"[.,;:()\-_/\\]+", " ", folded).split())
    folded = re.sub(r"^(?:p|x|tt)(?=\d)", "", folded)
    return re.sub(r"^(?:thi tran|dac khu|phuong|xa|tt|p|x)\s+(?=\S)", "", folded, count=1)


def upgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("scope_version", sa.Integer, nullable=False, server_default="0"))
    with op.batch_alter_table("records") as records:
        records.add_column(sa.Column("ward_key", sa.String(100)))
    op.create_index("ix_records_ward_key", "records", ["ward_key"])
    table = sa.table(
        "records",
        sa.column("kind", sa.String),
        sa.column("id", sa.String),
        sa.column("content", sa.JSON),
        sa.column("ward_key", sa.String),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(table.c.id, table.c.content).where(table.c.kind == "enterprise")).all()
    for rid, content in rows:
        if isinstance(content, str):
            content = json.loads(content)
        key = _ward_key((content or {}).get("ward") or "")
        bind.execute(
            sa.update(table).where(table.c.kind == "enterprise", table.c.id == rid).values(ward_key=key)
        )
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
    op.create_table(
        "federation_settings",
        sa.Column("key", sa.String(50), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_at", _ts, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("federation_settings")
    op.drop_index("ix_records_ward_key", "records")
    with op.batch_alter_table("records") as records:
        records.drop_column("ward_key")
    with op.batch_alter_table("users") as users:
        users.drop_column("scope_version")
    op.drop_table("enterprise_assignees")
    op.drop_table("area_wards")
