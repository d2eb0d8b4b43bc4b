"""The push's shortcuts store and answer exactly what the general code would: rows, hashes, results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from sync.server.db import make_engine, upgrade
from sync.server.models import Conflict, Record, RecordVersion
from sync.server.recordstore import _insert_many


def _rows() -> dict[Any, list[dict[str, Any]]]:
    now = datetime(2026, 11, 23, 15, 0, 1, 123456, tzinfo=UTC)
    return {
        Record: [
            {
                "kind": "visit",
                "id": "a",
                "version": 1,
                "content": {"x": "é", "n": None, "f": 1.5},
                "content_hash": "h",
                "owner": "o",
                "enterprise_id": "e",
                "tax_code": None,
                "deleted": False,
                "seq": 1,
                "updated_at": now,
                "updated_by": "u",
            },
            {
                "kind": "enterprise",
                "id": "b",
                "version": 2,
                "content": {},
                "content_hash": "h",
                "owner": None,
                "enterprise_id": None,
                "tax_code": "1",
                "deleted": True,
                "seq": 2,
                "updated_by": "u",
                # the same moment at another offset: its own text, as SQLAlchemy writes it
                "updated_at": now.astimezone(timezone(timedelta(hours=7))),
            },
        ],
        RecordVersion: [
            {
                "kind": "visit",
                "id": "a",
                "version": 1,
                "content": None,
                "content_hash": None,
                "created_at": now,
                "created_by": "u",
                "device_id": None,
            },
            {
                "kind": "visit",
                "id": "a",
                "version": 2,
                "content": {"a": [1]},
                "content_hash": "x",
                "created_at": now,
                "created_by": "u",
                "device_id": "d",
            },
        ],
        Conflict: [
            {
                "kind": "visit",
                "record_id": "a",
                "base_version": None,
                "server_version": 1,
                "fields": ["a"],
                "client_content": {"q": 1},
                "client_hash": "h",
                "submitted_by": "u",
                "device_id": None,
                "created_at": now,
                "resolved_at": None,
                "resolved_by": None,
                "resolution": None,
            },
        ],
    }


def test_sqlite_bulk_inserts_store_the_bytes_sqlalchemy_would(tmp_path: Path) -> None:
    stored = []
    for way in ("sqlalchemy", "bulk"):
        url = f"sqlite:///{tmp_path / way}.sqlite3"
        upgrade(url)
        engine = make_engine(url)
        try:
            with Session(engine) as session, session.begin():
                for model, rows in _rows().items():
                    if way == "sqlalchemy":
                        session.execute(insert(model.__table__), rows)
                    else:
                        _insert_many(session, model.__table__, rows)
            with engine.connect() as conn:
                stored.append(
                    [
                        conn.execute(text(f"SELECT *, typeof(content) FROM {table}")).all()
                        for table in ("records", "record_versions")
                    ]
                    + [conn.execute(text("SELECT * FROM conflicts")).all()]
                )
        finally:
            engine.dispose()
    assert stored[0] == stored[1]
    assert stored[1][0][0][3] == '{"x":"é","n":null,"f":1.5}'
