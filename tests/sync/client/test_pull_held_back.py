"""A laptop's pull of a new area while another writer is still in flight (PostgreSQL, a real server process).

The server serves a pull only below the oldest writer in flight (docs/sync.md, "No gaps"), so a record the laptop
pushed a moment ago can be held back behind another laptop's push that took its numbers first. Once a pull of a
new area is complete the laptop drops the synced records it did not bring: it must not drop a held-back one (its
own, or a colleague's newer version of one it holds: in the area, only not visible yet), and must still drop what
left the area.

The other writer is an explicit transaction on the server's database (the server's own push code, in this
process), opened before the laptop pushes and committed after its pull: no threads, no sleeps.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import Engine

from fieldapp.core.records import Enterprise
from fieldapp.store import Store
from sync.client import CURSOR_KEY
from sync.protocol import PushItem
from sync.server.db import make_engine, write_session
from sync.server.push import apply_in_session
from sync.server.users import UserInfo

from .laptop import add_enterprise, add_visits, client_for, server_hashes

# PostgreSQL only: SQLite has one writer at a time, nothing is ever held back there
pytestmark = pytest.mark.parametrize("db_backend", ["postgresql"])

OFFICE = UserInfo("office", "admin", None, datetime(2026, 12, 3, tzinfo=UTC), None)
KEPT_WARD, LEFT_WARD = "Thanh Nhàn", "Bạch Mai"


@pytest.fixture
def engine(live_server) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    engine = make_engine(live_server.database_url)
    yield engine
    engine.dispose()


def _office_push(session, firm: Enterprise) -> None:  # type: ignore[no-untyped-def]
    """*firm* pushed by the office in *session* (from its server version)."""
    item = PushItem(
        kind="enterprise", id=firm.id, rev=1, base_version=firm.server_version, record=firm.content()
    )
    [result] = apply_in_session(session, OFFICE, "another-laptop", [item])
    assert result.status == "accepted", result


def _cadre_view(live_server, token: str) -> tuple[set[tuple[str, str, int]], int]:  # type: ignore[no-untyped-def]
    """(kind, id, server version) of every live record the cadre's pull from 0 brings now, and the last cursor."""
    found: dict[tuple[str, str], tuple[str, int]] = {}
    cursor, has_more = 0, True
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
        for _ in range(1000):
            if not has_more:
                break
            page = http.get(
                f"{live_server.url}/api/v1/changes",
                params={"since": cursor, "kinds": "enterprise,visit,founding_case"},
            ).json()
            for change in page["changes"]:
                key = (change["kind"], change["id"])
                found.pop(key, None)
                if change["op"] == "upsert":
                    found[key] = (change["kind"], change["server_version"])
            cursor, has_more = page["next_cursor"], page["has_more"]
    return {(kind, rid, version) for (kind, rid), (_, version) in found.items()}, cursor


def _laptop_view(laptop: Store) -> set[tuple[str, str, int]]:
    records = [
        *(("enterprise", e) for e in laptop.enterprises()),
        *(("visit", v) for v in laptop.visits()),
        *(("founding_case", c) for c in laptop.founding_cases()),
    ]
    return {(kind, r.id, r.server_version) for kind, r in records}  # type: ignore[misc]


def test_a_first_pull_of_a_new_area_keeps_what_the_laptop_pushed_while_it_is_held_back(
    live_server,  # type: ignore[no-untyped-def]
    engine: Engine,
    laptop: Store,
) -> None:
    name = f"cadre_{secrets.token_hex(4)}"
    token = live_server.add_user(name, wards=[KEPT_WARD, LEFT_WARD])
    admin = f"office_{secrets.token_hex(4)}"
    admin_token = live_server.add_user(admin, "admin")
    client = client_for(laptop, live_server.url, token)

    # the laptop's area holds a firm of each ward; then the office takes one ward away (the area changes)
    leaving = add_enterprise(laptop, ward=f"Phường {LEFT_WARD}")
    shared = add_enterprise(laptop, ward=f"Phường {KEPT_WARD}")
    first = client.run()
    assert first.ok and laptop.get_enterprise(leaving.id) is not None
    unassigned = httpx.post(
        f"{live_server.url}/api/v1/areas/{name}/unassign",
        json={"wards": [LEFT_WARD]},
        headers={"Authorization": f"Bearer {admin_token}"},
    )
    assert unassigned.status_code == 200, unassigned.text

    # new work in the ward it keeps, sent by the next sync, whose pull is of the new area from 0
    firm: Enterprise = add_enterprise(laptop, ward=f"Phường {KEPT_WARD}")
    visits = add_visits(laptop, firm, name, 5)
    with write_session(engine) as other:
        # another writer takes its transaction id and numbers first, and stays open
        _office_push(other, Enterprise.create(name="Công ty của laptop khác", ward="Phường Bến Thành"))
        with write_session(
            engine
        ) as colleague:  # a colleague's newer version of a firm the laptop holds, behind it
            _office_push(colleague, laptop.get_enterprise(shared.id).edit(registered_workers=77))  # type: ignore[union-attr]
        held = client.run()
        assert held.ok and held.accepted == 6, held
        # pushed, acknowledged, held back behind the other writer: in the area, not visible yet, kept
        assert laptop.get_enterprise(firm.id) is not None, "the laptop dropped the firm it had just sent"
        assert all(laptop.get_visit(v.id) is not None for v in visits), "the laptop dropped its visits"
        kept = laptop.get_enterprise(shared.id)
        assert kept is not None and kept.server_version == 1, "a firm of the area changed behind the writer"
        # what left the area is still dropped: the server said so, as of a point after its last write
        assert laptop.get_enterprise(leaving.id) is None and held.left_area == 1

    # the other writer has committed: the next sync converges, every record once on both sides
    settled = client.run()
    assert settled.ok and settled.left_area == 0
    view, cursor = _cadre_view(live_server, token)
    assert _laptop_view(laptop) == view and laptop.get_meta(CURSOR_KEY) == cursor
    assert {("enterprise", firm.id), *(("visit", v.id) for v in visits)} <= {
        (kind, rid) for kind, rid, _ in _laptop_view(laptop)
    }
    assert not any(rid == leaving.id for _, rid, _ in _laptop_view(laptop))
    assert laptop.get_enterprise(shared.id).registered_workers == 77  # type: ignore[union-attr]
    server_visits = dict(server_hashes(live_server.url, admin_token, "visit"))
    assert all(server_visits[v.id] == laptop.get_visit(v.id).content_hash for v in visits)  # type: ignore[union-attr]
