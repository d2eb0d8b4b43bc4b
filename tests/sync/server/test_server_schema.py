"""Schemathesis against the schema a real server process serves: no 5xx, responses as documented."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from server_helpers import Api, enterprise, item

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 30


@pytest.mark.parametrize("role", ["admin", "cadre"])
def test_generated_requests_get_no_5xx_and_documented_responses(module_server, make_api, role: str) -> None:
    api: Api = make_api(role)
    # some data, so listings, pulls and conflicts have something to return
    api.push([item("enterprise", enterprise()) for _ in range(3)])
    headers = {"Authorization": api.http.headers["Authorization"]}
    schema = schemathesis.openapi.from_url(f"{module_server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=module_server.url, headers=headers, checks=CHECKS, timeout=30)

        check()
