"""Schemathesis against the schema a real server process serves: no 5xx, responses as documented.

Positive cases (valid per the schema) for an admin and a cadre, and negative cases (invalid per the schema) that
must be refused with a documented 4xx, never a 5xx. Deep nesting, which no generator reaches (issue 10, finding 7),
is sent by hand to every operation with a body: a documented 422 ``too_deep``.
"""

from __future__ import annotations

import orjson
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from server_helpers import Api, enterprise, item

from sync.protocol import ErrorBody
from sync.server.bodylimit import MAX_JSON_DEPTH

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 30, GenerationMode.NEGATIVE: 15}


@pytest.mark.parametrize(
    ("role", "mode"),
    [
        ("admin", GenerationMode.POSITIVE),
        ("cadre", GenerationMode.POSITIVE),
        ("admin", GenerationMode.NEGATIVE),
    ],
)
def test_generated_requests_get_no_5xx_and_documented_responses(
    module_server, make_live_api, role: str, mode: GenerationMode
) -> None:
    api: Api = make_live_api(role)
    # some data, so listings, pulls and conflicts have something to return
    api.push([item("enterprise", enterprise()) for _ in range(3)])
    headers = {"Authorization": api.http.headers["Authorization"]}
    schema = schemathesis.openapi.from_url(f"{module_server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and operation.path.endswith("/health"):
            continue  # no parameters, no body: nothing to get wrong

        @settings(
            max_examples=EXAMPLES[mode],
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode))
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=module_server.url, headers=headers, checks=CHECKS, timeout=30)

        check()


def _nested(depth: int) -> bytes:
    """A JSON value *depth* levels deep, arrays and objects in turn."""
    opening = b"".join(b"[" if level % 2 else b'{"a":' for level in range(depth))
    closing = b"".join(b"]" if level % 2 else b"}" for level in reversed(range(depth)))
    return opening + b"1" + closing


def test_deep_nesting_gets_a_documented_422_on_every_operation_with_a_body(
    module_server, make_live_api
) -> None:
    api: Api = make_live_api("admin")
    schema = schemathesis.openapi.from_url(f"{module_server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    with_body = [op for op in operations if op.body]
    assert {op.path for op in with_body} >= {"/api/v1/push", "/api/v1/conflicts/{conflict_id}/resolve"}
    for operation in with_body:
        path = operation.path.replace("{conflict_id}", "1")
        documented = operation.definition.raw["responses"]
        for body in (
            _nested(3000),
            b'{"device_id":"d","items":[{"record":' + _nested(100_000) + b"}]}",
            b"[" * 50_000,
        ):
            response = api.http.request(
                operation.method.upper(), path, content=body, headers={"Content-Type": "application/json"}
            )
            assert response.status_code == 422, (operation.path, response.text[:200])
            assert "422" in documented
            assert ErrorBody.model_validate(response.json()).error.code == "too_deep"


def test_a_push_just_within_the_depth_limit_is_read(module_server, make_live_api) -> None:
    api: Api = make_live_api("admin")
    record = enterprise(name="PLACEHOLDER")
    for depth, expected in ((MAX_JSON_DEPTH - 4, "rejected"), (MAX_JSON_DEPTH - 3, None)):
        body = orjson.dumps({"device_id": "d", "items": [item("enterprise", record)]})
        body = body.replace(b'"PLACEHOLDER"', _nested(depth))  # 4 levels down to the record's fields
        response = api.http.post("/api/v1/push", content=body, headers={"Content-Type": "application/json"})
        if expected is None:
            assert response.status_code == 422 and response.json()["error"]["code"] == "too_deep"
        else:
            assert response.status_code == 200, response.text[:300]
            assert response.json()["results"][0]["status"] == expected
