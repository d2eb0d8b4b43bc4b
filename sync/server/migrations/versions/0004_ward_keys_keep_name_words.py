"""Ward keys again, for names that fold like a unit word: "Phương Liệt" keeps "phuong" (it is not "Phường").

Until this revision ``ward_key("Phương Liệt")`` dropped "phuong" as if it were the unit word, so the 2025 map's
"Phường Phương Liệt" and a cadre's "Phương Liệt" were two wards. The keys of enterprises (``records.ward_key``) and
of areas (``area_wards.ward_key``, from the label the admin typed) are computed again; an area that now holds one
ward twice keeps it once. Self-contained on purpose: a migration must not change when the application code does.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from __future__ import annotations

import json
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_SPELLINGS = frozenset({"phường", "phuong", "xã", "xa", "p", "x", "tt"})


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).casefold().split())


def _ward_key(text: str) -> str:
    # a frozen copy of fieldapp.core.wards.ward_key as of this revision
    folded = " ".join(re.sub(r"[.,;:()\-_/\\]+", " ", _fold(text)).split())
    folded = re.sub(r"^(?:p|x|tt)(?=\d)", "", folded)
    first = re.match(r"^\s*([^\s.,;:()\-_/\\]+)", text)
    if first:
        word = unicodedata.normalize("NFC", first.group(1)).casefold()
        if word not in _SPELLINGS and _fold(word) in _SPELLINGS:
            return folded
    return re.sub(r"^(?:thi tran|dac khu|phuong|xa|tt|p|x)\s+(?=\S)", "", folded, count=1)


def upgrade() -> None:
    bind = op.get_bind()
    records = sa.table(
        "records", sa.column("kind", sa.String), sa.column("id", sa.String), sa.column("content", sa.JSON),
        sa.column("ward_key", sa.String),
    )  # fmt: skip
    rows = bind.execute(
        sa.select(records.c.id, records.c.content, records.c.ward_key).where(records.c.kind == "enterprise")
    ).all()
    for rid, content, old in rows:
        if isinstance(content, str):
            content = json.loads(content)
        key = _ward_key((content or {}).get("ward") or "")
        if key != old:
            bind.execute(
                sa.update(records)
                .where(records.c.kind == "enterprise", records.c.id == rid)
                .values(ward_key=key)
            )
    areas = sa.table(
        "area_wards", sa.column("id", sa.Integer), sa.column("user_id", sa.Integer), sa.column("ward", sa.String),
        sa.column("ward_key", sa.String),
    )  # fmt: skip
    seen: set[tuple[int, str]] = set()
    changes: list[tuple[int, str]] = []
    drop: list[int] = []
    for aid, user_id, label, old in bind.execute(
        sa.select(areas.c.id, areas.c.user_id, areas.c.ward, areas.c.ward_key).order_by(areas.c.id)
    ).all():
        key = _ward_key(label)
        if (user_id, key) in seen:
            drop.append(aid)
            continue
        seen.add((user_id, key))
        if key != old:
            changes.append((aid, key))
    if drop:
        bind.execute(sa.delete(areas).where(areas.c.id.in_(drop)))
    # two passes through a temporary key: the unique (user, key) constraint holds after each statement
    for aid, _key in changes:
        bind.execute(sa.update(areas).where(areas.c.id == aid).values(ward_key=f"#moving#{aid}"))
    for aid, key in changes:
        bind.execute(sa.update(areas).where(areas.c.id == aid).values(ward_key=key))
    if (
        changes
        or drop
        or any(
            _ward_key((c if isinstance(c, dict) else json.loads(c or "{}")).get("ward") or "") != old
            for _rid, c, old in rows
        )
    ):
        # what an area holds may have moved: every laptop pulls its area again from the start
        users = sa.table("users", sa.column("scope_version", sa.Integer))
        bind.execute(sa.update(users).values(scope_version=users.c.scope_version + 1))


def downgrade() -> None:
    # the older keys are a function of the same texts: nothing to undo in the layout
    pass
