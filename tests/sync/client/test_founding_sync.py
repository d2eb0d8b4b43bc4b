"""Founding cases between laptops and a real server (SQLite and PostgreSQL): sent and pulled like visits, resent
without doubling, conflicts merged or kept for a person, scoped by their enterprise's area, every version kept."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest

from fieldapp.core.founding import FoundingCase, pause, record_step, unionized
from fieldapp.core.rules import default_rules
from fieldapp.store import Store
from sync.client import SyncNetworkError
from sync.client._pull import KINDS_KEY
from sync.server.areas import unassign_wards
from sync.server.db import make_engine

from .laptop import Recorder, add_case, add_enterprise, client_for, office_push, server_records

TODAY = date(2026, 12, 1)
RULES = default_rules()


@dataclass(frozen=True)
class Team:
    """Two cadres sharing a ward, a third in another ward, and the office."""

    ward: str
    a: str
    b: str
    far: str
    office: str
    #: B's user name (the others are only needed as tokens)
    b_name: str


@pytest.fixture
def team(module_server) -> Team:  # type: ignore[no-untyped-def]
    tag = secrets.token_hex(3)
    ward = f"Phường Thành Lập {tag}"
    return Team(
        ward=ward,
        a=module_server.add_user(f"a_{tag}", "cadre", wards=[ward]),
        b=module_server.add_user(f"b_{tag}", "cadre", wards=[ward]),
        far=module_server.add_user(f"far_{tag}", "cadre", wards=[f"Phường Xa {tag}"]),
        office=module_server.add_user(f"office_{tag}", "admin"),
        b_name=f"b_{tag}",
    )


@pytest.fixture
def laptops(tmp_path: Path) -> Iterator[Callable[[str], Store]]:
    """Open a fresh laptop store by name; all closed at the end."""
    opened: list[Store] = []

    def open_laptop(name: str) -> Store:
        opened.append(Store.open(tmp_path / name))
        return opened[-1]

    yield open_laptop
    for store in opened:
        store.close()


def _step(case: FoundingCase, step: str, **fields: object) -> FoundingCase:
    return record_step(case, step, RULES, today=TODAY, **fields)


def _on_server(url: str, token: str, case_id: str) -> dict:  # type: ignore[type-arg]
    [item] = [i for i in server_records(url, token, "founding_case") if i["id"] == case_id]
    return item


def _versions(url: str, token: str, kind: str, record_id: str) -> httpx.Response:
    return httpx.get(
        f"{url}/api/v1/records/{kind}/{record_id}/versions",
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )


def _shared_case(module_server, team: Team, laptops) -> tuple[Store, Store, FoundingCase]:  # type: ignore[no-untyped-def]
    """A case made on laptop A, synced to the server and pulled by laptop B."""
    a, b = laptops("a"), laptops("b")
    enterprise = add_enterprise(a, name="Công ty Dệt Hoà Bình", ward=team.ward)
    case = add_case(a, enterprise)
    summary = client_for(a, module_server.url, team.a).run()
    assert (summary.pushed, summary.accepted, summary.ok) == (2, 2, True)
    assert client_for(b, module_server.url, team.b).run().ok
    pulled = b.get_founding_case(case.id)
    assert pulled is not None and not pulled.pending and pulled.server_version == 1
    return a, b, case


def test_a_case_goes_to_the_server_and_to_a_colleague_of_the_ward(module_server, team: Team, laptops) -> None:  # type: ignore[no-untyped-def]
    a, b, case = _shared_case(module_server, team, laptops)

    sent = a.get_founding_case(case.id)
    assert sent is not None and not sent.pending and sent.server_version == 1
    assert a.counts()["pending_founding_cases"] == 0
    on_server = _on_server(module_server.url, team.office, case.id)
    assert FoundingCase.parse(on_server["record"]).content_hash == case.content_hash
    pulled = b.get_founding_case(case.id)
    assert pulled is not None and pulled.content_hash == case.content_hash
    assert (pulled.committee_head, pulled.applications) == ("Trần Thị Hoà", 7)

    # the next step on A reaches B
    a.save_founding_case(_step(sent, "congress", congress_on="2026-04-01", congress_attending=20, bch_size=3,
                               inspection_size=1))  # fmt: skip
    assert client_for(a, module_server.url, team.a).run().accepted == 1
    summary = client_for(b, module_server.url, team.b).run()
    assert summary.pulled == 1
    moved = b.get_founding_case(case.id)
    assert moved is not None and moved.congress_on == date(2026, 4, 1) and moved.server_version == 2


def test_recognition_sends_the_case_with_its_unionized_enterprise(module_server, team: Team, laptops) -> None:  # type: ignore[no-untyped-def]
    a, b, case = _shared_case(module_server, team, laptops)
    case = a.get_founding_case(case.id)  # type: ignore[assignment]
    case = _step(
        case, "congress", congress_on="2026-04-01", congress_attending=20, bch_size=3, inspection_size=1
    )
    case = _step(case, "bch_meeting", bch_meeting_on="2026-04-03")
    case = _step(case, "dossier", dossier_on="2026-04-08")
    case = _step(case, "recognized", recognized_on="2026-04-20", decision_number="15/QĐ-LĐLĐ",
                 members_at_founding=18)  # fmt: skip
    enterprise = a.get_enterprise(case.enterprise_id)
    assert enterprise is not None and not enterprise.has_union
    a.save_founding_case(case, unionized(case, enterprise))

    summary = client_for(a, module_server.url, team.a).run()

    assert (summary.pushed, summary.accepted, summary.ok) == (2, 2, True)  # the enterprise and the case
    firms = {e["id"]: e["record"] for e in server_records(module_server.url, team.office, "enterprise")}
    assert (firms[enterprise.id]["has_union"], firms[enterprise.id]["union_members"]) == (True, 18)
    client_for(b, module_server.url, team.b).run()
    pulled_firm, pulled_case = b.get_enterprise(enterprise.id), b.get_founding_case(case.id)
    assert pulled_firm is not None and pulled_firm.has_union and pulled_firm.union_members == 18
    assert pulled_case is not None and pulled_case.recognized and pulled_case.decision_number == "15/QĐ-LĐLĐ"


def test_a_case_whose_answer_was_lost_is_resent_as_a_duplicate(module_server, team: Team, laptops) -> None:  # type: ignore[no-untyped-def]
    a = laptops("a")
    case = add_case(a, add_enterprise(a, ward=team.ward))

    def lose_push_answers(request: httpx.Request, response: httpx.Response, index: int) -> None:
        if request.url.path.endswith("/push"):  # the server stored the batch; the laptop never hears it
            raise httpx.ReadError("connection dropped", request=request)

    with pytest.raises(SyncNetworkError):
        client_for(a, module_server.url, team.a, transport=Recorder(after=lose_push_answers)).run()
    assert a.counts()["pending_founding_cases"] == 1  # nothing marked without an answer

    summary = client_for(a, module_server.url, team.a).run()

    assert (summary.pushed, summary.duplicates, summary.accepted, summary.ok) == (2, 2, 0, True)
    assert a.counts()["pending_founding_cases"] == 0
    ids = [i["id"] for i in server_records(module_server.url, team.office, "founding_case")]
    assert ids.count(case.id) == 1
    versions = _versions(module_server.url, team.office, "founding_case", case.id).json()["items"]
    assert [v["version"] for v in versions] == [1]  # the resend made no second version


def test_two_laptops_correcting_the_same_step_is_a_conflict_for_a_person(
    module_server, team: Team, laptops
) -> None:  # type: ignore[no-untyped-def]
    a, b, case = _shared_case(module_server, team, laptops)
    a.save_founding_case(_step(a.get_founding_case(case.id), "applications", applications=9))  # type: ignore[arg-type]
    b.save_founding_case(_step(b.get_founding_case(case.id), "applications", applications=11))  # type: ignore[arg-type]
    assert client_for(a, module_server.url, team.a).run().accepted == 1

    summary = client_for(b, module_server.url, team.b).run()

    assert (summary.conflicts, summary.merged, summary.ok) == (1, 0, False)
    [issue] = b.sync_issues()
    assert (issue.kind, issue.id, issue.status, issue.conflict) == (
        "founding_case",
        case.id,
        "conflict",
        "hard",
    )
    assert issue.fields == ("applications",)  # the histories merged: only the figure is in dispute
    assert issue.server_record is not None and issue.server_record["applications"] == 9
    kept = b.get_founding_case(case.id)
    assert kept is not None and kept.applications == 11 and kept.pending  # nothing typed is lost
    assert _on_server(module_server.url, team.office, case.id)["record"]["applications"] == 9

    # the cadre keeps theirs: sent on top of the server's version, with both corrections in the history
    client_for(b, module_server.url, team.b).resolve("founding_case", case.id, "mine")
    again = client_for(b, module_server.url, team.b).run()
    assert (again.ok, b.sync_issues()) == (True, [])
    final = _on_server(module_server.url, team.office, case.id)["record"]
    assert final["applications"] == 11
    assert sorted(e["before"]["applications"] for e in final["history"]) == [7, 7]
    client_for(a, module_server.url, team.a).run()
    assert a.get_founding_case(case.id).applications == 11  # type: ignore[union-attr]


def test_changes_to_different_steps_merge_and_keep_both_histories(module_server, team: Team, laptops) -> None:  # type: ignore[no-untyped-def]
    a, b, case = _shared_case(module_server, team, laptops)
    # A corrects the committee; B corrects the applications, then pauses the case
    a.save_founding_case(_step(a.get_founding_case(case.id), "committee", committee_members=6))  # type: ignore[arg-type]
    corrected = _step(b.get_founding_case(case.id), "applications", applications=8)  # type: ignore[arg-type]
    b.save_founding_case(pause(corrected, "employer_obstruction", "Giám đốc chưa đồng ý cho họp"))
    assert client_for(a, module_server.url, team.a).run().accepted == 1

    summary = client_for(b, module_server.url, team.b).run()

    assert (summary.conflicts, summary.merged, summary.ok) == (1, 1, True)  # a soft conflict: nothing left
    merged = b.get_founding_case(case.id)
    assert merged is not None and not merged.pending
    assert (merged.committee_members, merged.applications, merged.state) == (6, 8, "paused")
    assert [h.step for h in merged.history] == ["committee", "applications", "state"]  # in time order
    client_for(a, module_server.url, team.a).run()
    assert a.get_founding_case(case.id).content_hash == merged.content_hash  # type: ignore[union-attr]
    versions = _versions(module_server.url, team.a, "founding_case", case.id).json()["items"]
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert versions[1]["record"]["committee_members"] == 6 and versions[1]["record"]["state"] == "open"


def test_cases_are_scoped_by_their_enterprises_area(module_server, team: Team, laptops) -> None:  # type: ignore[no-untyped-def]
    a, _b, case = _shared_case(module_server, team, laptops)
    far = laptops("far")

    client_for(far, module_server.url, team.far).run()

    assert far.founding_cases() == [] and far.enterprises() == []
    assert _versions(module_server.url, team.far, "founding_case", case.id).status_code == 404
    assert _versions(module_server.url, team.a, "founding_case", case.id).status_code == 200

    # the far cadre pulled nothing, but holds the enterprise some other way (an import): its case is refused
    firm = a.get_enterprise(case.enterprise_id)
    assert firm is not None
    far.save_enterprise(firm)
    theirs = add_case(far, firm)
    summary = client_for(far, module_server.url, team.far).run()
    assert summary.rejected == 1 and not summary.ok
    [issue] = [i for i in far.sync_issues() if i.id == theirs.id]
    assert issue.status == "rejected" and [(e.field, e.code) for e in issue.errors] == [
        ("enterprise_id", "out_of_area")
    ]
    assert team.ward in issue.errors[0].en
    assert theirs.id not in {i["id"] for i in server_records(module_server.url, team.office, "founding_case")}


def test_a_laptop_that_predates_cases_gets_them_once_updated(module_server, team: Team, laptops) -> None:  # type: ignore[no-untyped-def]
    _a, b, case = _shared_case(module_server, team, laptops)
    headers = {"Authorization": f"Bearer {team.b}"}
    old = httpx.get(f"{module_server.url}/api/v1/changes", params={"since": 0}, headers=headers).json()
    new = httpx.get(
        f"{module_server.url}/api/v1/changes",
        params={"since": 0, "kinds": "enterprise,visit,founding_case"},
        headers=headers,
    ).json()
    assert "founding_case" not in {
        c["kind"] for c in old["changes"]
    }  # a protocol 3 laptop could not read one
    assert case.id in {c["id"] for c in new["changes"] if c["kind"] == "founding_case"}
    bad = httpx.get(
        f"{module_server.url}/api/v1/changes", params={"kinds": "enterprise,meeting"}, headers=headers
    )
    assert bad.status_code == 422 and "kinds" in bad.json()["error"]["message"]

    # as B was before its update: its cursor past the case, which it never got, and no kinds remembered
    b.delete_founding_case(case.id)
    b.set_meta(KINDS_KEY, None)
    summary = client_for(b, module_server.url, team.b).run()
    assert summary.ok and b.get_founding_case(case.id) is not None
    assert b.get_meta(KINDS_KEY) == ["enterprise", "visit", "founding_case"]


def test_an_enterprise_deleted_by_the_office_takes_its_cases_from_every_laptop(
    module_server, team: Team, laptops
) -> None:  # type: ignore[no-untyped-def]
    a, b, case = _shared_case(module_server, team, laptops)
    deleted = httpx.delete(
        f"{module_server.url}/api/v1/enterprises/{case.enterprise_id}",
        headers={"Authorization": f"Bearer {team.office}"},
        timeout=30,
    )
    assert deleted.status_code == 200 and deleted.json()["deleted_founding_cases"] == 1

    for store, token in ((a, team.a), (b, team.b)):
        assert client_for(store, module_server.url, token).run().ok
        assert store.get_founding_case(case.id) is None and store.get_enterprise(case.enterprise_id) is None
    versions = _versions(module_server.url, team.office, "founding_case", case.id)
    assert versions.status_code == 200 and versions.json()["items"][-1]["record"] is None  # the history stays


def test_a_pending_case_keeps_its_enterprise_when_the_server_deletes_it(
    module_server, team: Team, laptops
) -> None:  # type: ignore[no-untyped-def]
    a, b, case = _shared_case(module_server, team, laptops)
    b.save_founding_case(_step(b.get_founding_case(case.id), "applications", applications=12))  # type: ignore[arg-type]
    httpx.delete(
        f"{module_server.url}/api/v1/enterprises/{case.enterprise_id}",
        headers={"Authorization": f"Bearer {team.office}"},
        timeout=30,
    ).raise_for_status()

    client_for(b, module_server.url, team.b).run()

    kept = b.get_founding_case(case.id)
    assert kept is not None and kept.applications == 12  # unsent work is never thrown away
    assert b.get_enterprise(case.enterprise_id) is not None
    assert {(i.kind, i.status) for i in b.sync_issues()} >= {("enterprise", "deleted")}


def test_office_pushes_of_cases_are_validated_like_the_laptops(module_server, team: Team, laptops) -> None:  # type: ignore[no-untyped-def]
    a = laptops("a")
    firm = add_enterprise(a, ward=team.ward)
    client_for(a, module_server.url, team.a).run()
    case = add_case(a, firm)
    broken = case.model_copy(update={"dossier_on": date(2026, 5, 1)})  # a step out of order, unchecked copy
    orphan = FoundingCase.parse(
        {**add_case(a, firm).to_doc(), "enterprise_id": "0" * 8 + "-0000-4000-8000-" + "0" * 12}
    )

    results = office_push(
        module_server.url, team.office, [("founding_case", broken), ("founding_case", orphan)]
    )

    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert [(e["field"], e["code"]) for e in results[0]["errors"]] == [("dossier_on", "step_out_of_order")]
    assert [(e["field"], e["code"]) for e in results[1]["errors"]] == [
        ("enterprise_id", "unknown_enterprise")
    ]


def test_a_case_leaves_the_laptop_with_its_area_unless_it_holds_unsent_work(
    module_server, team: Team, laptops
) -> None:  # type: ignore[no-untyped-def]
    a, b, case = _shared_case(module_server, team, laptops)
    firm = add_enterprise(a, ward=team.ward)
    other = add_case(a, firm)
    client_for(a, module_server.url, team.a).run()
    client_for(b, module_server.url, team.b).run()
    # B corrects one case and has not sent it when the office takes the ward from B
    b.save_founding_case(_step(b.get_founding_case(other.id), "applications", applications=10))  # type: ignore[arg-type]
    engine = make_engine(module_server.database_url)
    try:
        unassign_wards(engine, team.b_name, [team.ward])
    finally:
        engine.dispose()

    summary = client_for(b, module_server.url, team.b).run()

    assert b.get_founding_case(case.id) is None and b.get_enterprise(case.enterprise_id) is None
    assert summary.left_area == 2  # the synced case and its enterprise
    # the correction was refused (no longer B's area) and is kept, with its enterprise, for B to settle
    kept = b.get_founding_case(other.id)
    assert kept is not None and kept.applications == 10 and kept.pending
    assert b.get_enterprise(firm.id) is not None
    [issue] = [i for i in b.sync_issues() if i.id == other.id]
    assert [(e.field, e.code) for e in issue.errors] == [("enterprise_id", "out_of_area")]
