"""Pull: the office's changes (new records, reassignments, deletions) reach the laptop; the cursor is kept safely."""

from __future__ import annotations

import threading
from datetime import date

import httpx
import pytest

from fieldapp.core.records import Enterprise, Visit
from fieldapp.store import Store
from sync.client import CURSOR_KEY, SyncNetworkError, SyncProgress

from .conftest import User
from .laptop import Recorder, client_for, office_push


def _server_cursor(module_server, token: str) -> int:  # type: ignore[no-untyped-def]
    """The last seq this user can see (what a fully pulled laptop must have stored)."""
    cursor, has_more = 0, True
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}) as http:
        for _ in range(1000):
            if not has_more:
                break
            page = http.get(f"{module_server.url}/api/v1/changes", params={"since": cursor}).json()
            cursor, has_more = page["next_cursor"], page["has_more"]
    return cursor


def test_pull_brings_new_records_reassignments_and_deletions(
    module_server, laptop: Store, cadre: User, admin: User
) -> None:
    first = Enterprise.create(name="Công ty Một", assigned_to=cadre.name)
    second = Enterprise.create(name="Công ty Hai", assigned_to=cadre.name)
    visit = Visit.create(
        enterprise_id=first.id,
        visited_on=date(2026, 3, 1),
        cadre=cadre.name,
        headcount=30,
        attitude="neutral",
    )
    office_push(
        module_server.url, admin.token, [("enterprise", first), ("enterprise", second), ("visit", visit)]
    )
    recorder = Recorder()
    client = client_for(laptop, module_server.url, cadre.token, transport=recorder)

    summary = client.run()

    assert summary.ok and summary.pulled >= 3
    assert laptop.get_enterprise(second.id).assigned_to == cadre.name  # type: ignore[union-attr]
    pulled_visit = laptop.get_visit(visit.id)
    assert (
        pulled_visit is not None
        and pulled_visit.content_hash == visit.content_hash
        and not pulled_visit.pending
    )
    assert laptop.get_meta(CURSOR_KEY) == _server_cursor(module_server, cadre.token)

    # the office reassigns the second enterprise and deletes the first (with its visit)
    office_push(
        module_server.url,
        admin.token,
        [("enterprise", second.with_meta(server_version=1).edit(assigned_to="someone_else"))],
    )
    deleted = httpx.delete(
        f"{module_server.url}/api/v1/enterprises/{first.id}",
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert deleted.status_code == 200

    again = client.run()

    assert again.ok
    # the firm went to another cadre (a ward-less firm is in an area only by assignment): it left this laptop
    assert laptop.get_enterprise(second.id) is None and again.left_area >= 1
    assert laptop.get_enterprise(first.id) is None and laptop.get_visit(visit.id) is None
    assert laptop.get_meta(CURSOR_KEY) == _server_cursor(module_server, cadre.token)

    recorder.requests.clear()
    idle = client.run()
    assert (idle.pushed, idle.pulled) == (0, 0)
    # who am I, the changes, the federation's rules: nothing pushed
    assert recorder.requests == [("GET", "/api/v1/me"), ("GET", "/api/v1/changes"), ("GET", "/api/v1/rules")]


def test_a_record_edited_locally_is_not_overwritten_by_a_pull(
    module_server, laptop: Store, cadre: User, admin: User
) -> None:
    shared = Enterprise.create(name="Công ty Chung", address="1 Trần Phú", ward="Ngọc Lâm")
    office_push(module_server.url, admin.token, [("enterprise", shared)])
    client = client_for(laptop, module_server.url, cadre.token)
    assert client.run().ok
    office_push(
        module_server.url,
        admin.token,
        [("enterprise", shared.with_meta(server_version=1).edit(name="Tên mới của văn phòng"))],
    )

    def edit_when_pulling(progress: SyncProgress) -> None:
        # edited after the push phase, before the office's change arrives
        if progress.phase == "pull" and progress.done == 0:
            local = laptop.get_enterprise(shared.id)
            laptop.save_enterprise(local.edit(address="2 Trần Phú"))  # type: ignore[union-attr]

    client.run(progress=edit_when_pulling)

    local = laptop.get_enterprise(shared.id)
    assert local is not None and local.pending and local.server_version == 1
    assert (local.name, local.address) == ("Công ty Chung", "2 Trần Phú")  # the cadre's edit survives
    summary = client.run()  # the push now lets the server merge the two edits
    merged = laptop.get_enterprise(shared.id)
    assert summary.merged == 1 and merged is not None and not merged.pending
    assert (merged.name, merged.address) == ("Tên mới của văn phòng", "2 Trần Phú")


def test_an_edit_saved_while_the_pull_writes_is_never_overwritten(
    module_server, laptop: Store, cadre: User, admin: User
) -> None:
    shared = Enterprise.create(name="Công ty Giữa Chừng", address="1 Hàng Đào", ward="Ngọc Lâm")
    office_push(module_server.url, admin.token, [("enterprise", shared)])
    client = client_for(laptop, module_server.url, cadre.token)
    assert client.run().ok
    office_push(
        module_server.url,
        admin.token,
        [("enterprise", shared.with_meta(server_version=1).edit(name="Tên của văn phòng"))],
    )
    looked_at = laptop.get_enterprise(shared.id)
    assert looked_at is not None and not looked_at.pending
    typed = looked_at.edit(address="3 Hàng Đào")  # saved by the TUI from a worker thread during the pull
    edits: list[threading.Thread] = []

    def edit_in_the_gap() -> None:  # the store calls this between its check and its write, lock held
        if not edits:  # once
            edits.append(threading.Thread(target=gapped.save_enterprise, args=(typed,)))
            edits[0].start()
            edits[0].join(timeout=1.0)

    laptop.close()  # opened again with the test hook, which a store takes only when it is opened
    with Store.open(laptop.folder, between_check_and_write=edit_in_the_gap) as gapped:
        client = client_for(gapped, module_server.url, cadre.token)
        client.run()
        edits[0].join(timeout=30)

        assert (
            gapped.get_enterprise(shared.id) == typed
        )  # the office's version went in first, the edit on top
        summary = client.run()  # the push lets the server merge both edits
        merged = gapped.get_enterprise(shared.id)
    assert (summary.merged, summary.ok) == (1, True) and merged is not None and not merged.pending
    assert (merged.name, merged.address) == ("Tên của văn phòng", "3 Hàng Đào")


def test_the_cursor_is_stored_only_after_its_page_is_applied(
    module_server, laptop: Store, cadre: User, admin: User
) -> None:
    records = [Enterprise.create(name=f"Công ty số {i}", ward="Ngọc Lâm") for i in range(6)]
    office_push(module_server.url, admin.token, [("enterprise", e) for e in records])
    pages: list[int] = []

    def fail_third_page(request: httpx.Request, index: int) -> httpx.Response | None:
        if request.url.path.endswith("/changes"):
            pages.append(int(request.url.params["since"]))
            if len(pages) >= 3:
                return httpx.Response(503, json={"error": {"code": "busy", "message": "down", "errors": []}})
        return None

    flaky = client_for(
        laptop,
        module_server.url,
        cadre.token,
        transport=Recorder(fault=fail_third_page),
        pull_limit=2,
        sleep=lambda s: None,
    )
    with pytest.raises(SyncNetworkError):
        flaky.run()

    # two pages applied: the stored cursor is where the third page starts, and their records are here
    assert laptop.get_meta(CURSOR_KEY) == pages[2] > pages[1] > pages[0] == 0
    first_two = httpx.get(
        f"{module_server.url}/api/v1/changes",
        params={"since": 0, "limit": 4},
        headers={"Authorization": f"Bearer {cadre.token}"},
    ).json()["changes"]
    assert first_two[-1]["seq"] == pages[2]
    for change in first_two:
        local = (
            laptop.get_enterprise(change["id"])
            if change["kind"] == "enterprise"
            else laptop.get_visit(change["id"])
        )
        assert (local is not None) == (change["op"] == "upsert")

    summary = client_for(laptop, module_server.url, cadre.token, pull_limit=2).run()

    assert summary.ok
    assert all(laptop.get_enterprise(e.id) is not None for e in records)
    assert laptop.get_meta(CURSOR_KEY) == _server_cursor(module_server, cadre.token)


def test_a_visit_listed_before_its_enterprise_waits_for_it(
    module_server, laptop: Store, cadre: User, admin: User
) -> None:
    client = client_for(laptop, module_server.url, cadre.token)
    assert client.run().ok  # catch up with what earlier tests left on the server
    enterprise = Enterprise.create(name="Công ty Sau", ward="Ngọc Lâm")
    visit = Visit.create(
        enterprise_id=enterprise.id,
        visited_on=date(2026, 2, 2),
        cadre=cadre.name,
        headcount=12,
        attitude="supportive",
    )
    office_push(module_server.url, admin.token, [("enterprise", enterprise), ("visit", visit)])
    # editing the enterprise moves it after the visit in the change feed
    office_push(
        module_server.url,
        admin.token,
        [("enterprise", enterprise.with_meta(server_version=1).edit(ward="X"))],
    )
    start = laptop.get_meta(CURSOR_KEY)
    cursors: list[int] = []

    client = client_for(laptop, module_server.url, cadre.token, pull_limit=1)
    summary = client.run(progress=lambda p: cursors.append(laptop.get_meta(CURSOR_KEY)))

    assert summary.ok and summary.pull_failed == 0
    assert cursors[-2] == start  # after the visit's page: not moved, the visit is still waiting
    assert laptop.get_visit(visit.id) is not None and laptop.get_enterprise(enterprise.id).ward == "X"  # type: ignore[union-attr]
    assert laptop.get_meta(CURSOR_KEY) == _server_cursor(module_server, cadre.token)
