"""Pull: a change feed after a cursor, in pages, with deletions and reassignments; listings are paged.

In-process on each database: the order of the feed and the pages are SQL.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from server_helpers import Api, AppServer, enterprise, item, visit


@pytest.fixture
def admin(any_server: AppServer) -> Api:
    return any_server.api("admin")


@pytest.fixture
def make_api(any_server: AppServer) -> Callable[..., Api]:
    return any_server.api


def test_pull_pages_through_every_change_once_in_order(admin: Api) -> None:
    start = admin.cursor()
    records = [enterprise() for _ in range(25)]
    admin.push([item("enterprise", r) for r in records])
    seen, cursor, pages = [], start, 0
    for _ in range(100):
        page = admin.http.get("/api/v1/changes", params={"since": cursor, "limit": 7}).json()
        pages += 1
        seen.extend(page["changes"])
        assert page["next_cursor"] >= cursor
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert pages == 4
    assert [c["id"] for c in seen] == [r["id"] for r in records]
    assert [c["seq"] for c in seen] == sorted(c["seq"] for c in seen)
    assert all(c["op"] == "upsert" and c["server_version"] == 1 for c in seen)
    assert seen[0]["record"] == records[0]
    # nothing new: the same cursor comes back, no more pages
    empty = admin.http.get("/api/v1/changes", params={"since": cursor}).json()
    assert empty == {
        "changes": [],
        "next_cursor": cursor,
        "has_more": False,
        "head": cursor,
        "epoch": page["epoch"],
        "scope": "all",
    }


def test_pull_brings_deletions_of_an_enterprise_and_its_visits(admin: Api, make_api) -> None:
    cadre = make_api()
    e = enterprise()
    v = visit(e["id"], cadre.name)
    cadre.push([item("enterprise", e), item("visit", v)])
    start = cadre.cursor()
    assert admin.http.delete(f"/api/v1/enterprises/{e['id']}").json()["deleted_visits"] == 1
    changes, _ = cadre.pull_all(start)
    assert {(c["kind"], c["id"], c["op"], c["record"]) for c in changes} == {
        ("enterprise", e["id"], "delete", None),
        ("visit", v["id"], "delete", None),
    }
    assert cadre.record("enterprise", e["id"]) is None and cadre.record("visit", v["id"]) is None


def test_pull_brings_reassignments(admin: Api, make_api) -> None:
    a, b = make_api(), make_api()
    e = enterprise(assigned_to=a.name)
    admin.push([item("enterprise", e)])
    start = b.cursor()
    admin.push([item("enterprise", {**e, "assigned_to": b.name}, rev=2, base=1)])
    changes, _ = b.pull_all(start)
    assert [(c["id"], c["server_version"], c["record"]["assigned_to"]) for c in changes] == [
        (e["id"], 2, b.name)
    ]


def test_a_record_changed_twice_appears_once_at_its_latest_version(admin: Api) -> None:
    start = admin.cursor()
    e = enterprise()
    admin.push([item("enterprise", e)])
    admin.push([item("enterprise", {**e, "union_members": 3}, rev=2, base=1)])
    changes, _ = admin.pull_all(start)
    assert [(c["id"], c["server_version"]) for c in changes] == [(e["id"], 2)]


def test_cadres_of_an_area_pull_its_enterprises_and_each_others_visits(make_api) -> None:
    a, b = make_api(wards=["Bến Thành"]), make_api(wards=["Bến Thành"])
    elsewhere = make_api(wards=["Phường 9"])
    start = a.cursor()
    e = enterprise()
    va, vb = visit(e["id"], a.name), visit(e["id"], b.name)
    a.push([item("enterprise", e), item("visit", va)])
    b.push([item("visit", vb)])
    assert {c["id"] for c in a.pull_all(start)[0]} == {e["id"], va["id"], vb["id"]}
    assert {c["id"] for c in b.pull_all(start)[0]} == {e["id"], va["id"], vb["id"]}
    assert elsewhere.pull_all(start)[0] == []


def test_listings_are_paged_and_cadres_see_their_area(make_api, admin: Api) -> None:
    a, b = make_api(wards=["Bến Thành"]), make_api(wards=["Phường 9"])
    e = enterprise()
    visits_a = [visit(e["id"], a.name) for _ in range(5)]
    a.push([item("enterprise", e)] + [item("visit", v) for v in visits_a])
    b.push([item("visit", visit(e["id"], b.name))])  # a visit is a fact: stored, though not b's area
    page = a.http.get("/api/v1/visits", params={"offset": 0, "limit": 2}).json()
    assert (len(page["items"]), page["total"], page["next_offset"]) == (2, 6, 2)
    assert len(a.get_all("visits")) == 6
    assert len(admin.get_all("visits")) >= 6
    assert b.get_all("enterprises") == [] and b.get_all("visits") == []
