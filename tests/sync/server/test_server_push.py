"""Push semantics: accepted, duplicate, soft and hard conflicts, rejected items, one bad item never sinks a batch."""

from __future__ import annotations

from server_helpers import Api, enterprise, item, visit


def test_new_records_are_accepted_at_version_1(cadre: Api) -> None:
    e = enterprise()
    v = visit(e["id"], cadre.name)
    results = cadre.push([item("enterprise", e), item("visit", v, rev=3)])
    assert [(r["status"], r["server_version"], r["rev"]) for r in results] == [
        ("accepted", 1, 1),
        ("accepted", 1, 3),
    ]
    stored = cadre.record("visit", v["id"])
    assert stored is not None and stored["record"] == v and stored["server_version"] == 1


def test_a_resend_is_a_duplicate_and_stores_nothing_new(cadre: Api) -> None:
    e = enterprise()
    cadre.push([item("enterprise", e)])
    before = cadre.cursor()
    results = cadre.push([item("enterprise", e)])
    assert results[0]["status"] == "duplicate" and results[0]["server_version"] == 1
    assert cadre.pull_all(before)[0] == []


def test_an_edit_from_the_current_version_is_accepted(cadre: Api) -> None:
    e = enterprise()
    cadre.push([item("enterprise", e)])
    results = cadre.push([item("enterprise", {**e, "union_members": 12}, rev=2, base=1)])
    assert results[0]["status"] == "accepted" and results[0]["server_version"] == 2
    assert cadre.record("enterprise", e["id"])["record"]["union_members"] == 12


def test_a_stale_edit_of_other_fields_is_merged(make_api) -> None:
    a, b = make_api(), make_api()
    e = enterprise()
    a.push([item("enterprise", e)])
    assert (
        b.push([item("enterprise", {**e, "address": "99 Hai Bà Trưng"}, rev=2, base=1)])[0]["status"]
        == "accepted"
    )
    result = a.push([item("enterprise", {**e, "union_members": 7}, rev=2, base=1)])[0]
    assert (result["status"], result["conflict"], result["server_version"]) == ("conflict", "soft", 3)
    assert result["conflict_fields"] == ["union_members"]
    merged = {**e, "address": "99 Hai Bà Trưng", "union_members": 7}
    assert result["record"] == merged
    assert a.record("enterprise", e["id"])["record"] == merged


