"""Progress for a period and a scope, checked against a seeded district whose true figures are counted here.

The district: two wards of Hà Nội, a cadre for each, enterprises (some with a union), visits across 2026, founding
cases at every stage (recognised, open and late, paused, abandoned), and membership changes pushed today. The
expected figures are counted from the seeded records with plain Python below (``Truth``), never with
sync.server.progress. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from server_helpers import Api, AppServer, enterprise, item, visit
from sqlalchemy import select

from fieldapp.core.founding import abandon, pause, record_step, start_case
from fieldapp.core.rules import default_rules
from sync.server.db import read_session
from sync.server.models import MembershipChange
from sync.server.progress import Records, compute_progress, progress
from sync.server.targets import TargetError, resolve_scope

WARD_A, WARD_B = "Phường Thanh Nhàn", "Phường Bạch Mai"
CADRE_A, CADRE_B = "can.bo.a", "can.bo.b"
MIN = default_rules().min_members
D = date.fromisoformat
# the day a change accepted now counts on: Vietnam's day
TODAY_VN = (datetime.now(UTC) + timedelta(hours=7)).date()
#: (step, the step its deadline counts from) for the steps with a deadline
DEADLINES = (("bch_meeting", "congress"), ("dossier", "congress"), ("recognized", "dossier"))
STEP_ORDER = ("committee", "applications", "congress", "bch_meeting", "dossier", "recognized")

# the cases: enterprise index -> the steps' dates, then what happens to the case
CASES: dict[int, dict[str, Any]] = {
    1: {"steps": ["02-02", "02-20", "03-10", "03-16", "03-25", "04-15"], "members": 12},
    2: {"steps": ["04-01", "04-10", "04-20", "04-24", "05-05", "05-28"], "members": 7},
    3: {"steps": ["05-04", "05-15", "06-01", "06-05", "06-15", "07-10"], "members": 20},
    4: {"steps": ["03-02", "03-20", "04-06"]},  # open, the BCH meeting and the dossier late
    5: {"steps": ["05-04", "05-11", "05-27"]},  # open, congress just before the end of spring
    7: {"steps": ["03-02", "03-10", "03-20", "03-25", "04-01"]},  # open, the decision late
    8: {"steps": ["04-06"], "then": "pause"},
    9: {"steps": ["02-02", "02-25"], "then": "abandon"},
    10: {"steps": ["07-01"]},
}


@dataclass
class Seeded:
    enterprises: dict[str, dict[str, Any]]  # id -> content as it stands now
    visits: list[dict[str, Any]]
    cases: list[dict[str, Any]]  # {"enterprise_id", "dates": {step: date}, "state", "members"}
    deltas: dict[str, list[int]]  # enterprise id -> the membership changes pushed today


def _case_content(enterprise_id: str, spec: dict[str, Any]) -> dict[str, Any]:
    rules = default_rules()
    days = [D(f"2026-{d}") for d in spec["steps"]]
    case = start_case(enterprise_id, days[0], committee_members=4)
    values: list[dict[str, Any]] = [
        {"applications_on": None, "applications": 8},
        {"congress_on": None, "congress_attending": 8, "bch_size": 3, "inspection_size": 1},
        {"bch_meeting_on": None},
        {"dossier_on": None},
        {"recognized_on": None, "decision_number": "12/QĐ-LĐLĐ", "members_at_founding": spec.get("members")},
    ]
    for step, day, fields in zip(STEP_ORDER[1:], days[1:], values, strict=False):
        date_field = next(iter(fields))
        case = record_step(case, step, rules, **{**fields, date_field: day})
    if spec.get("then") == "pause":
        case = pause(case, "employer_obstruction")
    elif spec.get("then") == "abandon":
        case = abandon(case, "workers_withdrew")
    return case.content()


def seed(server: AppServer) -> tuple[Seeded, Api]:
    rng = random.Random(20261202)
    admin = server.api("admin", "office")
    server.api("cadre", CADRE_A, wards=[WARD_A])
    server.api("cadre", CADRE_B, wards=[WARD_B])
    firms: list[dict[str, Any]] = []
    for i in range(24):
        union = i % 6 == 0
        firms.append(
            enterprise(
                name=f"Công ty TNHH Số {i}",
                ward=WARD_A if i % 2 else WARD_B,
                has_union=union,
                union_members=rng.randint(10, 50) if union else 0,
                registered_workers=rng.choice([None, 3, 20]),
                legal_entity=i != 11,
                status="dissolved" if i == 13 else "active",
            )
        )
    visits: list[dict[str, Any]] = []
    for firm in firms:
        days = rng.sample(range(0, 320), rng.randint(0, 3))
        for offset in days:
            own = CADRE_A if firm["ward"] == WARD_A else CADRE_B
            cadre = CADRE_B if rng.random() < 0.2 else own
            headcount, managers = rng.randint(3, 40), rng.randint(0, 1)
            visits.append(
                visit(
                    firm["id"],
                    cadre,
                    visited_on=(D("2026-01-05") + timedelta(days=offset)).isoformat(),
                    headcount=headcount,
                    seasonal=rng.randint(0, 2),
                    managers=managers,
                    applications=rng.randint(0, min(7, headcount - managers)),
                )
            )
    # visited first on a period's first day: newly eligible in that period (the day before it had no data)
    for first_day in ("2026-03-01", "2026-01-01"):
        firm = enterprise(name=f"Công ty Thăm {first_day}", ward=WARD_A, registered_workers=None)
        firms.append(firm)
        visits.append(
            visit(firm["id"], CADRE_A, visited_on=first_day, headcount=30, managers=1, applications=2)
        )
    cases = [_case_content(firms[i]["id"], spec) for i, spec in CASES.items()]
    results = admin.push(
        [item("enterprise", f) for f in firms]
        + [item("visit", v) for v in visits]
        + [item("founding_case", c) for c in cases]
    )
    assert [r for r in results if r["status"] != "accepted"] == []

    # today: recognitions make their firms unionized; unions grow (one shrinks); a new firm comes with its members
    now: dict[str, dict[str, Any]] = {f["id"]: f for f in firms}
    deltas: dict[str, list[int]] = {}
    changed: list[dict[str, Any]] = []
    for i, spec in CASES.items():
        if "members" in spec:
            changed.append({**firms[i], "has_union": True, "union_members": spec["members"]})
    for i, step in ((0, 5), (6, 11), (12, 3), (18, -2)):
        changed.append({**firms[i], "union_members": firms[i]["union_members"] + step})
    changed.append({**firms[15], "name": "Công ty TNHH Số 15 (đổi tên)"})  # no change of members
    for firm in changed:
        deltas.setdefault(firm["id"], []).append(firm["union_members"] - now[firm["id"]]["union_members"])
        now[firm["id"]] = firm
    newcomer = enterprise(name="Công ty Mới Đến", ward=WARD_A, has_union=True, union_members=30)
    results = admin.push(
        [item("enterprise", f, rev=2, base=1) for f in changed] + [item("enterprise", newcomer)]
    )
    assert [r for r in results if r["status"] != "accepted"] == []
    now[newcomer["id"]] = newcomer
    deltas = {k: [d for d in v if d] for k, v in deltas.items() if any(v)}

    seeded_cases = []
    for c in cases:
        dates = {s: c.get(f"{s}_on") for s in STEP_ORDER}
        seeded_cases.append(
            {
                "id": c["id"],
                "enterprise_id": c["enterprise_id"],
                "dates": {s: D(v) for s, v in dates.items() if v},
                "state": c["state"],
                "members": c.get("members_at_founding"),
            }
        )
    return Seeded(now, visits, seeded_cases, deltas), admin


class Truth:
    """The expected figures, counted from the seeded records."""

    def __init__(
        self, seeded: Seeded, start: date, end: date, ward: str | None = None, user: str | None = None
    ):
        self.s, self.start, self.end, self.user = seeded, start, end, user
        area = {CADRE_A: WARD_A, CADRE_B: WARD_B}.get(user or "")
        self.ids = {
            eid
            for eid, e in seeded.enterprises.items()
            if (ward is None or e["ward"] == ward) and (area is None or e["ward"] == area)
        }

    def _in(self, day: date) -> bool:
        return self.start <= day <= self.end

    def recognized(self) -> list[dict[str, Any]]:
        return [
            c
            for c in self.s.cases
            if c["enterprise_id"] in self.ids
            and "recognized" in c["dates"]
            and self._in(c["dates"]["recognized"])
        ]

    def visits(self) -> list[dict[str, Any]]:
        return [
            v
            for v in self.s.visits
            if self._in(D(v["visited_on"]))
            and (v["cadre"] == self.user if self.user else v["enterprise_id"] in self.ids)
        ]

    def eligible(self, eid: str, day: date) -> bool:
        e = self.s.enterprises[eid]
        if e["has_union"] or e["status"] != "active":
            return False
        seen = [v for v in self.s.visits if v["enterprise_id"] == eid and D(v["visited_on"]) <= day]
        if seen:
            last = max(seen, key=lambda v: v["visited_on"])
            stable = last["headcount"] - last["seasonal"] - last["managers"]
            return e["legal_entity"] and (last["applications"] >= MIN or stable >= MIN)
        return e["registered_workers"] is not None and e["legal_entity"] and e["registered_workers"] >= MIN

    def newly_eligible(self) -> list[str]:
        before = self.start - timedelta(days=1)
        return sorted(i for i in self.ids if self.eligible(i, self.end) and not self.eligible(i, before))

    def new_members(self) -> int:
        if not self._in(TODAY_VN):
            return 0
        return sum(sum(d) for eid, d in self.s.deltas.items() if eid in self.ids)

    def cases_by_stage(self) -> dict[str, int]:
        counts = dict.fromkeys(STEP_ORDER, 0)
        for c in self.s.cases:
            done = [s for s in STEP_ORDER if s in c["dates"] and c["dates"][s] <= self.end]
            if c["enterprise_id"] in self.ids and done and c["state"] != "abandoned":
                counts[done[-1]] += 1
        return counts

    def overdue(self) -> list[tuple[str, str]]:
        late = []
        for c in self.s.cases:
            if c["enterprise_id"] not in self.ids or c["state"] != "open":
                continue
            for step, anchor in DEADLINES:
                since = c["dates"].get(anchor)
                if step in c["dates"] or since is None or since > self.end:
                    continue
                gap = (self.end - since).days
                # 10-15 working days: at least 30 calendar days is late, at most 9 is not; nothing seeded between
                assert gap >= 30 or gap <= 9, (c, step, gap)
                if gap >= 30:
                    late.append((c["id"], step))
        return sorted(late)


@pytest.fixture
def district(any_server: AppServer) -> tuple[AppServer, Seeded]:
    seeded, _ = seed(any_server)
    return any_server, seeded


PERIODS = [(D("2026-03-01"), D("2026-05-31")), (D("2026-01-01"), TODAY_VN), (TODAY_VN, TODAY_VN)]
SCOPES = [{}, {"ward": WARD_A}, {"ward": "bach mai"}, {"user": CADRE_B}, {"user": CADRE_A}]


def test_progress_matches_the_seeded_district(district: tuple[AppServer, Seeded]) -> None:
    server, seeded = district
    checked_nonzero: set[str] = set()
    for start, end in PERIODS:
        for scope in SCOPES:
            got = progress(server.engine, start, end, **scope)
            truth = Truth(
                seeded,
                start,
                end,
                ward=WARD_B if scope.get("ward") == "bach mai" else scope.get("ward"),
                user=scope.get("user"),
            )
            where = (start, end, scope)
            recognized = truth.recognized()
            assert got.recognized == len(recognized), where
            assert got.members_at_founding == sum(c["members"] for c in recognized), where
            assert got.new_members == truth.new_members(), where
            visits = truth.visits()
            assert got.visits == len(visits), where
            assert got.enterprises_visited == len({v["enterprise_id"] for v in visits}), where
            assert list(got.newly_eligible_ids) == truth.newly_eligible(), where
            assert got.newly_eligible == len(truth.newly_eligible()), where
            assert got.cases_by_stage == truth.cases_by_stage(), where
            assert sorted((o.case_id, o.step) for o in got.overdue) == truth.overdue(), where
            for name, value in (
                ("recognized", got.recognized),
                ("new_members", got.new_members),
                ("visits", got.visits),
                ("newly_eligible", got.newly_eligible),
                ("overdue", len(got.overdue)),
            ):
                if value:
                    checked_nonzero.add(name)
    # the seeds exercise every figure (a district where everything is zero would prove nothing)
    assert checked_nonzero == {"recognized", "new_members", "visits", "newly_eligible", "overdue"}


def test_the_federation_figures_are_the_sum_of_the_wards(district: tuple[AppServer, Seeded]) -> None:
    server, _ = district
    start, end = PERIODS[1]
    whole = progress(server.engine, start, end).to_dict()
    parts = [progress(server.engine, start, end, ward=w).to_dict() for w in (WARD_A, WARD_B)]
    for key in ("recognized", "new_members", "visits", "enterprises_visited", "newly_eligible"):
        assert whole[key] == parts[0][key] + parts[1][key], key
    assert whole["new_members"] > 0


def test_membership_changes_are_dated_with_their_total_and_author(district: tuple[AppServer, Seeded]) -> None:
    server, seeded = district
    with read_session(server.engine) as session:
        rows = session.scalars(select(MembershipChange)).all()
        session.expunge_all()
    assert sorted((r.enterprise_id, r.delta) for r in rows) == sorted(
        (eid, d) for eid, ds in seeded.deltas.items() for d in ds
    )
    for r in rows:
        assert r.counted_on == TODAY_VN and r.by == "office"
        assert r.total == seeded.enterprises[r.enterprise_id]["union_members"]


def test_a_case_recognised_with_its_enterprise_counts_its_members_once(any_server: AppServer) -> None:
    admin = any_server.api("admin", "office")
    firm = enterprise(ward=WARD_A)
    case = _case_content(firm["id"], CASES[1])
    admin.push([item("enterprise", firm), item("founding_case", case)])
    admin.push([item("enterprise", {**firm, "has_union": True, "union_members": 12}, rev=2, base=1)])
    got = progress(any_server.engine, D("2026-01-01"), TODAY_VN)
    assert (got.recognized, got.members_at_founding, got.new_members) == (1, 12, 12)


def test_refusals(district: tuple[AppServer, Seeded]) -> None:
    server, _ = district
    with pytest.raises(TargetError, match="--ward"):
        progress(server.engine, D("2026-01-01"), D("2026-02-01"), ward="Phường Không Có")
    with pytest.raises(TargetError, match="--user"):
        progress(server.engine, D("2026-01-01"), D("2026-02-01"), user="nobody")
    with pytest.raises(TargetError, match="--to"):
        progress(server.engine, D("2026-02-01"), D("2026-01-01"))


def test_records_loaded_once_give_the_same_figures_for_every_scope(
    district: tuple[AppServer, Seeded],
) -> None:
    server, _ = district
    with read_session(server.engine) as session:
        shared = Records.load(session)
        for start, end in PERIODS:
            for scope in SCOPES:
                resolved = resolve_scope(session, scope.get("ward"), scope.get("user"))
                alone = compute_progress(session, start, end, resolved)
                assert compute_progress(session, start, end, resolved, shared) == alone
