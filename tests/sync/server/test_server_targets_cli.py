"""``fieldapp-server target set/list/delete`` and ``progress``, through the real command line (click's runner)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner, Result
from server_helpers import AppServer, enterprise, item, visit

from sync.server.cli import main
from sync.server.config import ENV_DATABASE_URL

WARD = "Phường Thanh Nhàn"


def run(url: str, *args: str) -> Result:
    return CliRunner().invoke(
        main, ["--lang", "en", *args, "--database-url", url], env={ENV_DATABASE_URL: None}
    )


@pytest.fixture
def office(server: AppServer) -> AppServer:
    """A server with a cadre (area: Thanh Nhàn) and one enterprise in that ward."""
    admin = server.api("admin", "office")
    server.api("cadre", "can.bo.a", wards=[WARD])
    firm = enterprise(ward=WARD)
    admin.push(
        [item("enterprise", firm), item("visit", visit(firm["id"], "can.bo.a", visited_on="2026-03-10"))]
    )
    return server


def _targets(url: str) -> list[dict[str, object]]:
    result = run(url, "target", "list", "--json")
    assert result.exit_code == 0, result.output
    listed: list[dict[str, object]] = json.loads(result.stdout)
    return listed


def test_set_list_and_delete_targets(office: AppServer) -> None:
    url = office.database_url
    assert run(url, "target", "set", "2026", "--new-unions", "22", "--new-members", "1400").exit_code == 0
    result = run(url, "target", "set", "2026", "--ward", "thanh nhan", "--new-members", "300", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ward_key"] == "thanh nhan"
    assert run(url, "target", "set", "2026", "--user", "can.bo.a", "--new-unions", "4").exit_code == 0
    # setting again changes the figure given and keeps the other
    assert run(url, "target", "set", "2026", "--new-unions", "25").exit_code == 0
    rows = [
        (t["year"], t["scope"], t["ward"], t["user"], t["new_unions"], t["new_members"])
        for t in _targets(url)
    ]
    assert rows == [
        (2026, "federation", None, None, 25, 1400),
        (2026, "ward", "thanh nhan", None, None, 300),
        (2026, "user", None, "can.bo.a", 4, None),
    ]
    text = run(url, "target", "list", "--year", "2026")
    assert text.exit_code == 0 and "federation\tnew unions: 25\tnew members: 1400" in text.stdout
    assert run(url, "target", "list", "--year", "2027", "--json").stdout.strip() == "[]"
    deleted = run(url, "target", "delete", "2026", "--user", "can.bo.a")
    assert deleted.exit_code == 0, deleted.output
    assert [t["scope"] for t in _targets(url)] == ["federation", "ward"]
    again = run(url, "target", "delete", "2026", "--user", "can.bo.a")
    assert again.exit_code == 1 and "no target for 2026" in again.output


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["1999", "--new-unions", "3"], 2, "YEAR"),
        (["twenty", "--new-unions", "3"], 2, "YEAR"),
        (["2026", "--new-members", "-5"], 2, "--new-members"),
        (["2026", "--new-unions", "-1"], 2, "--new-unions"),
        (["2026", "--new-unions", "many"], 2, "--new-unions"),
        (["2026"], 2, "--new-unions or --new-members"),
        (["2026", "--new-unions", "3", "--ward", WARD, "--user", "can.bo.a"], 2, "not both"),
        (["2026", "--new-unions", "3", "--ward", "Phường Không Có"], 1, "--ward"),
        (["2026", "--new-unions", "3", "--ward", "   "], 1, "--ward"),
        (["2026", "--new-unions", "3", "--user", "nobody"], 1, "--user"),
    ],
)
def test_bad_targets_are_refused_and_change_nothing(
    office: AppServer, args: list[str], code: int, words: str
) -> None:
    result = run(office.database_url, "target", "set", *args)
    assert result.exit_code == code, result.output
    assert words in result.output
    assert _targets(office.database_url) == []


def test_progress_command(office: AppServer) -> None:
    url = office.database_url
    result = run(
        url, "progress", "--from", "2026-03-01", "--to", "2026-03-31", "--user", "can.bo.a", "--json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["scope"], data["user"], data["visits"], data["enterprises_visited"]) == (
        "user",
        "can.bo.a",
        1,
        1,
    )
    assert set(data) >= {
        "from",
        "to",
        "recognized",
        "new_members",
        "newly_eligible",
        "cases_by_stage",
        "overdue",
    }
    text = run(url, "progress", "--from", "2026-04-01", "--to", "2026-04-30", "--ward", "thanh nhan")
    assert text.exit_code == 0 and "visits\t0 (0 enterprises)" in text.stdout
    backwards = run(url, "progress", "--from", "2026-04-01", "--to", "2026-03-01")
    assert backwards.exit_code == 2 and "--to" in backwards.output
    bad_date = run(url, "progress", "--from", "2026-13-01", "--to", "2026-12-31")
    assert bad_date.exit_code == 2 and "--from" in bad_date.output
    unknown = run(url, "progress", "--from", "2026-01-01", "--to", "2026-12-31", "--ward", "Phường Không Có")
    assert unknown.exit_code == 1 and "--ward" in unknown.output


def test_the_registry_import_dates_membership_changes_too(server: AppServer, make_csv) -> None:  # type: ignore[no-untyped-def]
    url = server.database_url
    header = ["Tên doanh nghiệp", "Mã số thuế", "Phường/Xã", "Số lao động", "Có CĐCS", "Số đoàn viên"]
    first = make_csv([header, ["Công ty May Thanh Nhàn", "0100109106", "Thanh Nhàn", "120", "có", "40"]])
    assert run(url, "import", str(first)).exit_code == 0
    grown = make_csv(
        [header, ["Công ty May Thanh Nhàn", "0100109106", "Thanh Nhàn", "120", "có", "55"]], name="grown.csv"
    )
    done = run(url, "import", str(grown), "--json")
    assert done.exit_code == 0 and json.loads(done.stdout)["updated"] == 1, done.output
    today = (datetime.now(UTC) + timedelta(hours=7)).date().isoformat()
    result = run(url, "progress", "--from", today, "--to", today, "--json")
    # the first import is the starting point (40 members already there); the second adds 15
    assert json.loads(result.stdout)["new_members"] == 15


def test_target_list_with_the_years_progress(office: AppServer) -> None:
    from fieldapp.core.founding import record_step, start_case
    from fieldapp.core.rules import default_rules

    url, rules = office.database_url, default_rules()
    today = (datetime.now(UTC) + timedelta(hours=7)).date()
    admin = office.api("admin")
    firm = enterprise(ward=WARD)
    case = start_case(firm["id"], today)
    for step, fields in (
        ("applications", {"applications": 9}),
        ("congress", {"congress_attending": 9, "bch_size": 3, "inspection_size": 1}),
        ("bch_meeting", {}),
        ("dossier", {}),
        ("recognized", {"decision_number": "7/QĐ", "members_at_founding": 9}),
    ):
        case = record_step(case, step, rules, **{f"{step}_on": today}, **fields)
    admin.push([item("enterprise", firm), item("founding_case", case.content())])
    admin.push([item("enterprise", {**firm, "has_union": True, "union_members": 9}, rev=2, base=1)])
    year = str(today.year)
    assert run(url, "target", "set", year, "--new-unions", "4", "--new-members", "36").exit_code == 0
    assert run(url, "target", "set", year, "--user", "can.bo.a", "--new-unions", "2").exit_code == 0
    assert run(url, "target", "set", str(today.year - 1), "--new-unions", "3").exit_code == 0
    result = run(url, "target", "list", "--progress", "--json")
    assert result.exit_code == 0, result.output
    rows = {(t["year"], t["scope"]): t["progress"] for t in json.loads(result.stdout)}
    assert rows[(today.year, "federation")] == {
        "from": f"{year}-01-01",
        "to": today.isoformat(),
        "new_unions": 1,
        "new_members": 9,
        "new_unions_percent": 25.0,
        "new_members_percent": 25.0,
    }
    # the cadre's area is Thanh Nhàn, the firm's ward: theirs too; no new-members target, no percentage
    cadre = rows[(today.year, "user")]
    assert (cadre["new_unions"], cadre["new_unions_percent"], cadre["new_members_percent"]) == (1, 50.0, None)
    last_year = rows[(today.year - 1, "federation")]
    assert (last_year["to"], last_year["new_unions"]) == (f"{today.year - 1}-12-31", 0)
    text = run(url, "target", "list", "--progress", "--year", year)
    assert f"{year}\tfederation\tnew unions: 1/4 (25%)\tnew members: 9/36 (25%)" in text.stdout
