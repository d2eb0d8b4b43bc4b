"""The web dashboard: a password for office users (``users.password_hash``, argon2) and their sign-in sessions.

``web_sessions`` keeps one row per signed-in browser: the SHA-256 of the cookie's random value (a leaked database
gives no usable cookie), the user, the per-session CSRF token, and when it was made and ends. Signing out deletes the
row; revoking the user ends every session at once (the user is checked on each request).

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
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("password_hash", sa.String(200), nullable=True))
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", _ts, nullable=False),
        sa.Column("expires_at", _ts, nullable=False, index=True),
    )


def downgrade() -> None:
    op.drop_table("web_sessions")
    with op.batch_alter_table("users") as users:
        users.drop_column("password_hash")