def test_a_stale_edit_of_the_same_field_is_a_hard_conflict_kept_for_a_person(make_api) -> None:
    a, b, admin = make_api(), make_api(), make_api("admin")
    e = enterprise()
    a.push([item("enterprise", e)])
    b.push([item("enterprise", {**e, "name": "Công ty B"}, rev=2, base=1)])
    mine = {**e, "name": "Công ty A", "ward": "Phường 2"}
    for _ in range(2):  # a resend files no second conflict
        result = a.push([item("enterprise", mine, rev=2, base=1)])[0]
        assert (result["status"], result["conflict"], result["conflict_fields"]) == (
            "conflict",
            "hard",
            ["name"],
        )
        assert result["server_version"] == 2 and result["record"]["name"] == "Công ty B"
    assert a.record("enterprise", e["id"])["record"]["name"] == "Công ty B"
    conflicts = [c for c in admin.http.get("/api/v1/conflicts").json()["items"] if c["record_id"] == e["id"]]
    assert (
        len(conflicts) == 1 and conflicts[0]["client_record"] == mine and conflicts[0]["fields"] == ["name"]
    )
    # the person settles it with the laptop's version
    response = admin.http.post(
        f"/api/v1/conflicts/{conflicts[0]['id']}/resolve", json={"resolution": "client"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["server_version"] == 3
    assert a.record("enterprise", e["id"])["record"] == mine
    again = admin.http.post(f"/api/v1/conflicts/{conflicts[0]['id']}/resolve", json={"resolution": "server"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_resolved"


def test_an_accepted_push_on_the_current_version_closes_the_pushers_open_conflict(make_api) -> None:
    a, b, c, d, admin = make_api(), make_api(), make_api(), make_api(), make_api("admin")
    e = enterprise()
    a.push([item("enterprise", e)])
    b.push([item("enterprise", {**e, "name": "Công ty B"}, rev=2, base=1)])
    mine, theirs = {**e, "name": "Công ty A"}, {**e, "name": "Công ty C"}
    assert a.push([item("enterprise", mine, rev=2, base=1)])[0]["conflict"] == "hard"
    assert c.push([item("enterprise", theirs, rev=2, base=1)])[0]["conflict"] == "hard"

    # a's cadre chose "keep mine": the laptop re-based on the server's version 2 and pushed again
    result = a.push([item("enterprise", mine, rev=2, base=2)])[0]

    assert (result["status"], result["server_version"]) == ("accepted", 3)
    listed = admin.http.get("/api/v1/conflicts", params={"resolved": "true"}).json()["items"]
    by_cadre = {x["submitted_by"]: x for x in listed if x["record_id"] == e["id"]}
    assert set(by_cadre) == {a.name, c.name}
    settled = by_cadre[a.name]
    assert (settled["resolution"], settled["resolved_by"]) == ("client", a.name) and settled["resolved_at"]
    assert by_cadre[c.name]["resolved_at"] is None  # c's laptop still disagrees
    still_open = [
        x["submitted_by"]
        for x in admin.http.get("/api/v1/conflicts").json()["items"]
        if x["record_id"] == e["id"]
    ]
    assert still_open == [c.name]
    # filed and settled within one batch (the same id twice): closed too, in the same transaction
    late = {**e, "name": "Công ty D"}
    results = d.push([item("enterprise", late, rev=2, base=1), item("enterprise", late, rev=3, base=3)])
    assert [(r["status"], r["conflict"]) for r in results] == [("conflict", "hard"), ("accepted", None)]
    [filed] = [
        x
        for x in admin.http.get("/api/v1/conflicts", params={"resolved": "true"}).json()["items"]
        if x["record_id"] == e["id"] and x["submitted_by"] == d.name
    ]
    assert (filed["resolution"], filed["resolved_by"]) == ("client", d.name)


def test_a_resend_after_a_lost_answer_is_a_duplicate_even_after_later_changes(make_api) -> None:
    a, b = make_api(), make_api()
    e = enterprise()
    a.push([item("enterprise", e)])
    b.push([item("enterprise", {**e, "name": "Đổi tên"}, rev=2, base=1)])
    result = a.push([item("enterprise", e)])[0]  # the laptop never heard "accepted" and sends it again
    assert (result["status"], result["server_version"]) == ("duplicate", 1)


def test_invalid_items_are_rejected_with_their_fields_and_the_rest_is_stored(cadre: Api) -> None:
    e = enterprise()
    bad = visit(e["id"], cadre.name, headcount=-1, attitude="angry")
    good = visit(e["id"], cadre.name)
    results = cadre.push([item("enterprise", e), item("visit", bad), item("visit", good)])
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted"]
    fields = {p["field"]: p for p in results[1]["errors"]}
    assert {"headcount", "attitude"} <= set(fields)
    assert fields["headcount"]["vi"] and fields["headcount"]["en"]
    assert results[1]["server_version"] is None
    assert cadre.record("visit", bad["id"]) is None
    assert cadre.record("visit", good["id"]) is not None


def test_unknown_fields_and_wrong_types_inside_a_record_are_rejected(cadre: Api) -> None:
    e = enterprise(union_members="many", favourite_colour="blue")
    result = cadre.push([item("enterprise", e)])[0]
    assert result["status"] == "rejected"
    assert {p["field"]: p["code"] for p in result["errors"]} == {
        "union_members": "not_a_number",
        "favourite_colour": "unknown_field",
    }
    assert cadre.record("enterprise", e["id"]) is None


def test_a_visit_for_an_unknown_enterprise_is_rejected_unless_the_batch_creates_it_first(cadre: Api) -> None:
    e = enterprise()
    orphan = visit(e["id"], cadre.name)
    result = cadre.push([item("visit", orphan)])[0]
    assert result["status"] == "rejected"
    assert [(p["field"], p["code"]) for p in result["errors"]] == [("enterprise_id", "unknown_enterprise")]
    assert cadre.record("visit", orphan["id"]) is None
    results = cadre.push([item("enterprise", e), item("visit", orphan)])
    assert [r["status"] for r in results] == ["accepted", "accepted"]


def test_a_tax_code_already_taken_is_rejected(cadre: Api) -> None:
    first = enterprise()
    second = enterprise(tax_code=first["tax_code"])
    results = cadre.push([item("enterprise", first), item("enterprise", second)])
    assert [r["status"] for r in results] == ["accepted", "rejected"]
    assert results[1]["errors"][0]["field"] == "tax_code"
    assert results[1]["errors"][0]["code"] == "duplicate_tax_code"


def test_an_item_whose_id_differs_from_its_record_is_rejected(cadre: Api) -> None:
    e = enterprise()
    result = cadre.push([{**item("enterprise", e), "id": enterprise()["id"]}])[0]
    assert result["status"] == "rejected" and result["errors"][0]["code"] == "id_mismatch"


def test_an_edit_of_a_deleted_enterprise_is_rejected(cadre: Api, admin: Api) -> None:
    e = enterprise()
    cadre.push([item("enterprise", e)])
    assert admin.http.delete(f"/api/v1/enterprises/{e['id']}").status_code == 200
    result = cadre.push([item("enterprise", {**e, "name": "Mới"}, rev=2, base=1)])[0]
    assert result["status"] == "rejected" and result["errors"][0]["code"] == "record_deleted"
    assert (
        cadre.push([item("visit", visit(e["id"], cadre.name))])[0]["errors"][0]["code"]
        == "unknown_enterprise"
    )


def test_an_admin_may_push_visits_for_any_cadre(admin: Api, cadre: Api) -> None:
    e = enterprise()
    v = visit(e["id"], cadre.name)
    assert [r["status"] for r in admin.push([item("enterprise", e), item("visit", v)])] == [
        "accepted",
        "accepted",
    ]
    assert cadre.record("visit", v["id"]) is not None  # the cadre owns it and sees it


def test_a_merge_that_would_be_invalid_is_a_hard_conflict(make_api) -> None:
    a = make_api()
    e = enterprise()
    v = visit(e["id"], a.name, headcount=40, seasonal=5, managers=2)
    a.push([item("enterprise", e), item("visit", v)])
    admin = make_api("admin")
    assert (
        admin.push([item("visit", {**v, "headcount": 10, "applications": 0}, rev=2, base=1)])[0]["status"]
        == "accepted"
    )
    # each side valid on its own; together seasonal (30) would exceed the head count (10)
    result = a.push([item("visit", {**v, "seasonal": 30}, rev=2, base=1)])[0]
    assert (result["status"], result["conflict"], result["conflict_fields"]) == (
        "conflict",
        "hard",
        ["seasonal"],
    )
    assert a.record("visit", v["id"])["record"]["seasonal"] == 5


def test_a_base_version_the_server_never_issued_is_rejected(cadre: Api) -> None:
    e = enterprise()
    cadre.push([item("enterprise", e)])
    result = cadre.push([item("enterprise", {**e, "name": "Khác"}, rev=2, base=7)])[0]
    assert result["status"] == "rejected"
    assert [(p["field"], p["code"]) for p in result["errors"]] == [("base_version", "unknown_base_version")]


def test_resolving_with_an_edited_record_validates_it(make_api) -> None:
    a, b = make_api(), make_api()
    e = enterprise()
    a.push([item("enterprise", e)])
    b.push([item("enterprise", {**e, "union_members": 1}, rev=2, base=1)])
    a.push([item("enterprise", {**e, "union_members": 2}, rev=2, base=1)])
    conflict = [c for c in a.http.get("/api/v1/conflicts").json()["items"] if c["record_id"] == e["id"]][0]
    bad = a.http.post(
        f"/api/v1/conflicts/{conflict['id']}/resolve",
        json={"resolution": "edit", "record": {**e, "union_members": -3}},
    )
    assert bad.status_code == 422 and bad.json()["error"]["errors"][0]["field"] == "union_members"
    good = a.http.post(
        f"/api/v1/conflicts/{conflict['id']}/resolve",
        json={"resolution": "edit", "record": {**e, "union_members": 3}},
    )
    assert good.status_code == 200 and good.json()["resolution"] == "edit"
    assert a.record("enterprise", e["id"])["record"]["union_members"] == 3
    assert b.http.get("/api/v1/conflicts").json()["items"] == []  # not b's conflict
