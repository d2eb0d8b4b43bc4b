"""Conflicts on shared enterprises: soft ones merged, hard ones kept as sync issues and resolved mine/server."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any, cast

import httpx
import pytest

from fieldapp.core.records import Enterprise
from fieldapp.store import Store
from sync.client import Resolution, SyncError

from .conftest import User
from .laptop import add_enterprise, add_visits, client_for, office_push, server_records


def _synced_enterprise(module_server, laptop: Store, cadre: User) -> Enterprise:  # type: ignore[no-untyped-def]
    enterprise = add_enterprise(laptop, name="Công ty May Sài Gòn", address="1 Nguyễn Huệ")
    assert client_for(laptop, module_server.url, cadre.token).run().ok
    synced = laptop.get_enterprise(enterprise.id)
    assert synced is not None and synced.server_version == 1 and not synced.pending
    return synced


def _on_server(module_server, admin: User, enterprise_id: str) -> dict:  # type: ignore[no-untyped-def,type-arg]
    [item] = [
        i for i in server_records(module_server.url, admin.token, "enterprise") if i["id"] == enterprise_id
    ]
    return item


def _hard_conflict(module_server, laptop: Store, cadre: User, admin: User) -> Enterprise:  # type: ignore[no-untyped-def]
    synced = _synced_enterprise(module_server, laptop, cadre)
    [office] = office_push(
        module_server.url, admin.token, [("enterprise", synced.edit(name="Tên của văn phòng"))]
    )
    assert (office["status"], office["server_version"]) == ("accepted", 2)
    mine = laptop.save_enterprise(synced.edit(name="Tên của cán bộ"))

    summary = client_for(laptop, module_server.url, cadre.token).run()

    assert (summary.pushed, summary.conflicts, summary.merged, summary.ok) == (1, 1, 0, False)
    [issue] = [i for i in laptop.sync_issues() if i.id == synced.id]
    assert (issue.status, issue.conflict, issue.fields) == ("conflict", "hard", ("name",))
    assert issue.server_record is not None and issue.server_record["name"] == "Tên của văn phòng"
    assert issue.server_version == 2
    kept = laptop.get_enterprise(synced.id)
    assert kept is not None and kept.name == "Tên của cán bộ" and kept.pending  # nothing typed is lost
    assert _on_server(module_server, admin, synced.id)["record"]["name"] == "Tên của văn phòng"
    return mine


def test_a_soft_conflict_is_merged_on_both_sides(
    module_server, laptop: Store, cadre: User, admin: User
) -> None:
    synced = _synced_enterprise(module_server, laptop, cadre)
    office_push(module_server.url, admin.token, [("enterprise", synced.edit(address="99 Lê Lợi"))])
    laptop.save_enterprise(synced.edit(name="Công ty May Sài Gòn 2"))

    summary = client_for(laptop, module_server.url, cadre.token).run()

    assert (summary.conflicts, summary.merged, summary.ok) == (1, 1, True)  # nothing left for a person
    assert laptop.sync_issues() == []
    merged = laptop.get_enterprise(synced.id)
    assert merged is not None and not merged.pending and merged.server_version == 3
    assert (merged.name, merged.address) == ("Công ty May Sài Gòn 2", "99 Lê Lợi")
    on_server = _on_server(module_server, admin, synced.id)
    assert (
        on_server["server_version"] == 3
        and Enterprise.parse(on_server["record"]).content_hash == merged.content_hash
    )
    assert client_for(laptop, module_server.url, cadre.token).run().pushed == 0


def test_an_edit_saved_while_the_merge_is_written_survives_and_is_merged_next(
    module_server, laptop: Store, cadre: User, admin: User
) -> None:
    synced = _synced_enterprise(module_server, laptop, cadre)
    office_push(module_server.url, admin.token, [("enterprise", synced.edit(address="99 Lê Lợi"))])
    pushed = laptop.save_enterprise(synced.edit(name="Công ty May Sài Gòn 2"))
    typed = pushed.edit(ward="Phường 9")  # the TUI saves this from a worker thread while the merge is written
    edits: list[threading.Thread] = []

    def edit_in_the_gap() -> None:  # the store calls this between its check and its write, lock held
        if not edits:  # once
            edits.append(threading.Thread(target=gapped.save_enterprise, args=(typed,)))
            edits[0].start()
            edits[0].join(timeout=1.0)

    laptop.close()  # opened again with the test hook, which a store takes only when it is opened
    with Store.open(laptop.folder, between_check_and_write=edit_in_the_gap) as gapped:
        summary = client_for(gapped, module_server.url, cadre.token).run()
        edits[0].join(timeout=30)

        assert (summary.merged, summary.ok) == (1, True)
        assert gapped.get_enterprise(synced.id) == typed  # written after the merge, never under it
        again = client_for(gapped, module_server.url, cadre.token).run()  # the server merges the late edit
        final = gapped.get_enterprise(synced.id)
    assert (again.pushed, again.merged, again.ok) == (1, 1, True) and final is not None and not final.pending
    assert (final.name, final.address, final.ward) == ("Công ty May Sài Gòn 2", "99 Lê Lợi", "Phường 9")


def test_resolving_a_hard_conflict_with_mine_pushes_the_laptops_version(
    module_server, laptop: Store, cadre: User, admin: User
) -> None:
    mine = _hard_conflict(module_server, laptop, cadre, admin)
    client = client_for(laptop, module_server.url, cadre.token)

    resolved = client.resolve("enterprise", mine.id, "mine")

    assert resolved is not None and resolved.pending and resolved.server_version == 2
    assert [i for i in laptop.sync_issues() if i.id == mine.id] == []
    summary = client.run()
    assert (summary.pushed, summary.accepted, summary.ok) == (1, 1, True)
    assert _on_server(module_server, admin, mine.id)["record"]["name"] == "Tên của cán bộ"
    assert not laptop.get_enterprise(mine.id).pending  # type: ignore[union-attr]
    # the accepted push settled the conflict the server had filed for the office
    with httpx.Client(headers={"Authorization": f"Bearer {admin.token}"}) as http:
        answer = http.get(f"{module_server.url}/api/v1/conflicts", params={"resolved": "true"})
    listed = answer.json()["items"]
    [conflict] = [c for c in listed if c["record_id"] == mine.id]
    assert (conflict["resolution"], conflict["resolved_at"] is not None) == ("client", True)


def test_resolving_a_hard_conflict_with_server_takes_the_offices_version(
    module_server, laptop: Store, cadre: User, admin: User
) -> None:
    mine = _hard_conflict(module_server, laptop, cadre, admin)
    client = client_for(laptop, module_server.url, cadre.token)

    resolved = client.resolve("enterprise", mine.id, "server")

    assert resolved is not None and resolved.name == "Tên của văn phòng"
    assert not resolved.pending and resolved.server_version == 2
    assert laptop.get_enterprise(mine.id) == resolved
    assert [i for i in laptop.sync_issues() if i.id == mine.id] == []
    summary = client.run()
    assert (summary.pushed, summary.ok) == (0, True)


def test_taking_the_servers_values_changes_only_the_fields_the_conflict_showed(
    module_server, laptop: Store, cadre: User, admin: User
) -> None:
    mine = _hard_conflict(module_server, laptop, cadre, admin)
    # after the conflict was filed the cadre also corrected the address: a field the conflict did not show
    laptop.save_enterprise(laptop.get_enterprise(mine.id).edit(address="7 Hàng Bông"))  # type: ignore[union-attr]
    client = client_for(laptop, module_server.url, cadre.token)

    resolved = client.resolve("enterprise", mine.id, "server")

    assert resolved is not None and resolved.name == "Tên của văn phòng"  # the field shown: the server's
    assert (
        resolved.address == "7 Hàng Bông" and resolved.pending
    )  # the field not shown: the laptop's, to send
    assert resolved.server_version == 2
    summary = client.run()
    assert (summary.pushed, summary.accepted, summary.ok) == (1, 1, True)
    on_server = _on_server(module_server, admin, mine.id)["record"]
    assert (on_server["name"], on_server["address"]) == ("Tên của văn phòng", "7 Hàng Bông")


class _EditedWhileResolving:
    """The laptop store, where the cadre's edit of a record lands just after the client has read it (the app saving
    from another thread while resolve() runs)."""

    def __init__(self, store: Store, edit: Callable[[], object]) -> None:
        self._store, self._edit = store, edit

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def get_enterprise(self, enterprise_id: str) -> Enterprise | None:
        found = self._store.get_enterprise(enterprise_id)
        edit, self._edit = self._edit, lambda: None
        edit()
        return found


@pytest.mark.parametrize("choice", ["mine", "server"])
def test_resolve_never_overwrites_an_edit_saved_while_it_runs(
    module_server, laptop: Store, cadre: User, admin: User, choice: Resolution
) -> None:
    mine = _hard_conflict(module_server, laptop, cadre, admin)
    late = mine.edit(name="Sửa trong lúc chọn")
    racing = _EditedWhileResolving(laptop, lambda: laptop.save_enterprise(late))
    client = client_for(cast(Store, racing), module_server.url, cadre.token)

    with pytest.raises(SyncError) as changed:
        client.resolve("enterprise", mine.id, choice)

    assert changed.value.code == "changed_meanwhile" and "chọn lại" in changed.value.message("vi")
    kept = laptop.get_enterprise(mine.id)
    assert kept is not None and kept.name == "Sửa trong lúc chọn" and kept.pending  # the late edit survives
    assert [i.status for i in laptop.sync_issues() if i.id == mine.id] == ["conflict"]  # still to settle
    resolved = client.resolve("enterprise", mine.id, choice)  # choosing again settles it
    expected = "Sửa trong lúc chọn" if choice == "mine" else "Tên của văn phòng"
    assert resolved is not None and resolved.name == expected and resolved.server_version == 2
    assert laptop.sync_issues() == []


def test_resolve_refuses_what_it_cannot_settle(module_server, laptop: Store, cadre: User) -> None:
    enterprise = add_enterprise(laptop)
    client = client_for(laptop, module_server.url, cadre.token)
    with pytest.raises(ValueError, match="no sync issue"):
        client.resolve("enterprise", enterprise.id, "mine")
    with pytest.raises(ValueError, match="mine|server"):
        client.resolve("enterprise", enterprise.id, "both")  # type: ignore[arg-type]


def _deleted_under_a_pending_visit(module_server, laptop: Store, cadre: User, admin: User):  # type: ignore[no-untyped-def]
    enterprise = add_enterprise(
        laptop, name="Công ty Sắp Giải Thể", tax_code=f"05{random.randrange(10**8):08d}"
    )
    client = client_for(laptop, module_server.url, cadre.token)
    assert client.run().ok
    [typed] = add_visits(laptop, laptop.get_enterprise(enterprise.id), cadre.name, 1)  # type: ignore[arg-type]
    deleted = httpx.delete(
        f"{module_server.url}/api/v1/enterprises/{enterprise.id}",
        headers={"Authorization": f"Bearer {admin.token}"},
    )
    assert deleted.status_code == 200

    summary = client.run()

    assert not summary.ok and summary.rejected == 1  # the visit's enterprise is gone on the server
    issues = {i.key: i.status for i in laptop.sync_issues()}
    assert issues == {("enterprise", enterprise.id): "deleted", ("visit", typed.id): "rejected"}
    assert laptop.get_enterprise(enterprise.id) is not None and laptop.get_visit(typed.id) is not None
    return client, enterprise, typed


def test_an_enterprise_deleted_by_the_office_is_kept_while_a_visit_to_it_is_pending(
    module_server, laptop: Store, cadre: User, admin: User
) -> None:
    client, enterprise, typed = _deleted_under_a_pending_visit(module_server, laptop, cadre, admin)

    kept = client.resolve("enterprise", enterprise.id, "mine")

    assert kept is not None and kept.id != enterprise.id and kept.pending and kept.server_version is None
    assert (kept.name, kept.tax_code) == (enterprise.name, enterprise.tax_code)
    assert laptop.get_enterprise(enterprise.id) is None and laptop.sync_issues() == []
    [moved] = laptop.visits_of(kept.id)
    assert moved.id != typed.id and moved.pending and moved.note == typed.note  # the typed visit survives
    summary = client.run()
    assert (summary.accepted, summary.ok) == (2, True)
    on_server = {i["id"] for i in server_records(module_server.url, admin.token, "enterprise")}
    assert kept.id in on_server and enterprise.id not in on_server


def test_taking_the_servers_deletion_removes_the_enterprise_here(
    module_server, laptop: Store, cadre: User, admin: User
) -> None:
    client, enterprise, typed = _deleted_under_a_pending_visit(module_server, laptop, cadre, admin)

    assert client.resolve("enterprise", enterprise.id, "server") is None

    assert laptop.get_enterprise(enterprise.id) is None and laptop.get_visit(typed.id) is None
    assert laptop.sync_issues() == []
    assert client.run().ok
