"""Bad requests get a 4xx with a clear JSON message and store nothing; gzip bodies work, gzip bombs do not."""

from __future__ import annotations

import gzip
import zlib

import orjson
from server_helpers import Api, enterprise, item

from sync.protocol import MAX_BODY_BYTES, MAX_PUSH_ITEMS


def _error(response) -> dict:
    assert response.headers["content-type"].startswith("application/json")
    return response.json()["error"]


def test_malformed_json_is_422_naming_the_problem(cadre: Api) -> None:
    before = cadre.cursor()
    response = cadre.http.post("/api/v1/push", content=b'{"device_id": "d", "items": [', headers={"Content-Type": "application/json"})
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
    response = cadre.http.post("/api/v1/push", json={"device_id": "d", "items": [item("enterprise", e)], "extra": 1})
    assert response.status_code == 422 and "extra" in _error(response)["message"]
    response = cadre.http.post("/api/v1/push", json={"device_id": "d", "items": [{**item("enterprise", e), "kind": "car"}]})
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
    response = cadre.http.post("/api/v1/push", content=body,
                               headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert response.status_code == 413 and "decompressed" in _error(response)["message"]
    assert cadre.record("enterprise", e["id"]) is None


def test_a_body_that_is_not_gzip_is_400(cadre: Api) -> None:
    response = cadre.http.post("/api/v1/push", content=b"not gzip at all",
                               headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert response.status_code == 400 and _error(response)["code"] == "bad_gzip"
    truncated = gzip.compress(orjson.dumps({"device_id": "d", "items": []}))[:-6]
    response = cadre.http.post("/api/v1/push", content=truncated,
                               headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert response.status_code == 400


def test_an_unknown_content_encoding_is_415(cadre: Api) -> None:
    response = cadre.http.post("/api/v1/push", content=b"{}",
                               headers={"Content-Type": "application/json", "Content-Encoding": "br"})
    assert response.status_code == 415


def test_bad_query_parameters_name_the_parameter(cadre: Api) -> None:
    response = cadre.http.get("/api/v1/changes", params={"since": "yesterday"})
    assert response.status_code == 422 and "since" in _error(response)["message"]
    response = cadre.http.get("/api/v1/visits", params={"limit": 0})
    assert response.status_code == 422 and "limit" in _error(response)["message"]
