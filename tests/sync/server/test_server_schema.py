"""Schemathesis against the schema a real server process serves: no 5xx, responses as documented.

Positive cases (valid per the schema) for an admin and a cadre, and negative cases (invalid per the schema) that
must be refused with a documented 4xx, never a 5xx.
"""

from __future__ import annotations

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
