"""Team sync by area, with a real server process (SQLite and PostgreSQL) and three real laptop stores.

The office owns the registry and the areas; two cadres share a ward, a third works another one. Each laptop pulls its
area and every visit to it, whoever logged it; pushes outside the area are refused per item; an area change drops
what left the laptop's area on the next sync, but never a record holding unsent work.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest
from client.laptop import Recorder, add_visits, client_for, office_push
from sqlalchemy import Engine
from support.live_server import LiveServer

from fieldapp.core.classify import classify_all, group_visits
from fieldapp.core.records import Enterprise
from fieldapp.core.rules import load_rules
from fieldapp.store import Store
from sync.client import SyncNetworkError, SyncSummary
from sync.server import areas
from sync.server.db import make_engine
from sync.server.rules import classify_records, set_rules

TODAY = date(2026, 12, 1)


@dataclass
class Laptop:
    name: str
    token: str
    store: Store
    url: str

    def sync(self) -> SyncSummary:
        return client_for(self.store, self.url, self.token).run()

    def enterprise_ids(self) -> set[str]:
        return {e.id for e in self.store.enterprises()}

    def verdicts(self, ids: set[str]) -> dict[str, dict[str, object]]:
        """Every verdict of *ids* as ``fieldapp classify --format json`` rows, with the rules the laptop loads."""
        enterprises = [e for e in self.store.enterprises() if e.id in ids]
        rules = load_rules(self.store.folder)
        found = classify_all(enterprises, group_visits(self.store.visits()), rules, TODAY)
        return {i: c.to_dict() for i, c in found.items()}


@dataclass
class Federation:
    server: LiveServer
    engine: Engine
    admin: str
    firms: dict[str, Enterprise]
    laptops: dict[str, Laptop]


@pytest.fixture
def federation(live_server: LiveServer, tmp_path: Path) -> Iterator[Federation]:
    """nva and ttb share Thanh Nhàn, lvc works Bạch Mai and has one big firm of Minh Khai directly."""
    admin = live_server.add_user("office", "admin")
    firms = {
        "tn1": Enterprise.create(
            name="Công ty May Thanh Nhàn", ward="Phường Thanh Nhàn", tax_code="0100109106"
        ),
        "tn2": Enterprise.create(name="Xưởng In Hồng Hà", ward="thanh nhan"),
        "bm": Enterprise.create(name="Công ty Bánh Bạch Mai", ward="Bạch Mai"),
        "mk": Enterprise.create(name="Nhà máy Minh Khai", ward="Minh Khai", tax_code="0101245486"),
        "other": Enterprise.create(name="Công ty Vĩnh Tuy", ward="Vĩnh Tuy"),
    }
    results = office_push(live_server.url, admin, [("enterprise", e) for e in firms.values()])
    assert {r["status"] for r in results} == {"accepted"}
    engine = make_engine(live_server.database_url)
    wards = {"nva": ["Thanh Nhàn"], "ttb": ["P. Thanh Nhàn"], "lvc": ["Bạch Mai"]}
    laptops = {}
    for name, own in wards.items():
        token = live_server.add_user(name, "cadre", wards=own)
        laptops[name] = Laptop(name, token, Store.open(tmp_path / name), live_server.url)
    areas.assign_enterprise(engine, "0101245486", "lvc", by="office")
    try:
        yield Federation(live_server, engine, admin, firms, laptops)
    finally:
        for laptop in laptops.values():
            laptop.store.close()
        engine.dispose()


def test_each_laptop_pulls_its_area_and_colleagues_visits(federation: Federation) -> None:
    nva, ttb, lvc = (federation.laptops[n] for n in ("nva", "ttb", "lvc"))
    firms = federation.firms
    for laptop in (nva, ttb, lvc):
        assert laptop.sync().ok
    thanh_nhan = {firms["tn1"].id, firms["tn2"].id}
    assert nva.enterprise_ids() == thanh_nhan == ttb.enterprise_ids()
    assert lvc.enterprise_ids() == {firms["bm"].id, firms["mk"].id}
    assert nva.store.get_enterprise(firms["tn1"].id) is not None

    # nva visits a firm of the shared ward; ttb gets those visits, lvc (another area) does not
    mine = add_visits(nva.store, nva.store.get_enterprise(firms["tn1"].id), "nva", 3)  # type: ignore[arg-type]
    assert nva.sync().accepted == 3
    ttb.sync()
    lvc.sync()
    assert {v.id for v in ttb.store.visits_of(firms["tn1"].id)} == {v.id for v in mine}
    assert all(v.cadre == "nva" for v in ttb.store.visits())
    assert lvc.store.visits() == []
    # one verdict: both laptops of the ward see the same status, reasons and priority for every firm of it
    assert nva.verdicts(thanh_nhan) == ttb.verdicts(thanh_nhan)


def test_a_push_outside_the_area_is_refused_per_item(federation: Federation) -> None:
    nva = federation.laptops["nva"]
    nva.sync()
    outside = nva.store.save_enterprise(Enterprise.create(name="Công ty Ngoài Địa Bàn", ward="Bạch Mai"))
    found = nva.store.save_enterprise(Enterprise.create(name="Hộ may gia đình mới tìm thấy"))
    inside = nva.store.save_enterprise(
        Enterprise.create(name="Công ty Trong Địa Bàn", ward="Phường Thanh Nhàn")
    )
    summary = nva.sync()
    assert (summary.accepted, summary.rejected) == (2, 1)
    issue = nva.store.sync_issue("enterprise", outside.id)
    assert issue is not None and [e.code for e in issue.errors] == ["out_of_area"]
    assert "Bạch Mai" in issue.errors[0].message("vi") and "địa bàn" in issue.errors[0].message("vi")
    # the firm with no ward is the cadre's find: assigned to them directly, so it stays in their area
    listed = {a.user: a for a in areas.list_areas(federation.engine)}
    assert [e.id for e in listed["nva"].enterprises] == [found.id]
    assert inside.id in nva.enterprise_ids() and found.id in nva.enterprise_ids()
    # nothing of the refused firm reached the server: the office does not see it
    lvc = federation.laptops["lvc"]
    lvc.sync()
    assert outside.id not in lvc.enterprise_ids()


def test_reassignment_hands_the_ward_over_and_drops_it_from_the_old_laptop(federation: Federation) -> None:
    nva, ttb, lvc = (federation.laptops[n] for n in ("nva", "ttb", "lvc"))
    firms = federation.firms
    for laptop in (nva, ttb, lvc):
        laptop.sync()
    visits = add_visits(nva.store, nva.store.get_enterprise(firms["tn1"].id), "nva", 2)  # type: ignore[arg-type]
    nva.sync()
    # ttb logs a visit offline, then the office moves Thanh Nhàn from ttb to lvc before ttb syncs
    offline = add_visits(ttb.store, ttb.store.get_enterprise(firms["tn2"].id), "ttb", 1, seed=7)  # type: ignore[arg-type]
    areas.unassign_wards(federation.engine, "ttb", ["thanh nhan"])
    areas.assign_wards(federation.engine, "lvc", ["Thanh Nhàn"], by="office")

    summary = ttb.sync()
    # the pending visit went first (a visit is a fact, accepted after the firm left the area), then the ward left
    assert summary.accepted == 1 and summary.left_area >= 2
    assert ttb.enterprise_ids() == set() and ttb.store.visits() == []
    # the new cadre gets the ward with its whole history, older than their cursor
    lvc.sync()
    assert {firms["tn1"].id, firms["tn2"].id} <= lvc.enterprise_ids()
    assert {v.id for v in lvc.store.visits()} == {v.id for v in visits + offline}


def test_an_area_change_never_drops_unsent_work(federation: Federation) -> None:
    ttb = federation.laptops["ttb"]
    firms = federation.firms
    ttb.sync()
    # an edit the server refuses (only the office assigns firms) stays pending on the laptop
    firm = ttb.store.get_enterprise(firms["tn1"].id)
    assert firm is not None
    ttb.store.save_enterprise(firm.edit(assigned_to="ttb"))
    areas.unassign_wards(federation.engine, "ttb", ["Thanh Nhàn"])
    summary = ttb.sync()
    assert summary.rejected == 1
    kept = ttb.store.get_enterprise(firms["tn1"].id)
    assert kept is not None and kept.pending and kept.assigned_to == "ttb"
    assert firms["tn2"].id not in ttb.enterprise_ids()  # synced and out of the area: gone


def test_an_enterprise_moved_to_another_ward_moves_between_laptops(federation: Federation) -> None:
    nva, lvc = federation.laptops["nva"], federation.laptops["lvc"]
    firms = federation.firms
    nva.sync()
    lvc.sync()
    add_visits(nva.store, nva.store.get_enterprise(firms["tn2"].id), "nva", 2)  # type: ignore[arg-type]
    nva.sync()
    moved = nva.store.get_enterprise(firms["tn2"].id)
    assert moved is not None
    # the cadre corrects the address: the firm is in Bạch Mai (theirs to edit, so accepted)
    nva.store.save_enterprise(moved.edit(ward="Phường Bạch Mai"))
    assert nva.sync().accepted == 1
    nva.sync()  # the next sync finds the area changed and drops the firm and its visits
    assert firms["tn2"].id not in nva.enterprise_ids()
    assert nva.store.visits_of(firms["tn2"].id) == []
    lvc.sync()
    assert firms["tn2"].id in lvc.enterprise_ids()
    assert len(lvc.store.visits_of(firms["tn2"].id)) == 2


def test_the_federations_rules_reach_every_laptop_and_one_verdict_holds_everywhere(
    federation: Federation,
) -> None:
    nva, ttb, lvc = (federation.laptops[n] for n in ("nva", "ttb", "lvc"))
    firms = federation.firms
    set_rules(federation.engine, "min_members = 3\npriority_size = 20\n", by="office")
    for laptop in (nva, ttb, lvc):
        summary = laptop.sync()
        assert summary.ok and summary.rules_changed
        rules = load_rules(laptop.store.folder)
        assert (rules.min_members, rules.priority_size) == (3, 20)
        assert rules.federation == ("min_members", "priority_size") and rules.overridden == ()
    firm = nva.store.get_enterprise(firms["tn1"].id)
    assert firm is not None
    add_visits(nva.store, firm, "nva", 2, seed=3)
    add_visits(lvc.store, lvc.store.get_enterprise(firms["bm"].id), "lvc", 2, seed=4)  # type: ignore[arg-type]
    for laptop in (nva, lvc, ttb, nva, lvc):  # everyone has everyone's work of their area
        assert laptop.sync().ok
    server = {c.enterprise_id: c.to_dict() for c in classify_records(federation.engine, TODAY)}
    thanh_nhan = {firms["tn1"].id, firms["tn2"].id}
    assert nva.verdicts(thanh_nhan) == ttb.verdicts(thanh_nhan) == {i: server[i] for i in thanh_nhan}
    theirs = lvc.enterprise_ids()
    assert lvc.verdicts(theirs) == {i: server[i] for i in theirs}
    # the rules changing again reach the laptops on their next sync; unchanged rules are not rewritten
    assert not nva.sync().rules_changed
    set_rules(federation.engine, "", by="office")
    assert nva.sync().rules_changed
    assert load_rules(nva.store.folder).federation == ()


def test_an_area_change_cut_short_by_the_network_loses_nothing_and_finishes_next_time(
    federation: Federation,
) -> None:
    ttb, lvc = federation.laptops["ttb"], federation.laptops["lvc"]
    firms = federation.firms
    ttb.sync()
    offline = add_visits(ttb.store, ttb.store.get_enterprise(firms["tn1"].id), "ttb", 3, seed=9)  # type: ignore[arg-type]
    areas.unassign_wards(federation.engine, "ttb", ["Thanh Nhàn"])
    areas.assign_wards(federation.engine, "ttb", ["Bạch Mai"], by="office")
    pages: list[str] = []

    def cut_the_second_page(request: httpx.Request, index: int) -> httpx.Response | None:
        if request.url.path.endswith("/changes"):
            pages.append(request.url.params["since"])
            if len(pages) >= 2:  # from the second page on, every try is cut: the retries give up
                raise httpx.ReadError("connection cut")
        return None

    cut = client_for(
        ttb.store, ttb.url, ttb.token, transport=Recorder(fault=cut_the_second_page), pull_limit=1
    )
    with pytest.raises(SyncNetworkError):
        cut.run()
    # the visits went first and are on the server; nothing was dropped half way
    assert all(not v.pending for v in ttb.store.visits())
    assert {v.id for v in offline} <= {v.id for v in ttb.store.visits()}

    summary = ttb.sync()  # the whole area again, then what left it goes
    assert summary.ok and summary.left_area >= 2
    assert ttb.enterprise_ids() == {firms["bm"].id}
    lvc.sync()
    ids = {v.id for v in lvc.store.visits()}
    assert not ({v.id for v in offline} & ids)  # lvc has Bạch Mai only; the visits are Thanh Nhàn's
    answer = httpx.get(
        f"{federation.server.url}/api/v1/visits",
        params={"limit": 1000},
        headers={"Authorization": f"Bearer {federation.admin}"},
        timeout=30,
    )
    assert {v.id for v in offline} <= {
        item["id"] for item in answer.json()["items"]
    }  # each visit arrived once
