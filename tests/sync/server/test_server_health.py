"""The server starts on both databases, answers health without a token, and serves its OpenAPI schema."""

from __future__ import annotations

import asyncio

import httpx
import pytest


def test_health_answers_without_a_token(live_server) -> None:
    response = httpx.get(f"{live_server.url}/api/v1/health", timeout=5)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["protocol"] == 1
    assert body["database"] == live_server.database_url.split(":")[0].split("+")[0]


def test_openapi_describes_the_push_models(live_server) -> None:
    schema = httpx.get(f"{live_server.url}/openapi.json", timeout=5).json()
    push = schema["paths"]["/api/v1/push"]["post"]
    assert push["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/PushRequest")
    assert push["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/PushResponse")
    assert "ErrorBody" in schema["components"]["schemas"]


def test_unknown_path_is_a_json_error(live_server) -> None:
    response = httpx.get(f"{live_server.url}/api/v1/nothing-here", timeout=5)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path) -> None:
    from sqlalchemy import text

    from sync.server.db import SQLITE_BUSY_MS, make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'db.sqlite3'}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_MS
    finally:
        engine.dispose()


def test_the_app_refuses_to_start_on_an_unmigrated_database(database_url: str) -> None:
    from sync.server.app import create_app
    from sync.server.db import DatabaseError

    app = create_app(database_url)

    async def start() -> None:
        async with app.router.lifespan_context(app):
            pass

    with pytest.raises(DatabaseError, match="fieldapp-server db upgrade"):
        asyncio.run(start())
