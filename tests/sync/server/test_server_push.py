"""The push decision table, called directly on SQLite: every fate an item can meet, and what it leaves stored.

accepted, duplicate (also of an older version), soft conflict (merged), hard conflict (filed once), rejected (invalid,
unknown base, deleted, tax code taken, unknown enterprise, cadre changed), and the 403s that refuse a whole request.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from server_helpers import enterprise, item, new_id, visit
from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import OperationalError
from support.areas import cadre_info

from sync.protocol import ItemResult, PushItem, PushRequest
from sync.server import push as push_module
from sync.server.db import read_session, write_session
from sync.server.errors import ApiError
from sync.server.models import Conflict, RecordVersion
from sync.server.push import push
from sync.server.recordstore import State, load_states
from sync.server.users import UserInfo

NOW = datetime(2026, 11, 23, tzinfo=UTC)
# cadres are rows of the users table (their areas are): the autouse fixture makes them, in this order, in every
# test's fresh database
NVA = UserInfo("nva", "cadre", None, NOW, None, id=1)
TTB = UserInfo("ttb", "cadre", None, NOW, None, id=2)
LVC = UserInfo("lvc", "cadre", None, NOW, None, id=3)
OFFICE = UserInfo("office", "admin", None, NOW, None)


@pytest.fixture(autouse=True)
def cadres(engine: Engine) -> None:
    for user in (NVA, TTB, LVC):
        assert cadre_info(engine, user.name).id == user.id


def send(engine: Engine, user: UserInfo, *items: dict[str, Any]) -> list[ItemResult]:
    request = PushRequest(device_id="laptop-1", items=[PushItem.model_validate(i) for i in items])
    return push(engine, user, request).results


def stored(engine: Engine, kind: str, rid: str) -> State | None:
    with read_session(engine) as session:
        return load_states(session, kind, [rid]).get((kind, rid))


def conflicts(engine: Engine, rid: str) -> list[Conflict]:
    with read_session(engine) as session:
        rows = list(session.scalars(select(Conflict).where(Conflict.record_id == rid).order_by(Conflict.id)))
        session.expunge_all()  # readable after the session ends
        return rows


def fates(results: list[ItemResult]) -> list[tuple[str, int | None]]:
    return [(r.status, r.server_version) for r in results]


def codes(result: ItemResult) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in result.errors]


# --- accepted and duplicate ------------------------------------------------------------------------------
def test_new_records_are_accepted_at_version_1_and_echo_their_rev(engine: Engine) -> None:
    e = enterprise()
    v = visit(e["id"], NVA.name)
    results = send(engine, NVA, item("enterprise", e), item("visit", v, rev=3))
    assert [(r.status, r.server_version, r.rev) for r in results] == [("accepted", 1, 1), ("accepted", 1, 3)]
    state = stored(engine, "visit", v["id"])
    assert state is not None and state.content == v and state.version == 1 and state.owner == NVA.name


def test_a_resend_is_a_duplicate_and_stores_nothing_new(engine: Engine) -> None:
    e = enterprise()
    send(engine, NVA, item("enterprise", e))
    assert fates(send(engine, NVA, item("enterprise", e))) == [("duplicate", 1)]
    assert stored(engine, "enterprise", e["id"]).version == 1  # type: ignore[union-attr]


def test_an_edit_from_the_current_version_is_accepted(engine: Engine) -> None:
    e = enterprise()
    send(engine, NVA, item("enterprise", e))
    assert fates(send(engine, NVA, item("enterprise", {**e, "union_members": 12}, rev=2, base=1))) == [
        ("accepted", 2)
    ]
    assert stored(engine, "enterprise", e["id"]).content["union_members"] == 12  # type: ignore[union-attr]


def test_a_resend_after_a_lost_answer_is_a_duplicate_of_the_version_it_made(engine: Engine) -> None:
    e = enterprise()
    send(engine, NVA, item("enterprise", e))
    mine = {**e, "union_members": 4}
    send(engine, NVA, item("enterprise", mine, rev=2, base=1))  # version 2; the laptop never heard the answer
    send(engine, TTB, item("enterprise", {**mine, "name": "Đổi tên"}, rev=1, base=2))  # version 3
    assert fates(send(engine, NVA, item("enterprise", mine, rev=2, base=1))) == [("duplicate", 2)]
    assert fates(send(engine, NVA, item("enterprise", e))) == [("duplicate", 1)]  # the creation, resent
    assert stored(engine, "enterprise", e["id"]).version == 3  # type: ignore[union-attr]


# --- conflicts ---------------------------------------------------------------------------------------------
def test_a_stale_edit_of_other_fields_is_merged(engine: Engine) -> None:
    e = enterprise()
    send(engine, NVA, item("enterprise", e))
    send(engine, TTB, item("enterprise", {**e, "address": "99 Hai Bà Trưng"}, rev=2, base=1))
    [result] = send(engine, NVA, item("enterprise", {**e, "union_members": 7}, rev=2, base=1))
    merged = {**e, "address": "99 Hai Bà Trưng", "union_members": 7}
    assert (result.status, result.conflict, result.server_version) == ("conflict", "soft", 3)
    assert result.conflict_fields == ["union_members"] and result.record == merged
    assert stored(engine, "enterprise", e["id"]).content == merged  # type: ignore[union-attr]
    assert conflicts(engine, e["id"]) == []


def test_both_sides_making_the_same_change_is_no_conflict(engine: Engine) -> None:
    e = enterprise()
    send(engine, NVA, item("enterprise", e))
    same = {**e, "union_members": 9}
    send(engine, TTB, item("enterprise", same, rev=2, base=1))
    assert fates(send(engine, NVA, item("enterprise", same, rev=2, base=1))) == [("duplicate", 2)]
    # the server made that change along with another: merging the laptop's in changes nothing
    other = enterprise()
    send(engine, NVA, item("enterprise", other))
    send(
        engine,
        TTB,
        item("enterprise", {**other, "union_members": 9, "address": "1 Tràng Tiền"}, rev=2, base=1),
    )
    [result] = send(engine, NVA, item("enterprise", {**other, "union_members": 9}, rev=2, base=1))
    assert (result.status, result.server_version, result.conflict) == ("duplicate", 2, None)
    assert conflicts(engine, e["id"]) == conflicts(engine, other["id"]) == []


def test_a_stale_edit_of_the_same_field_is_a_hard_conflict_filed_once(engine: Engine) -> None:
    e = enterprise()
    send(engine, NVA, item("enterprise", e))
    send(engine, TTB, item("enterprise", {**e, "name": "Công ty B"}, rev=2, base=1))
    mine = {**e, "name": "Công ty A", "ward": "Phường 2"}
    for _ in range(2):  # a resend files no second conflict
        [result] = send(engine, NVA, item("enterprise", mine, rev=2, base=1))
        assert (result.status, result.conflict, result.conflict_fields) == ("conflict", "hard", ["name"])
        assert (
            result.server_version == 2 and result.record is not None and result.record["name"] == "Công ty B"
        )
    assert stored(engine, "enterprise", e["id"]).content["name"] == "Công ty B"  # type: ignore[union-attr]
    [filed] = conflicts(engine, e["id"])
    assert (
        filed.fields,
        filed.client_content,
        filed.submitted_by,
        filed.base_version,
        filed.server_version,
    ) == (
        ["name"],
        mine,
        NVA.name,
        1,
        2,
    )
    assert filed.resolved_at is None
    # the same id twice in one batch with the same disagreement: still one
    send(engine, NVA, item("enterprise", mine, rev=2, base=1), item("enterprise", mine, rev=2, base=1))
    assert len(conflicts(engine, e["id"])) == 1


def test_a_merge_that_would_be_invalid_is_a_hard_conflict(engine: Engine) -> None:
    e = enterprise()
    v = visit(e["id"], NVA.name, headcount=40, seasonal=5, managers=2)
    send(engine, NVA, item("enterprise", e), item("visit", v))
    send(engine, OFFICE, item("visit", {**v, "headcount": 10, "applications": 0}, rev=2, base=1))
    # each side valid on its own; together seasonal (30) would exceed the head count (10): the note is no part of it
    [result] = send(engine, NVA, item("visit", {**v, "seasonal": 30, "note": "Mùa vụ"}, rev=2, base=1))
    assert (result.status, result.conflict, result.conflict_fields) == ("conflict", "hard", ["seasonal"])
    assert stored(engine, "visit", v["id"]).content["seasonal"] == 5  # type: ignore[union-attr]
    assert [c.fields for c in conflicts(engine, v["id"])] == [["seasonal"]]


def test_an_accepted_push_on_the_current_version_closes_the_pushers_open_conflict(engine: Engine) -> None:
    third = LVC
    e = enterprise()
    send(engine, NVA, item("enterprise", e))
    send(engine, OFFICE, item("enterprise", {**e, "name": "Công ty B"}, rev=2, base=1))
    mine = {**e, "name": "Công ty A"}
    assert send(engine, NVA, item("enterprise", mine, rev=2, base=1))[0].conflict == "hard"
    assert (
        send(engine, TTB, item("enterprise", {**e, "name": "Công ty C"}, rev=2, base=1))[0].conflict == "hard"
    )

    # nva chose "keep mine": the laptop re-based on the server's version 2 and pushed again
    assert fates(send(engine, NVA, item("enterprise", mine, rev=2, base=2))) == [("accepted", 3)]

    by_cadre = {c.submitted_by: c for c in conflicts(engine, e["id"])}
    assert (by_cadre[NVA.name].resolution, by_cadre[NVA.name].resolved_by) == ("client", NVA.name)
    assert by_cadre[NVA.name].resolved_at is not None
    assert by_cadre[TTB.name].resolved_at is None  # ttb's laptop still disagrees
    # filed and settled within one batch (the same id twice): closed too, in the same transaction
    late = {**e, "name": "Công ty D"}
    results = send(
        engine, third, item("enterprise", late, rev=2, base=1), item("enterprise", late, rev=3, base=3)
    )
    assert [(r.status, r.conflict) for r in results] == [("conflict", "hard"), ("accepted", None)]
    [filed] = [c for c in conflicts(engine, e["id"]) if c.submitted_by == third.name]
    assert (filed.resolution, filed.resolved_by) == ("client", third.name)


# --- rejected ----------------------------------------------------------------------------------------------
def test_an_invalid_item_is_rejected_with_its_fields_and_does_not_sink_the_batch(engine: Engine) -> None:
    e = enterprise()
    bad = visit(e["id"], NVA.name, headcount=-1, attitude="angry")
    good = visit(e["id"], NVA.name)
    results = send(engine, NVA, item("enterprise", e), item("visit", bad), item("visit", good))
    assert fates(results) == [("accepted", 1), ("rejected", None), ("accepted", 1)]
    assert {"headcount", "attitude"} <= {p.field for p in results[1].errors}
    assert stored(engine, "visit", bad["id"]) is None and stored(engine, "visit", good["id"]) is not None


def test_unknown_fields_wrong_types_odd_ids_are_rejected(engine: Engine) -> None:
    e = enterprise(union_members="many", favourite_colour="blue")
    other = enterprise()
    results = send(
        engine,
        NVA,
        item("enterprise", e),
        {**item("enterprise", other), "id": new_id()},
        {**item("enterprise", enterprise()), "id": "not-a-uuid"},
    )
    assert [r.status for r in results] == ["rejected"] * 3
    assert dict(codes(results[0])) == {"union_members": "not_a_number", "favourite_colour": "unknown_field"}
    assert codes(results[1]) == [("id", "id_mismatch")] and other["id"] in results[1].errors[0].en
    assert codes(results[2]) == [("id", "not_a_uuid")]


def test_a_base_version_the_server_never_issued_is_rejected(engine: Engine) -> None:
    e = enterprise()
    send(engine, NVA, item("enterprise", e))
    [result] = send(engine, NVA, item("enterprise", {**e, "name": "Khác"}, rev=2, base=7))
    assert (result.status, result.server_version, codes(result)) == (
        "rejected",
        1,
        [("base_version", "unknown_base_version")],
    )
    assert (result.errors[0].vi, result.errors[0].en) == (
        "máy chủ không có phiên bản 7 của bản ghi này",
        "the server has no version 7 of this record",
    )
    # nor one whose content it no longer holds (its versions lost, say in a restore from a backup)
    send(engine, TTB, item("enterprise", {**e, "name": "Mới"}, rev=2, base=1))
    with write_session(engine) as session:
        session.execute(delete(RecordVersion).where(RecordVersion.id == e["id"], RecordVersion.version == 1))
    [result] = send(engine, NVA, item("enterprise", {**e, "ward": "Phường 9"}, rev=2, base=1))
    assert (result.status, result.server_version, codes(result)) == (
        "rejected",
        2,
        [("base_version", "unknown_base_version")],
    )


def test_an_edit_of_a_deleted_record_is_rejected_and_its_visits_name_an_unknown_enterprise(
    engine: Engine,
) -> None:
    from sync.server.admin import delete_enterprise

    e = enterprise()
    send(engine, NVA, item("enterprise", e))
    delete_enterprise(engine, OFFICE, e["id"])
    [result] = send(engine, NVA, item("enterprise", {**e, "name": "Mới"}, rev=2, base=1))
    assert (result.status, result.server_version, codes(result)) == (
        "rejected",
        2,
        [("id", "record_deleted")],
    )
    assert (result.errors[0].vi, result.errors[0].en) == (
        "bản ghi này đã bị xoá trên máy chủ",
        "this record was deleted on the server",
    )
    [orphan] = send(engine, NVA, item("visit", visit(e["id"], NVA.name)))
    assert codes(orphan) == [("enterprise_id", "unknown_enterprise")]


def test_a_visit_for_an_unknown_enterprise_is_rejected_unless_the_batch_creates_it_first(
    engine: Engine,
) -> None:
    e = enterprise()
    orphan = visit(e["id"], NVA.name)
    [result] = send(engine, NVA, item("visit", orphan))
    assert (result.status, codes(result)) == ("rejected", [("enterprise_id", "unknown_enterprise")])
    assert stored(engine, "visit", orphan["id"]) is None
    assert [r.status for r in send(engine, NVA, item("enterprise", e), item("visit", orphan))] == [
        "accepted",
        "accepted",
    ]


def test_a_tax_code_already_taken_is_rejected(engine: Engine) -> None:
    first = enterprise(name="Công ty Cổ phần Đồng Tâm")
    second = enterprise(tax_code=first["tax_code"])
    results = send(engine, NVA, item("enterprise", first), item("enterprise", second))
    assert [r.status for r in results] == ["accepted", "rejected"]
    assert codes(results[1]) == [("tax_code", "duplicate_tax_code")]
    assert "Công ty Cổ phần Đồng Tâm" in results[1].errors[0].vi
    # a later batch too, and an edit giving an existing enterprise that code
    third = enterprise()
    send(engine, NVA, item("enterprise", third))
    results = send(
        engine,
        NVA,
        item("enterprise", enterprise(tax_code=first["tax_code"])),
        item("enterprise", {**third, "tax_code": first["tax_code"]}, rev=2, base=1),
    )
    assert [(r.status, codes(r)) for r in results] == [("rejected", [("tax_code", "duplicate_tax_code")])] * 2


def test_an_admin_may_push_any_cadres_visit_but_never_change_its_cadre(engine: Engine) -> None:
    e = enterprise()
    v = visit(e["id"], NVA.name)
    assert [r.status for r in send(engine, OFFICE, item("enterprise", e), item("visit", v))] == [
        "accepted",
        "accepted",
    ]
    assert stored(engine, "visit", v["id"]).owner == NVA.name  # type: ignore[union-attr]
    [result] = send(engine, OFFICE, item("visit", {**v, "cadre": TTB.name}, rev=2, base=1))
    assert (result.status, codes(result)) == ("rejected", [("cadre", "cadre_changed")])
    assert (result.errors[0].vi, result.errors[0].en) == (
        "không được đổi cán bộ của lần thăm đã có (đang là nva)",
        "the cadre of an existing visit cannot change (it is nva)",
    )


# --- the whole request refused ---------------------------------------------------------------------------
def test_a_cadre_may_not_push_a_visit_in_another_cadres_name(engine: Engine) -> None:
    e = enterprise()
    send(engine, NVA, item("enterprise", e))
    mine, forged = visit(e["id"], NVA.name), visit(e["id"], TTB.name)
    with pytest.raises(ApiError) as refused:
        send(engine, NVA, item("visit", mine), item("visit", forged))
    assert (refused.value.status, refused.value.code) == (403, "forged_cadre")
    [problem] = refused.value.errors
    assert (problem.field, problem.code) == ("items.1.record.cadre", "forged_cadre")
    assert (problem.vi, problem.en) == (
        "chỉ được gửi lần thăm của chính mình (nva); lần thăm này ghi cán bộ khác",
        "you may only send your own visits (nva); this visit names another cadre",
    )
    # nothing of the request was stored, not even the honest visit
    assert stored(engine, "visit", mine["id"]) is None and stored(engine, "visit", forged["id"]) is None


def test_a_cadre_may_not_change_another_cadres_visit(engine: Engine) -> None:
    e = enterprise()
    v = visit(e["id"], NVA.name)
    send(engine, NVA, item("enterprise", e), item("visit", v))
    fresh = visit(e["id"], TTB.name)
    with pytest.raises(ApiError) as refused:
        # the intruder sends the same visit id in their own name, beside an honest one
        send(
            engine,
            TTB,
            item("visit", fresh),
            item("visit", {**v, "cadre": TTB.name, "note": "x"}, rev=2, base=1),
        )
    assert (refused.value.status, refused.value.code) == (403, "not_your_visit")
    assert [(p.field, p.code) for p in refused.value.errors] == [("items.1.id", "not_your_visit")]
    assert refused.value.errors[0].vi == "lần thăm này thuộc cán bộ khác; không được sửa"
    assert stored(engine, "visit", v["id"]).content == v  # type: ignore[union-attr]
    assert stored(engine, "visit", fresh["id"]) is None


def test_cadres_of_one_area_share_its_enterprises_but_not_their_assignment(engine: Engine) -> None:
    e = enterprise()
    send(engine, NVA, item("enterprise", e))
    assert fates(send(engine, TTB, item("enterprise", {**e, "address": "1 Hàng Bài"}, rev=2, base=1))) == [
        ("accepted", 2)
    ]
    refused = send(
        engine, TTB, item("enterprise", {**e, "address": "1 Hàng Bài", "assigned_to": "ttb"}, rev=3, base=2)
    )
    assert fates(refused) == [("rejected", 2)] and codes(refused[0]) == [
        ("assigned_to", "assigned_by_office")
    ]


# --- a busy database -------------------------------------------------------------------------------------
def test_a_batch_the_database_refuses_is_redone_then_answered_busy(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_run = push_module._Applier.run
    failures = iter([True, False])

    def flaky(self: push_module._Applier, items: list[Any]) -> list[ItemResult]:
        if next(failures, True):
            raise OperationalError("INSERT", {}, Exception("database is locked"))
        return real_run(self, items)

    monkeypatch.setattr(push_module._Applier, "run", flaky)
    monkeypatch.setattr(push_module.time, "sleep", lambda seconds: None)
    e = enterprise()
    assert fates(send(engine, NVA, item("enterprise", e))) == [("accepted", 1)]  # the second attempt
    with pytest.raises(ApiError) as busy:
        send(engine, NVA, item("enterprise", enterprise()))
    assert (busy.value.status, busy.value.code, busy.value.headers) == (503, "busy", {"Retry-After": "1"})
    assert stored(engine, "enterprise", e["id"]).version == 1  # type: ignore[union-attr]
