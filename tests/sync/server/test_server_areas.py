"""Areas and roles on the server: wards per user (matched as the laptop folds), single firms, /me, viewers."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result
from server_helpers import AppServer, enterprise, item

from sync.server.cli import main
from sync.server.config import ENV_DATABASE_URL
from sync.server.users import add_user


def run(server: AppServer, *args: str) -> Result:
    return CliRunner().invoke(
        main, ["--lang", "en", *args, "--database-url", server.database_url], env={ENV_DATABASE_URL: None}
    )


def test_area_assign_matches_wards_the_way_the_laptop_folds(any_server: AppServer) -> None:
    admin = any_server.api("admin")
    admin.push([item("enterprise", enterprise(ward="Phường Thanh Nhàn"))])
    add_user(any_server.engine, "nva", full_name="Nguyễn Văn A")

    first = run(any_server, "area", "assign", "nva", "thanh nhan", "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["wards"] == ["thanh nhan"]
    # the same ward spelt another way is the same ward: nothing is added twice
    again = run(any_server, "area", "assign", "nva", "P. Thanh Nhàn", "Bạch Mai", "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["wards"] == ["thanh nhan", "Bạch Mai"]
    # Bạch Mai has no enterprise in the registry yet: a warning, not a refusal
    assert "no enterprise of the registry is in ward 'Bạch Mai'" in again.stderr

    listed = json.loads(run(any_server, "area", "list", "--json").stdout)
    nva = next(a for a in listed if a["user"] == "nva")
    assert nva == {
        "user": "nva",
        "full_name": "Nguyễn Văn A",
        "wards": ["thanh nhan", "Bạch Mai"],
        "enterprises": [],
    }


def test_unassign_is_all_or_nothing(server: AppServer) -> None:
    add_user(server.engine, "nva")
    assert run(server, "area", "assign", "nva", "Thanh Nhàn", "Bạch Mai").exit_code == 0
    refused = run(server, "area", "unassign", "nva", "Bạch Mai", "Đồng Tâm")
    assert refused.exit_code == 1
    assert "Đồng Tâm" in refused.output and "nothing was changed" in refused.output
    listed = json.loads(run(server, "area", "list", "--json").stdout)
    assert listed[0]["wards"] == ["Thanh Nhàn", "Bạch Mai"]
    done = run(server, "area", "unassign", "nva", "bach mai", "--json")
    assert done.exit_code == 0 and json.loads(done.stdout)["wards"] == ["Thanh Nhàn"]


def test_a_ward_may_have_several_cadres(server: AppServer) -> None:
    for name in ("nva", "ttb"):
        add_user(server.engine, name)
        assert run(server, "area", "assign", name, "Thanh Nhàn").exit_code == 0
    listed = json.loads(run(server, "area", "list", "--json").stdout)
    assert [a["wards"] for a in listed] == [["Thanh Nhàn"], ["Thanh Nhàn"]]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["area", "assign", "nobody", "Thanh Nhàn"], "no user named 'nobody'"),
        (["area", "assign", "nva", "Thanh\x1bNhàn"], "control characters"),
        (["area", "assign", "nva", "x" * 101], "1 to 100 characters"),
        (["area", "assign", "viewer1", "Thanh Nhàn"], "viewer"),
        (["enterprise", "assign", "0101234567", "nva"], "no enterprise with tax code 0101234567"),
        (["enterprise", "assign", "not-a-code", "nva"], "neither an enterprise id nor a tax code"),
    ],
)
def test_bad_area_commands_name_what_is_wrong_and_change_nothing(
    server: AppServer, args: list[str], says: str
) -> None:
    add_user(server.engine, "nva")
    add_user(server.engine, "viewer1", role="viewer")
    result = run(server, *args)
    assert result.exit_code == 1 and says in result.output, result.output
    assert json.loads(run(server, "area", "list", "--json").stdout) == [
        {"user": "nva", "full_name": None, "wards": [], "enterprises": []}
    ]


def test_enterprise_assign_by_tax_code_writes_assigned_to_for_every_laptop(any_server: AppServer) -> None:
    admin = any_server.api("admin")
    big = enterprise(ward="Phường Đồng Tâm", tax_code="0100109106")
    admin.push([item("enterprise", big)])
    add_user(any_server.engine, "nva")
    cursor = admin.cursor()

    result = run(any_server, "enterprise", "assign", "0100109106", "nva", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["enterprises"] == [
        {"id": big["id"], "tax_code": "0100109106", "name": big["name"]}
    ]
    changes, _ = admin.pull_all(since=cursor)
    assert [(c["id"], c["record"]["assigned_to"]) for c in changes] == [(big["id"], "nva")]
    # assigning again changes nothing on the laptops' side
    assert run(any_server, "enterprise", "assign", big["id"], "nva").exit_code == 0
    assert admin.pull_all(since=cursor)[0] == changes


def test_me_says_who_the_token_is(server: AppServer) -> None:
    cadre = server.client(add_user(server.engine, "nva", full_name="Nguyễn Văn A"), "nva")
    run(server, "area", "assign", "nva", "Thanh Nhàn")
    me = cadre.http.get("/api/v1/me")
    assert me.status_code == 200
    assert me.json() == {
        "name": "nva",
        "full_name": "Nguyễn Văn A",
        "role": "cadre",
        "area": {"user": "nva", "full_name": "Nguyễn Văn A", "wards": ["Thanh Nhàn"], "enterprises": []},
    }
    boss = server.client(add_user(server.engine, "boss", role="viewer"), "boss").http.get("/api/v1/me").json()
    assert boss["role"] == "viewer" and boss["area"] is None
    assert server.client(None).http.get("/api/v1/me").status_code == 401


def test_area_api_for_admins_reads_for_viewers(server: AppServer) -> None:
    admin = server.api("admin")
    viewer = server.api("viewer")
    cadre = server.api("cadre", name="nva", wards=())
    assigned = admin.http.post("/api/v1/areas/nva/assign", json={"wards": ["thanh nhan"]})
    assert assigned.status_code == 200 and assigned.json()["wards"] == ["thanh nhan"]
    assert viewer.http.post("/api/v1/areas/nva/assign", json={"wards": ["x"]}).status_code == 403
    assert cadre.http.get("/api/v1/areas").status_code == 403
    assert [a["user"] for a in viewer.http.get("/api/v1/areas").json()] == sorted([admin.name, "nva"])
    missing = admin.http.post("/api/v1/areas/nva/unassign", json={"wards": ["Bạch Mai"]})
    assert missing.status_code == 422 and "Bạch Mai" in missing.json()["error"]["message"]
    assert admin.http.post("/api/v1/areas/nobody/assign", json={"wards": ["a"]}).status_code == 404


def test_a_viewer_reads_everything_and_writes_nothing(server: AppServer) -> None:
    admin = server.api("admin")
    firm = enterprise()
    admin.push([item("enterprise", firm)])
    viewer = server.api("viewer")
    assert [r["id"] for r in viewer.get_all("enterprises")] == [firm["id"]]
    refused = viewer.push_raw([item("enterprise", enterprise())])
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "read_only"
    assert len(admin.get_all("enterprises")) == 1
