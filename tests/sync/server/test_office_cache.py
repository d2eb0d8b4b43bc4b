"""The records the office's pages and progress read are kept between requests (``shared_records``) and loaded again
whenever the database changes: a push, a deletion, the federation's rules. Runs on SQLite and PostgreSQL, with the
app in-process and real writes through the API."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from server_helpers import AppServer, enterprise, item, visit

from fieldapp.core.records import Visit
from sync.server.db import read_session
from sync.server.loading import rebuilt
from sync.server.models import Record
from sync.server.progress import Records, progress, shared_records
from sync.server.recordstore import office_today
from sync.server.rules import set_rules
from sync.server.users import add_user, set_password

PASSWORD = "một mật khẩu dài"


def _figure(page: str, name: str) -> int:
    found = re.search(rf'id="fig-{name}">(\d+)<', page)
    assert found is not None, name
    return int(found.group(1))


def _signed_in(server: AppServer) -> TestClient:
    add_user(server.engine, "lanhdao", role="viewer")
    set_password(server.engine, "lanhdao", PASSWORD)
    browser = TestClient(server.app, follow_redirects=False)
    form = browser.get("/dashboard/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None
    answer = browser.post(
        "/dashboard/login", data={"csrf": csrf.group(1), "name": "lanhdao", "password": PASSWORD}
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
