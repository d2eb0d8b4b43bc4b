"""Hard conflicts over the API, in-process: listed for a person, settled once, each way validated."""

from __future__ import annotations

from typing import Any

import pytest
from server_helpers import Api, enterprise, item, visit


def _conflict(
    a: Api, b: Api, admin: Api, **server_side: Any
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(the enterprise, a's version, the conflict a's push filed): b's edit landed first, a's clashes."""
    e = enterprise()
    a.push([item("enterprise", e)])
    b.push([item("enterprise", {**e, **server_side}, rev=2, base=1)])
    mine = {**e, "name": "Công ty A"}
    assert a.push([item("enterprise", mine, rev=2, base=1)])[0]["conflict"] == "hard"
    [filed] = [c for c in admin.http.get("/api/v1/conflicts").json()["items"] if c["record_id"] == e["id"]]
    return e, mine, filed


def test_an_admin_settles_a_conflict_with_the_laptops_version_once(make_api, admin: Api) -> None:
    a, b = make_api(), make_api()
    e, mine, filed = _conflict(a, b, admin, name="Công ty B")
    assert (filed["fields"], filed["client_record"], filed["submitted_by"]) == (["name"], mine, a.name)
    assert filed["server_record"]["name"] == "Công ty B" and filed["resolved_at"] is None
    response = admin.http.post(f"/api/v1/conflicts/{filed['id']}/resolve", json={"resolution": "client"})
    assert response.status_code == 200, response.text
    settled = response.json()
    assert (settled["server_version"], settled["resolution"], settled["resolved_by"]) == (
        3,
        "client",
        admin.name,
    )
    assert a.record("enterprise", e["id"])["record"] == mine  # type: ignore[index]
    again = admin.http.post(f"/api/v1/conflicts/{filed['id']}/resolve", json={"resolution": "server"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_resolved"
    assert admin.http.get("/api/v1/conflicts").json()["items"] == []
    assert [
        c["id"] for c in admin.http.get("/api/v1/conflicts", params={"resolved": "true"}).json()["items"]
    ] == [filed["id"]]


def test_keeping_the_servers_version_stores_nothing(make_api, admin: Api) -> None:
    a, b = make_api(), make_api()
    e, _, filed = _conflict(a, b, admin, name="Công ty B")
    response = admin.http.post(f"/api/v1/conflicts/{filed['id']}/resolve", json={"resolution": "server"})
    assert response.status_code == 200 and response.json()["server_version"] == 2
    assert a.record("enterprise", e["id"])["server_version"] == 2  # type: ignore[index]


def test_a_cadre_sees_and_settles_only_their_own_conflicts_and_an_edit_is_validated(
    make_api, admin: Api
) -> None:
    a, b = make_api(), make_api()
    e, _, filed = _conflict(a, b, admin, name="Công ty B")
    assert b.http.get("/api/v1/conflicts").json()["items"] == []  # not b's conflict
    assert (
        b.http.post(f"/api/v1/conflicts/{filed['id']}/resolve", json={"resolution": "server"}).status_code
        == 404
    )
    bad = a.http.post(
        f"/api/v1/conflicts/{filed['id']}/resolve",
        json={"resolution": "edit", "record": {**e, "union_members": -3}},
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_record"
    assert bad.json()["error"]["errors"][0]["field"] == "union_members"
    missing = a.http.post(f"/api/v1/conflicts/{filed['id']}/resolve", json={"resolution": "edit"})
    assert missing.status_code == 422 and "record" in missing.json()["error"]["message"]
    good = a.http.post(
        f"/api/v1/conflicts/{filed['id']}/resolve",
        json={"resolution": "edit", "record": {**e, "name": "Công ty A-B"}},
    )
    assert good.status_code == 200 and good.json()["resolution"] == "edit"
    assert a.record("enterprise", e["id"])["record"]["name"] == "Công ty A-B"  # type: ignore[index]


def test_what_cannot_be_settled_is_refused(make_api, admin: Api) -> None:
    a, b = make_api(), make_api()
    assert admin.http.post("/api/v1/conflicts/999/resolve", json={"resolution": "server"}).status_code == 404
    # the record was deleted since
    e, _, filed = _conflict(a, b, admin, name="Công ty B")
    admin.http.delete(f"/api/v1/enterprises/{e['id']}")
    gone = admin.http.post(f"/api/v1/conflicts/{filed['id']}/resolve", json={"resolution": "client"})
    assert gone.status_code == 409 and gone.json()["error"]["code"] == "record_deleted"
    # its tax code went to another enterprise meanwhile
    e, _, filed = _conflict(a, b, admin, name="Công ty B", tax_code=None)
    admin.push([item("enterprise", enterprise(tax_code=e["tax_code"]))])
    taken = admin.http.post(f"/api/v1/conflicts/{filed['id']}/resolve", json={"resolution": "client"})
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "duplicate_tax_code"


def test_a_visits_cadre_cannot_change_by_settling(make_api, admin: Api) -> None:
    a = make_api()
    e = enterprise()
    v = visit(e["id"], a.name)
    a.push([item("enterprise", e), item("visit", v)])
    admin.push([item("visit", {**v, "note": "Văn phòng ghi"}, rev=2, base=1)])
    assert a.push([item("visit", {**v, "note": "Cán bộ ghi"}, rev=2, base=1)])[0]["conflict"] == "hard"
    [filed] = a.http.get("/api/v1/conflicts").json()["items"]
    response = admin.http.post(
        f"/api/v1/conflicts/{filed['id']}/resolve",
        json={"resolution": "edit", "record": {**v, "cadre": "someone else"}},
    )
    assert response.status_code == 422 and "cadre" in response.json()["error"]["message"]


@pytest.mark.parametrize("conflict_id", ["0", "x", str(2**31)])
def test_a_conflict_id_out_of_range_is_422(admin: Api, conflict_id: str) -> None:
    response = admin.http.post(f"/api/v1/conflicts/{conflict_id}/resolve", json={"resolution": "server"})
    assert response.status_code == 422 and response.json()["error"]["code"] == "invalid_request"
