"""A realistic district on a server, for the office benchmark: enterprises, visits, founding cases, membership
changes over the year, cadres with their wards, a viewer, and targets for the federation, each ward and each cadre.

Everything goes in through the server's own write path (``POST /api/v1/push`` of a real server process, batches of
1,000 as laptops send them), as an admin. The server dates a membership change by the day it accepts it, so a
district pushed in one go would have every change today: the changes are then re-dated over the year with one SQL
``UPDATE`` (the rows keep the shape the server wrote; a recognition's change goes to its recognition day).
"""

from __future__ import annotations

import gzip
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import httpx
import orjson
from sqlalchemy import Engine, bindparam, select, update

from fieldapp.core.founding import FoundingCase
from fieldapp.core.records import Enterprise, Visit
from fieldapp.io.demo import CADRES, DISTRICTS, generate_demo
from fieldapp.io.demo_founding import demo_founding_cases
from sync.server.areas import assign_wards
from sync.server.models import MembershipChange
from sync.server.recordstore import VIETNAM
from sync.server.targets import set_target
from sync.server.users import add_user, set_password

__all__ = ["ADMIN", "VIEWER", "VIEWER_PASSWORD", "District", "seed_district"]

ADMIN = "bench_office"
VIEWER = "lanhdao"
VIEWER_PASSWORD = "mật-khẩu-lãnh-đạo-2026"
_BATCH = 1000
#: founding cases are made per this many enterprises (the demo makes at most ten rounds of them per call)
_CASE_CHUNK = 2000


@dataclass
class District:
    enterprises: int = 0
    visits: int = 0
    cases: int = 0
    recognized: int = 0
    membership_changes: int = 0
    wards: list[str] = field(default_factory=list)
    cadres: list[str] = field(default_factory=list)
    today: date = field(default_factory=date.today)
    #: the admin's API token (pushes)
    token: str = ""
    #: an enterprise of the district (the benchmark pushes visits to it)
    first_enterprise: str = ""


def _push(http: httpx.Client, items: list[dict[str, Any]]) -> None:
    for start in range(0, len(items), _BATCH):
        body = gzip.compress(
            orjson.dumps({"device_id": "office-bench", "items": items[start : start + _BATCH]})
        )
        response = http.post(
            "/api/v1/push",
            content=body,
            headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
        )
        if response.status_code != 200:
            raise SystemExit(f"seeding push refused: {response.status_code} {response.text[:500]}")
        bad = [r for r in response.json()["results"] if r["status"] != "accepted"]
        if bad:
            raise SystemExit(f"seeding push: {len(bad)} records not accepted, e.g. {bad[0]}")


def _item(kind: str, content: dict[str, Any], rev: int = 1, base: int | None = None) -> dict[str, Any]:
    return {"kind": kind, "id": content["id"], "rev": rev, "base_version": base, "record": content}


def _cases(
    firms: Sequence[Enterprise], visits: Sequence[Visit], today: date
) -> list[tuple[FoundingCase, Enterprise | None]]:
    by_firm: dict[str, list[Visit]] = {}
    for v in visits:
        by_firm.setdefault(v.enterprise_id, []).append(v)
    made: list[tuple[FoundingCase, Enterprise | None]] = []
    for n, start in enumerate(range(0, len(firms), _CASE_CHUNK)):
        chunk = firms[start : start + _CASE_CHUNK]
        own = [v for e in chunk for v in by_firm.get(e.id, ())]
        made += demo_founding_cases(chunk, own, seed=100 + n, today=today)
    return made


def seed_district(
    engine: Engine,
    base_url: str,
    enterprises: int,
    visits: int,
    *,
    seed: int = 2026,
    today: date | None = None,
) -> District:
    """Fill the (empty, migrated) database behind *engine*, served at *base_url*, with a district."""
    today = today or datetime.now(VIETNAM).date()
    rng = random.Random(seed)
    firms, made = generate_demo(enterprises=enterprises, visits=visits, seed=seed, today=today)
    wards = [w for ws in DISTRICTS.values() for w in ws]
    # the office's users: the demo's cadres (their visits carry their names) with the demo's wards, a viewer
    token = add_user(engine, ADMIN, role="admin")
    for i, cadre in enumerate(CADRES):
        add_user(engine, cadre, role="cadre")
        assign_wards(engine, cadre, [w for j, w in enumerate(wards) if j % len(CADRES) == i], by=ADMIN)
    add_user(engine, VIEWER, role="viewer", full_name="Trần Thị Lãnh Đạo")
    set_password(engine, VIEWER, VIEWER_PASSWORD)

    # the big firms are assigned to a cadre directly (the office does so), the others go by their ward
    firms = [e.model_copy(update={"assigned_to": e.assigned_to if (e.registered_workers or 0) > 250 else None})
             for e in firms]  # fmt: skip
    cases = _cases(firms, made, today)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=300) as http:
        _push(http, [_item("enterprise", e.content()) for e in firms])
        _push(http, [_item("visit", v.content()) for v in made])
        _push(http, [_item("founding_case", c.content()) for c, _ in cases])
        # second versions: recognitions unionize their firm; some unions grow or shrink over the year
        unionized = {after.id: after for _, after in cases if after is not None}
        grown = [
            e.model_copy(update={"union_members": e.union_members + rng.choice((-3, -1, 2, 5, 8, 12, 20))})
            for e in firms
            if e.has_union and e.union_members > 3 and e.id not in unionized and rng.random() < 0.3
        ]
        _push(http, [_item("enterprise", e.content(), rev=2, base=1) for e in [*unionized.values(), *grown]])

    # the server dated every change today: spread them over the year, a recognition's on its recognition day
    recognized_on = {c.enterprise_id: c.recognized_on for c, after in cases if after is not None}
    start = date(today.year, 1, 1)
    span = (today - start).days
    with engine.begin() as conn:
        rows = conn.execute(select(MembershipChange.id, MembershipChange.enterprise_id)).all()
        params = []
        for rid, eid in rows:
            day = recognized_on.get(eid) or start + timedelta(days=rng.randint(0, span))
            moment = datetime.combine(day, time(10), VIETNAM).astimezone(UTC)
            params.append({"rid": rid, "day": day, "moment": moment})
        if params:
            conn.execute(
                update(MembershipChange)
                .where(MembershipChange.id == bindparam("rid"))
                .values(counted_on=bindparam("day"), at=bindparam("moment")),
                params,
            )

    year = today.year
    set_target(engine, year, new_unions=max(1, len(recognized_on)), new_members=1400, by=ADMIN)
    for ward in wards:
        set_target(engine, year, ward=ward, new_unions=3, new_members=100, by=ADMIN)
    for cadre in CADRES:
        set_target(engine, year, user=cadre, new_unions=6, new_members=280, by=ADMIN)
    return District(
        enterprises=len(firms),
        visits=len(made),
        cases=len(cases),
        recognized=len(recognized_on),
        membership_changes=len(rows),
        wards=wards,
        cadres=list(CADRES),
        today=today,
        token=token,
        first_enterprise=firms[0].id,
    )
