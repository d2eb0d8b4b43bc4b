"""Auth, in-process: bearer tokens, immediate revocation, what a cadre may see, admin-only actions, 403 answers."""

from __future__ import annotations

import pytest
from server_helpers import Api, AppServer, enterprise, item, visit

from sync.server.users import revoke_user

PROTECTED = [
    ("GET", "/api/v1/changes"),
    ("GET", "/api/v1/enterprises"),
    ("GET", "/api/v1/visits"),
    ("GET", "/api/v1/conflicts"),
    ("POST", "/api/v1/push"),
    ("POST", "/api/v1/conflicts/1/resolve"),
    ("DELETE", "/api/v1/enterprises/5f0c3c52-5d07-4d1c-9a4e-1f4a3f6a8b21"),
]


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_no_token_or_a_wrong_token_gets_401(server: AppServer, method: str, path: str) -> None:
    anonymous = server.client(None)
    for headers in (
        {},
        {"Authorization": "Bearer not-a-real-token"},
        {"Authorization": "Basic YWxpY2U6eA=="},
    ):
        response = anonymous.http.request(
            method, path, headers=headers, json={"device_id": "d", "items": [], "resolution": "server"}
        )
        assert response.status_code == 401, (headers, response.text)
        assert response.json()["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"] == "Bearer"


def test_revocation_takes_effect_on_the_next_request(server: AppServer, cadre: Api) -> None:
    assert cadre.http.get("/api/v1/enterprises").status_code == 200
    revoke_user(server.engine, cadre.name)
    response = cadre.http.get("/api/v1/enterprises")
    assert response.status_code == 401
    assert "revoked" in response.json()["error"]["message"]


def test_a_forged_visit_is_a_403_naming_the_item_in_both_languages(make_api) -> None:
    me, other = make_api(), make_api()
    e = enterprise()
    me.push([item("enterprise", e)])
    response = me.push_raw(
        [item("visit", visit(e["id"], me.name)), item("visit", visit(e["id"], other.name))]
    )
    assert response.status_code == 403
    error = response.json()["error"]
    assert (error["code"], error["message"]) == (
        "forged_cadre",
        f"1 visit(s) name a cadre other than {me.name!r}; nothing was stored",
    )
    assert error["errors"] == [
        {
            "field": "items.1.record.cadre",
            "code": "forged_cadre",
            "vi": f"chỉ được gửi lần thăm của chính mình ({me.name}); lần thăm này ghi cán bộ khác",
            "en": f"you may only send your own visits ({me.name}); this visit names another cadre",
        }
    ]


def test_a_cadre_neither_changes_nor_sees_another_cadres_visit_outside_their_area(make_api) -> None:
    owner, intruder = make_api(wards=["Bến Thành"]), make_api(wards=["Phường 9"])
    e = enterprise()
    v = visit(e["id"], owner.name)
    owner.push([item("enterprise", e), item("visit", v)])
    response = intruder.push_raw([item("visit", {**v, "cadre": intruder.name, "note": "x"}, rev=2, base=1)])
    assert response.status_code == 403 and response.json()["error"]["code"] == "not_your_visit"
    assert owner.record("visit", v["id"])["record"] == v  # type: ignore[index]
    assert intruder.record("visit", v["id"]) is None
    assert v["id"] not in {c["id"] for c in intruder.pull_all()[0]}
    assert e["id"] not in {r["id"] for r in intruder.get_all("enterprises")}  # another area's firm


def test_only_an_admin_may_delete_an_enterprise(cadre: Api, admin: Api) -> None:
    e = enterprise()
    cadre.push([item("enterprise", e)])
    response = cadre.http.delete(f"/api/v1/enterprises/{e['id']}")
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert cadre.record("enterprise", e["id"]) is not None
    assert admin.http.delete(f"/api/v1/enterprises/{e['id'].upper()}").json()["deleted_visits"] == 0
    assert cadre.record("enterprise", e["id"]) is None
    again = admin.http.delete(f"/api/v1/enterprises/{e['id']}")
    assert again.status_code == 404 and again.json()["error"]["code"] == "not_found"


def test_tokens_never_start_with_a_dash_so_a_command_line_takes_them() -> None:
    from sync.server.users import new_token

    tokens = [new_token() for _ in range(2000)]  # a token_urlsafe starts with "-" once in 64
    assert not any(t.startswith("-") for t in tokens)
    assert len(set(tokens)) == len(tokens) and all(len(t) >= 46 for t in tokens)
