"""The records the office's pages and progress read are kept between requests (``shared_records``) and brought up to
date whenever the database changes: a push, a deletion (from the changes since), the federation's rules (loaded
again). Runs on SQLite and PostgreSQL, with the app in-process or a real server process, and real writes through
the API."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient
from server_helpers import Api, AppServer, enterprise, item, visit
from support.live_server import LiveServer

from fieldapp.core.classify import classify_all, group_visits
from fieldapp.core.founding import Step, record_step, start_case
from fieldapp.core.records import Visit
from fieldapp.core.rules import default_rules
from sync.server.db import read_session, snapshot_session
from sync.server.loading import rebuilt
from sync.server.models import Record
from sync.server.progress import Records, progress, shared_records
from sync.server.recordstore import office_today
from sync.server.report import build_report
from sync.server.rules import set_rules
from sync.server.users import add_user, set_password
from sync.server.web.views import overview

PASSWORD = "một mật khẩu dài"


def _figure(page: str, name: str) -> int:
    found = re.search(rf'id="fig-{name}">(\d+)<', page)
    assert found is not None, name
    return int(found.group(1))


def _signed_in(server: AppServer) -> TestClient:
    add_user(server.engine, "lanhdao", role="viewer")
    set_password(server.engine, "lanhdao", PASSWORD)
    return _sign_in(TestClient(server.app, follow_redirects=False))


def _sign_in(browser: Any, name: str = "lanhdao") -> Any:
    form = browser.get("/dashboard/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None
    answer = browser.post(
        "/dashboard/login", data={"csrf": csrf.group(1), "name": name, "password": PASSWORD}
    )
    assert answer.status_code == 303
    return browser


def test_a_push_changes_the_overview_at_the_next_request(any_server: AppServer) -> None:
    admin = any_server.api("admin", "office")
    firm = enterprise(ward="Phường Bạch Mai")
    admin.push([item("enterprise", firm)])
    browser = _signed_in(any_server)
    first = browser.get("/dashboard/").text
    assert (_figure(first, "enterprises"), _figure(first, "visits")) == (1, 0)
    assert (
        browser.get("/dashboard/").text == first
    )  # nothing changed: the same figures, from the kept records

    today = office_today().isoformat()
    admin.push(
        [item("visit", visit(firm["id"], "office", visited_on=today)), item("enterprise", enterprise())]
    )
    second = browser.get("/dashboard/").text
    assert (_figure(second, "enterprises"), _figure(second, "visits"), _figure(second, "visited")) == (
        2,
        1,
        1,
    )

    admin.push([item("enterprise", {**firm, "has_union": True, "union_members": 25}, rev=2, base=1)])
    third = browser.get("/dashboard/").text
    assert _figure(third, "union") == 1


def test_the_kept_records_are_reloaded_after_a_write_and_a_rules_change_only(any_server: AppServer) -> None:
    admin = any_server.api("admin", "office")
    firm = enterprise(ward="Phường Bạch Mai", registered_workers=8)
    admin.push([item("enterprise", firm)])
    engine = any_server.engine
    kept = shared_records(engine)
    assert shared_records(engine) is kept  # no write: the same object, nothing loaded again

    today = office_today()
    assert progress(engine, today, today).visits == 0
    found = visit(firm["id"], "office", visited_on=today.isoformat(), headcount=30, seasonal=0, managers=2)
    admin.push([item("visit", found)])
    assert shared_records(engine) is not kept
    assert progress(engine, today, today).visits == 1

    # 28 stable workers: eligible under the default rules (5); a change of the federation's rules alone (no record
    # written) loads again, and the verdicts follow the new threshold
    before = shared_records(engine)
    assert before.verdicts(today)[firm["id"]].status == "eligible"
    set_rules(engine, "min_members = 40\n", by="office")
    after = shared_records(engine)
    assert after is not before and after.rules.min_members == 40
    assert after.verdicts(today)[firm["id"]].status != "eligible"


def test_rebuilt_records_equal_validated_ones(any_server: AppServer) -> None:
    admin = any_server.api("admin", "office")
    firms = [
        enterprise(ward="Phường Bạch Mai", contact_name="Lê Thị Hoa"),
        enterprise(has_union=True, union_members=3),
    ]
    visits = [visit(firms[0]["id"], "office", next_visit_on=office_today().isoformat(), met_name="Ông Tư")]
    admin.push([item("enterprise", f) for f in firms] + [item("visit", v) for v in visits])
    with read_session(any_server.engine) as session:
        fast, slow = Records.load(session), Records.load(session, validate=True)
        stored = session.query(Record.content).filter(Record.kind == "visit").all()
    # the bookkeeping the server does not keep (creation time) aside, the models are the validated ones
    for a, b in ((fast.enterprises, slow.enterprises), (fast.visits, slow.visits)):
        pairs = zip(sorted(a, key=lambda x: x.id), sorted(b, key=lambda x: x.id), strict=True)
        for quick, checked in pairs:
            assert quick.content() == checked.content() and quick.content_hash == checked.content_hash
            assert quick.model_dump(exclude={"created_at", "updated_at"}) == checked.model_dump(
                exclude={"created_at", "updated_at"}
            )
    # content missing a field added later is validated in full (and gets the field's default)
    old = {k: v for k, v in stored[0][0].items() if k != "met_name"}
    (record,) = rebuilt(Visit, [old])
    assert record.met_name == "" and record.content() == Visit.model_validate(old).content()


def _district(admin: Api) -> dict[str, Any]:
    """Enterprises in two wards, visits over the last months, a union with members, an open founding case."""
    today = office_today()
    firms = [
        enterprise(name=f"Công ty Số {i}", ward=("Phường Bạch Mai", "Phường Thanh Nhàn")[i % 2],
                   registered_workers=None if i % 3 else 12, has_union=i == 4, union_members=9 if i == 4 else 0)
        for i in range(12)
    ]  # fmt: skip
    visits = [
        visit(f["id"], "office", visited_on=(today - timedelta(days=7 * i + j)).isoformat(), headcount=3 + 4 * i,
              seasonal=0, managers=1, applications=i % 4)
        for i, f in enumerate(firms)
        for j in range(i % 3)
    ]  # fmt: skip
    case = start_case(firms[2]["id"], today - timedelta(days=40), committee_members=4)
    results = admin.push(
        [item("enterprise", f) for f in firms]
        + [item("visit", v) for v in visits]
        + [item("founding_case", case.content())]
    )
    assert {r["status"] for r in results} == {"accepted"}
    return {"firms": firms, "visits": visits, "case": case}


def _writes(admin: Api, seeded: dict[str, Any]) -> None:
    """An edit (its members up: a membership change; its ward), a new visit that changes a verdict, a new
    enterprise, a founding step, and an enterprise deleted with its visits."""
    today = office_today()
    firms, case = seeded["firms"], seeded["case"]
    grown = {**firms[4], "union_members": 21, "ward": "Phường Thanh Nhàn"}
    found = visit(firms[1]["id"], "office", visited_on=today.isoformat(), headcount=60, seasonal=0, managers=2,
                  applications=9)  # fmt: skip
    stepped = record_step(case, Step.APPLICATIONS, default_rules(), applications_on=today, applications=8)
    results = admin.push(
        [
            item("enterprise", grown, rev=2, base=1),
            item("visit", found),
            item("enterprise", enterprise(name="Công ty Mới", ward="Phường Bạch Mai")),
            item("founding_case", stepped.content(), rev=2, base=1),
        ]
    )
    assert {r["status"] for r in results} == {"accepted"}
    answer = admin.http.delete(f"/api/v1/enterprises/{firms[6]['id']}")  # no visits: this month's stay
    assert answer.status_code == 200, answer.text


def _contents(records: Records) -> tuple[Any, ...]:
    return (
        [e.content() for e in records.enterprises],
        [v.content() for v in records.visits],
        [c.content() for c in records.cases],
        records.memberships,
    )


def _judged(records: Records, day: Any) -> dict[str, Any]:
    return {eid: c.to_dict() for eid, c in records.verdicts(day).items()}


def test_a_refresh_from_the_changes_equals_a_full_reload(any_server: AppServer) -> None:
    admin = any_server.api("admin", "office")
    any_server.api("cadre", "can.bo.a", wards=["Phường Bạch Mai"])
    seeded = _district(admin)
    engine, today = any_server.engine, office_today()
    month = f"{today.year:04d}-{today.month:02d}"
    before = build_report(engine, month)  # the report's days and the overview's are classified and kept
    overview(engine, today)
    kept = shared_records(engine)
    days = sorted(kept._verdicts)
    assert len(days) >= 3

    _writes(admin, seeded)
    refreshed = shared_records(engine)
    # brought up to date from the changes, not loaded again (a load takes a new bookkeeping moment)
    assert refreshed is not kept and refreshed.moment == kept.moment and refreshed.mark > kept.mark
    assert sorted(refreshed._verdicts) == days  # carried over, the touched enterprises judged again
    with snapshot_session(engine) as session:
        full = Records.load(session)
    assert _contents(refreshed) == _contents(full)
    assert len(refreshed.enterprises) == len(kept.enterprises) and len(refreshed.memberships) == 1
    for day in days:
        a, b = _judged(refreshed, day), _judged(full, day)
        assert a == b, str([(a.get(k), b.get(k)) for k in a.keys() | b.keys() if a.get(k) != b.get(k)])
    assert refreshed.verdicts(today) != kept.verdicts(
        today
    )  # the new visit and the deletion changed verdicts

    after = build_report(engine, month)
    with read_session(engine) as session:
        assert (
            after.to_dict() == build_report(session, month).to_dict()
        )  # the report on records loaded afresh
    assert after.to_dict() != before.to_dict()
    assert overview(engine, today) == overview(engine, today, full)
    assert shared_records(engine) is refreshed  # nothing changed since


def test_the_next_overview_of_a_real_server_shows_each_write(module_server: LiveServer) -> None:
    name = f"office-{id(module_server) % 10000}"
    admin = Api.live(module_server.url, module_server.add_user(name, "admin"), name=name)
    viewer = f"lanhdao-{name}"
    module_server.add_user(viewer, "viewer")
    set_password(module_server.database_url, viewer, PASSWORD)
    with admin.http, httpx.Client(base_url=module_server.url, follow_redirects=False, timeout=60) as http:
        browser = _sign_in(http, viewer)
        first = browser.get("/dashboard/").text
        seeded = _district(admin)
        second = browser.get("/dashboard/").text
        assert _figure(second, "enterprises") == _figure(first, "enterprises") + 12
        _writes(admin, seeded)
        third = browser.get("/dashboard/").text
        # a new enterprise, one deleted; the union's members up by 12 today; a visit today to a firm not seen
        assert _figure(third, "enterprises") == _figure(second, "enterprises")
        assert _figure(third, "members") == _figure(second, "members") + 12
        assert _figure(third, "visits") == _figure(second, "visits") + 1


def test_each_days_verdicts_are_the_cores_on_that_day(any_server: AppServer) -> None:
    """Verdicts taken from a day already judged (same latest visit, same staleness) equal ``classify_all``'s."""
    admin = any_server.api("admin", "office")
    seeded = _district(admin)
    today = office_today()
    stale = default_rules().stale_months * 31
    # visits that turn stale between the days asked, and one the day before a period begins
    old = [
        visit(f["id"], "office", visited_on=(today - timedelta(days=stale + shift)).isoformat(), headcount=30,
              seasonal=0, managers=1, applications=9)
        for f, shift in zip(seeded["firms"][6:11], (-40, -10, 0, 10, 40), strict=True)
    ]  # fmt: skip
    admin.push([item("visit", v) for v in old])
    with snapshot_session(any_server.engine) as session:
        records = Records.load(session)
    days = [today, today - timedelta(days=1), today - timedelta(days=20), today - timedelta(days=45),
            today.replace(month=1, day=1) - timedelta(days=1), today - timedelta(days=70), today]  # fmt: skip
    for day in days:
        visits = group_visits(v for v in records.visits if v.visited_on <= day)
        expected = classify_all(records.enterprises, visits, records.rules, day)
        assert _judged(records, day) == {eid: c.to_dict() for eid, c in expected.items()}, day
    assert len({str(_judged(records, day)) for day in days}) > 3  # the days differ
