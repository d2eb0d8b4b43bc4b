"""The server starts on both databases, answers health without a token, and serves its OpenAPI schema."""

from __future__ import annotations

import httpx


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
