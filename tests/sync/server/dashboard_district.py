"""A small district for the dashboard's pages: two wards with a cadre each, founding cases at every stage (one
overdue, one paused, one abandoned and started again, one recognised today), membership growth, this year's targets.

Every date counts back from Vietnam's today, so the figures hold on any day; the tests compute the expected figures
from what is kept here (``District``), never with the server's progress code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from server_helpers import Api, enterprise, item, visit

from fieldapp.core.founding import STEP_FIELDS, STEPS, abandon, pause, record_step, start_case
from fieldapp.core.rules import default_rules
from sync.server.areas import assign_wards
from sync.server.db import make_engine
from sync.server.targets import set_target
from sync.server.users import add_user, set_password

PASSWORD = "mật khẩu đủ dài 2026"
WARD_A, WARD_B = "Phường Bồ Đề", "Xã Gia Lâm"
CADRE_A, CADRE_B = "Nguyễn Văn Bình", "Phạm Thị Cúc"
ADMIN = "quantri"
#: Vietnam's day (the office's today), whatever the machine's zone
TODAY = (datetime.now(UTC) + timedelta(hours=7)).date()

#: the step values each case records (the step's date is added)
_STEP_VALUES: dict[str, dict[str, Any]] = {
    "committee": {"committee_members": 4, "committee_head": "Lê Thị Hoa"},
    "applications": {"applications": 9},
    "congress": {"congress_attending": 9, "bch_size": 3, "inspection_size": 1},
    "bch_meeting": {},
    "dossier": {},
    "recognized": {"decision_number": "45/QĐ-LĐLĐ", "members_at_founding": 15},
}

#: enterprise index -> the days before TODAY each step was done (in order), then what became of the case
CASES: dict[int, list[dict[str, Any]]] = {
    0: [{"days": [70, 65, 60]}],  # the congress 60 days ago, no BCH meeting yet: two steps overdue
    1: [{"days": [40, 30, 20, 15, 10, 0]}],  # recognised today
    2: [{"days": [30, 25], "then": ("pause", "employer_obstruction", "Giám đốc không cho họp")}],
    3: [{"days": [100], "then": ("abandon", "workers_withdrew", "")}, {"days": [10]}],  # started again
    4: [{"days": [20, 12, 8, 5, 3]}],  # the dossier sent 3 days ago: the decision not due yet
}


@dataclass
class District:
    enterprises: list[dict[str, Any]]  # as they stand now
    visits: list[dict[str, Any]]
    cases: list[dict[str, Any]]  # each case's content
    #: enterprise id -> union members added today
    added: dict[str, int]
    #: (scope: "federation" | ward | cadre, new_unions, new_members)
    targets: list[tuple[str, int, int]]
    names: dict[str, str] = field(default_factory=dict)

    def ward_of(self, enterprise_id: str) -> str:
        return next(e["ward"] for e in self.enterprises if e["id"] == enterprise_id)


def _case(enterprise_id: str, spec: dict[str, Any]) -> dict[str, Any]:
    rules = default_rules()
    days = [TODAY - timedelta(days=d) for d in spec["days"]]
    case = start_case(enterprise_id, days[0], today=TODAY, **_STEP_VALUES["committee"])
    for step, day in zip(STEPS[1:], days[1:], strict=False):
        fields = {STEP_FIELDS[step][0]: day, **_STEP_VALUES[step.value]}
        case = record_step(case, step, rules, today=TODAY, **fields)
    if "then" in spec:
        how, reason, note = spec["then"]
        case = (pause if how == "pause" else abandon)(case, reason, note)
    return case.content()


def seed(url: str, database_url: str) -> District:
    """The district on the server at *url* (its database *database_url*)."""
    admin_token = add_user(database_url, ADMIN, role="admin", full_name="Trần Thị Quản Trị")
    set_password(database_url, ADMIN, PASSWORD)
    add_user(database_url, "lanhdao", role="viewer", full_name="Lê Văn Lãnh Đạo")
    set_password(database_url, "lanhdao", PASSWORD)
    add_user(database_url, CADRE_A, role="cadre")
    add_user(database_url, CADRE_B, role="cadre", full_name="Phạm Thị Cúc (Gia Lâm)")
    engine = make_engine(database_url)
    try:
        assign_wards(engine, CADRE_A, [WARD_A], by=ADMIN)
        assign_wards(engine, CADRE_B, [WARD_B], by=ADMIN)
        firms = [
            enterprise(name="Công ty TNHH Dệt May Hưng Thịnh", ward=WARD_A, registered_workers=120,
                       tax_code="0107654321"),
            enterprise(name="Công ty TNHH Cơ khí Ngọc Lâm", ward=WARD_A, registered_workers=60,
                       tax_code="0107000001"),
            enterprise(name="Công ty Cổ phần Bao bì Gia Lâm", ward=WARD_B, registered_workers=45,
                       tax_code="0107000002"),
            enterprise(name="Công ty TNHH Điện tử Đông Dư", ward=WARD_B, registered_workers=80,
                       tax_code="0107000003"),
            enterprise(name="Công ty TNHH Thực phẩm Bồ Đề", ward=WARD_A, registered_workers=35,
                       tax_code="0107000004"),
            enterprise(name="Công ty TNHH Thực phẩm Sài Gòn", ward=WARD_B, has_union=True, union_members=80,
                       tax_code="0301112223"),
        ]  # fmt: skip
        for i in range(26):
            firms.append(
                enterprise(
                    name=f"Công ty TNHH {('Xây dựng', 'Vận tải', 'In ấn')[i % 3]} Số {i + 1}",
                    ward=WARD_A if i % 2 else WARD_B,
                    address=f"{10 + i} Ngô Gia Tự",
                    tax_code=f"01088{i:05d}",
                    registered_workers=None if i % 4 == 0 else 3 + 4 * i,
                )
            )
        visits = []
        for i, firm in enumerate(firms[:12]):
            cadre = CADRE_A if firm["ward"] == WARD_A else CADRE_B
            for back in (1, 35) if i % 3 else (45,):
                visits.append(
                    visit(
                        firm["id"],
                        cadre,
                        visited_on=(TODAY - timedelta(days=back)).isoformat(),
                        headcount=30 + i,
                        applications=i % 7,
                        attitude="supportive" if i % 2 else "neutral",
                        note=f"Lần thăm {back} ngày trước",
                    )
                )
        cases = [_case(firms[i]["id"], spec) for i, specs in CASES.items() for spec in specs]
        api = Api.live(url, admin_token, ADMIN)
        try:
            for batch in ([item("enterprise", f) for f in firms], [item("visit", v) for v in visits],
                          [item("founding_case", c) for c in cases]):  # fmt: skip
                results = api.push(batch)
                assert [r for r in results if r["status"] != "accepted"] == []
            # today: the recognition makes its firm unionised, and a union grows
            grown = [
                {**firms[1], "has_union": True, "union_members": 15},
                {**firms[5], "union_members": 92},
            ]
            results = api.push([item("enterprise", f, rev=2, base=1) for f in grown])
            assert [r for r in results if r["status"] != "accepted"] == []
        finally:
            api.close()
        added = {
            f["id"]: f["union_members"] - old["union_members"]
            for f, old in zip(grown, (firms[1], firms[5]), strict=True)
        }
        firms[1], firms[5] = grown
        targets = [("federation", 22, 1400), (WARD_A, 8, 500), (CADRE_A, 5, 300), (CADRE_B, 4, 20)]
        for scope, unions, members in targets:
            ward = scope if scope in (WARD_A, WARD_B) else None
            user = scope if scope in (CADRE_A, CADRE_B) else None
            set_target(
                engine, TODAY.year, new_unions=unions, new_members=members, ward=ward, user=user, by=ADMIN
            )
    finally:
        engine.dispose()
    return District(firms, visits, cases, added, targets, {f["id"]: f["name"] for f in firms})
