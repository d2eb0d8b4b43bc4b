"""Health without a token, the OpenAPI schema, JSON errors everywhere, and a database that must be migrated."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from server_helpers import AppServer
from sqlalchemy import text

from sync.protocol import PROTOCOL_VERSION
from sync.server.app import create_app
from sync.server.db import SQLITE_BUSY_MS, DatabaseError, make_engine


def test_health_answers_without_a_token(any_server: AppServer) -> None:
    response = any_server.client(None).http.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["protocol"]) == ("ok", PROTOCOL_VERSION) == ("ok", 5)
    assert body["database"] == any_server.database_url.split(":")[0].split("+")[0]


def test_health_is_503_when_the_database_does_not_answer() -> None:
    app = create_app("postgresql+psycopg://postgres@127.0.0.1:1/nothing", check=False)
    try:
        response = TestClient(app).get("/api/v1/health")
    finally:
        app.state.engine.dispose()
    assert response.status_code == 503 and response.json()["error"]["code"] == "database_unavailable"


def test_openapi_describes_the_push_models(server: AppServer) -> None:
    schema = server.client(None).http.get("/openapi.json").json()
    push = schema["paths"]["/api/v1/push"]["post"]
    assert push["requestBody"]["required"] is True
    assert push["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PushRequest"
    }
    assert push["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/PushResponse")
    schemas = schema["components"]["schemas"]
    assert schemas["PushRequest"]["required"] == ["device_id", "items"]
    assert set(schemas["PushItem"]["properties"]) == {"kind", "id", "rev", "base_version", "record"}
    assert "ErrorBody" in schemas


def test_unknown_paths_and_methods_are_json_errors(server: AppServer) -> None:
    http = server.client(None).http
    response = http.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    response = http.put("/api/v1/push")
    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'nested' / 'db.sqlite3'}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == SQLITE_BUSY_MS
    finally:
        engine.dispose()


def test_the_app_refuses_to_start_on_an_unmigrated_database(database_url: str) -> None:
    app = create_app(database_url)

    async def start() -> None:
        async with app.router.lifespan_context(app):
            pass

    with pytest.raises(DatabaseError, match="fieldapp-server db upgrade"):
        asyncio.run(start())
