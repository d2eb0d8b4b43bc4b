"""Auth: bearer tokens, immediate revocation, cadres limited to their own visits, admin-only actions."""

from __future__ import annotations

import httpx
import pytest
from server_helpers import Api, enterprise, item, visit

from sync.server.users import revoke_user

PROTECTED = [
    ("GET", "/api/v1/changes"),
    ("GET", "/api/v1/enterprises"),
    ("GET", "/api/v1/visits"),
    ("GET", "/api/v1/conflicts"),
    ("POST", "/api/v1/push"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_no_token_or_a_wrong_token_gets_401(module_server, method: str, path: str) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer not-a-real-token"},
        {"Authorization": "Basic YWxpY2U6eA=="},
    ):
        response = httpx.request(
            method, module_server.url + path, headers=headers, json={"device_id": "d", "items": []}
        )
        assert response.status_code == 401, (headers, response.text)
        assert response.json()["error"]["code"] == "unauthorized"


def test_revocation_takes_effect_on_the_next_request(module_server, make_api) -> None:
    cadre = make_api()
    assert cadre.http.get("/api/v1/enterprises").status_code == 200
    revoke_user(module_server.database_url, cadre.name)
    response = cadre.http.get("/api/v1/enterprises")
    assert response.status_code == 401
    assert "revoked" in response.json()["error"]["message"]


def test_a_cadre_may_not_push_a_visit_in_another_cadres_name(make_api) -> None:
    me, other = make_api(), make_api()
    e = enterprise()
    me.push([item("enterprise", e)])
    mine, forged = visit(e["id"], me.name), visit(e["id"], other.name)
    response = me.push_raw([item("visit", mine), item("visit", forged)])
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "forged_cadre"
    assert [p["field"] for p in error["errors"]] == ["items.1.record.cadre"]
    # nothing of the request was stored, not even the honest visit
    assert me.record("visit", mine["id"]) is None
    assert other.record("visit", forged["id"]) is None


def test_a_cadre_may_not_change_another_cadres_visit(make_api, admin: Api) -> None:
    owner, intruder = make_api(), make_api()
    e = enterprise()
    v = visit(e["id"], owner.name)
    owner.push([item("enterprise", e), item("visit", v)])
    # the intruder sends the same visit id in their own name
    response = intruder.push_raw([item("visit", {**v, "cadre": intruder.name, "note": "x"}, rev=2, base=1)])
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_your_visit"
    assert owner.record("visit", v["id"])["record"] == v
    # and cannot see it either
    assert intruder.record("visit", v["id"]) is None
    assert v["id"] not in {c["id"] for c in intruder.pull_all()[0]}
    # an admin cannot hand a visit to another cadre by editing it
    result = admin.push([item("visit", {**v, "cadre": intruder.name}, rev=2, base=1)])[0]
    assert result["status"] == "rejected" and result["errors"][0]["code"] == "cadre_changed"


def test_cadres_share_the_enterprise_registry(make_api) -> None:
    a, b = make_api(), make_api()
    e = enterprise()
    a.push([item("enterprise", e)])
    assert (
        b.push([item("enterprise", {**e, "assigned_to": b.name}, rev=2, base=1)])[0]["status"] == "accepted"
    )
    assert a.record("enterprise", e["id"])["record"]["assigned_to"] == b.name


def test_only_an_admin_may_delete_an_enterprise(cadre: Api, admin: Api) -> None:
    e = enterprise()
    cadre.push([item("enterprise", e)])
    response = cadre.http.delete(f"/api/v1/enterprises/{e['id']}")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert cadre.record("enterprise", e["id"]) is not None
    assert admin.http.delete(f"/api/v1/enterprises/{e['id']}").json()["deleted_visits"] == 0
    assert admin.http.delete(f"/api/v1/enterprises/{e['id']}").status_code == 404
