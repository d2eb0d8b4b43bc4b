"""Bad requests get a 4xx with a clear JSON message and store nothing; gzip bodies work, gzip bombs do not.

In-process (the body limits are ASGI middleware, the rest is FastAPI's reading of the request).
"""

from __future__ import annotations

import gzip
import zlib

import orjson
from server_helpers import Api, AppServer, enterprise, item

from sync.protocol import MAX_BODY_BYTES, MAX_PUSH_ITEMS, ItemResult, PushResponse


def _error(response) -> dict:
    assert response.headers["content-type"].startswith("application/json")
    return response.json()["error"]


def test_malformed_json_is_422_naming_the_problem(cadre: Api) -> None:
    before = cadre.cursor()
    response = cadre.http.post(
        "/api/v1/push", content=b'{"device_id": "d", "items": [', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert "json" in _error(response)["message"].lower()
    assert cadre.pull_all(before)[0] == []


def test_wrong_types_and_unknown_fields_in_the_envelope_name_the_field(cadre: Api) -> None:
    e = enterprise()
    wrong = {**item("enterprise", e), "rev": "two"}
    response = cadre.http.post("/api/v1/push", json={"device_id": "d", "items": [wrong]})
    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == "invalid_request" and "items.0.rev" in error["message"]
    response = cadre.http.post(
        "/api/v1/push", json={"device_id": "d", "items": [item("enterprise", e)], "extra": 1}
    )
    assert response.status_code == 422 and "extra" in _error(response)["message"]
    response = cadre.http.post(
        "/api/v1/push", json={"device_id": "d", "items": [{**item("enterprise", e), "kind": "car"}]}
    )
    assert response.status_code == 422 and "items.0.kind" in _error(response)["message"]
    assert cadre.record("enterprise", e["id"]) is None


def test_a_batch_over_the_item_limit_is_413(cadre: Api) -> None:
    records = [enterprise() for _ in range(MAX_PUSH_ITEMS + 1)]
    response = cadre.push_raw([item("enterprise", r) for r in records])
    assert response.status_code == 413
    assert _error(response)["code"] == "too_many_items"
    assert cadre.record("enterprise", records[0]["id"]) is None


def test_a_body_over_the_byte_limit_is_413(cadre: Api) -> None:
    e = enterprise(name="x" * 200)
    body = orjson.dumps({"device_id": "d", "items": [item("enterprise", e)], "pad": "y" * MAX_BODY_BYTES})
    response = cadre.http.post("/api/v1/push", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and _error(response)["code"] == "payload_too_large"
    assert cadre.record("enterprise", e["id"]) is None


def test_a_gzip_body_is_accepted(cadre: Api) -> None:
    e = enterprise()
    assert cadre.push([item("enterprise", e)], gzipped=True)[0]["status"] == "accepted"
    assert cadre.record("enterprise", e["id"]) is not None


def test_a_gzip_bomb_is_refused_without_inflating_it(cadre: Api) -> None:
    # 64 MiB of spaces inside valid JSON compress to ~64 KiB: small on the wire, far over the limit inflated
    e = enterprise()
    head = orjson.dumps({"device_id": "d", "items": [item("enterprise", e)]})[:-1] + b', "pad": "'
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [packer.compress(head)]
    chunk = b" " * (1 << 20)
    for _ in range(64):
        parts.append(packer.compress(chunk))
    parts.append(packer.compress(b'"}') + packer.flush())
    body = b"".join(parts)
    assert len(body) < MAX_BODY_BYTES
    response = cadre.http.post(
        "/api/v1/push", content=body, headers={"Content-Type": "application/json", "Content-Encoding": "gzip"}
    )
    assert response.status_code == 413 and "decompressed" in _error(response)["message"]
    assert cadre.record("enterprise", e["id"]) is None


def test_a_body_that_is_not_gzip_is_400(cadre: Api) -> None:
    response = cadre.http.post(
        "/api/v1/push",
        content=b"not gzip at all",
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 400 and _error(response)["code"] == "bad_gzip"
    truncated = gzip.compress(orjson.dumps({"device_id": "d", "items": []}))[:-6]
    response = cadre.http.post(
        "/api/v1/push",
        content=truncated,
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert response.status_code == 400


def test_an_unknown_content_encoding_is_415(cadre: Api) -> None:
    response = cadre.http.post(
        "/api/v1/push", content=b"{}", headers={"Content-Type": "application/json", "Content-Encoding": "br"}
    )
    assert response.status_code == 415


def test_bad_query_parameters_name_the_parameter(cadre: Api) -> None:
    response = cadre.http.get("/api/v1/changes", params={"since": "yesterday"})
    assert response.status_code == 422 and "since" in _error(response)["message"]
    response = cadre.http.get("/api/v1/visits", params={"limit": 0})
    assert response.status_code == 422 and "limit" in _error(response)["message"]


def test_bodies_that_are_not_a_json_push_request_are_refused_naming_the_problem(cadre: Api) -> None:
    e = enterprise()
    good = orjson.dumps({"device_id": "d", "items": [item("enterprise", e)]})
    with_bom = cadre.http.post(
        "/api/v1/push", content=b"\xef\xbb\xbf" + good, headers={"Content-Type": "application/json"}
    )
    assert with_bom.status_code == 200 and with_bom.json()["results"][0]["status"] == "accepted"
    trailing = cadre.http.post(
        "/api/v1/push", content=good + b" x", headers={"Content-Type": "application/json"}
    )
    assert trailing.status_code == 422
    assert _error(trailing)["errors"][0] == {
        "field": str(len(good.decode()) + 1),
        "code": "json_invalid",
        "vi": "không hợp lệ: JSON decode error",
        "en": "is not valid: JSON decode error",
    }
    for body, headers in (
        (b"[]", {"Content-Type": "application/json"}),
        (good, {"Content-Type": "text/plain"}),
        (good, {}),
    ):
        response = cadre.http.post("/api/v1/push", content=body, headers=headers)
        assert response.status_code == 422
        assert [(p["field"], p["code"]) for p in _error(response)["errors"]] == [
            ("body", "model_attributes_type")
        ]
    empty = cadre.http.post("/api/v1/push", content=b"", headers={"Content-Type": "application/json"})
    assert empty.status_code == 422 and _error(empty)["message"] == "invalid request: body: Field required"
    undecodable = cadre.http.post(
        "/api/v1/push",
        content=b'{"device_id": "\xff", "items": []}',
        headers={"Content-Type": "application/json"},
    )
    assert undecodable.status_code == 400 and _error(undecodable)["code"] == "bad_request"


def test_a_push_without_a_token_is_401_whatever_request_it_holds(server: AppServer) -> None:
    anonymous = server.client(None)
    # the token is checked before the body is read (issue 10, finding 6): even JSON that does not parse is a 401
    for body in (b'{"device_id": "d", "items": []}', b'{"items": 3}', b"[]", b"{"):
        response = anonymous.http.post(
            "/api/v1/push", content=body, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 401 and _error(response)["code"] == "unauthorized"


def test_each_result_has_every_item_result_field_in_order(cadre: Api) -> None:
    e = enterprise()
    bad = {**enterprise(), "registered_workers": -1}
    response = cadre.push_raw([item("enterprise", e), item("enterprise", bad)])
    assert response.status_code == 200
    results = response.json()["results"]
    for result in results:
        assert list(result) == list(ItemResult.model_fields)
    assert (
        PushResponse.model_validate_json(response.content).results[1].errors[0].field == "registered_workers"
    )
