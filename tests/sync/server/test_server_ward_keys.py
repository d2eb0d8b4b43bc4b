"""Migration 0004: a ward whose name folds like a unit word ("Phương Liệt") keeps that word in its key."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from alembic import command
from sqlalchemy import insert, select

from sync.server.db import alembic_config, make_engine, upgrade
from sync.server.models import AreaWard, Record, User


def test_keys_are_computed_again_and_areas_keep_each_ward_once(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "0003")  # keys as they were: "Phương Liệt" -> "liet"
    engine = make_engine(database_url)
    try:
        now = datetime.now(UTC)
        with engine.begin() as conn:
            # the columns of schema 0003 only (the model has grown since: add_user would write them all)
            conn.execute(insert(User).values(name="nva", role="cadre", token_hash="0" * 64, created_at=now))
            user_id, scope = conn.execute(select(User.id, User.scope_version)).one()
            conn.execute(
                insert(Record).values(
                    kind="enterprise", id=str(uuid.uuid4()), version=1, seq=1, deleted=False,
                    content={"name": "Công ty Kim Khí", "ward": "Phường Phương Liệt"}, ward_key="liet",
                    content_hash="0" * 64, updated_at=now, updated_by="office",
                )
            )  # fmt: skip
            for key, label in (
                ("liet", "Phương Liệt"),
                ("phuong liet", "P. Phương Liệt"),
                ("bo de", "Bồ Đề"),
            ):
                conn.execute(
                    insert(AreaWard).values(
                        user_id=user_id, ward_key=key, ward=label, assigned_at=now, assigned_by="admin"
                    )
                )
        upgrade(database_url)
        with engine.connect() as conn:
            assert conn.execute(select(Record.ward_key)).scalars().all() == ["phuong liet"]
            areas = conn.execute(select(AreaWard.ward_key, AreaWard.ward).order_by(AreaWard.id)).all()
            assert [tuple(a) for a in areas] == [("phuong liet", "Phương Liệt"), ("bo de", "Bồ Đề")]
            # the area holds other records now: the cadre's laptop pulls it again from the start
            assert conn.execute(select(User.scope_version)).scalar_one() == scope + 1
    finally:
        engine.dispose()
