"""Schema versions: a version-0 file is migrated on open with a backup; a newer file is refused."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from fieldapp.core.records import SCHEMA_VERSION
from fieldapp.store import Store, StoreCorrupt, StoreTooNew
from fieldapp.store.migrations import MIGRATIONS
from fieldapp.store.snapshot import encode_snapshot

E_ID = "6f1c2a8e-3b7d-4c1e-9a2b-5d8e7f6a1b2c"
V_ID = "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d"

# The layout of the first field prototype: no _store table, records without rev, pending_since,
# server_version or schema_version, visits without managers.
V0_FILE = {
    "enterprises": {
        "1": {
            "id": E_ID,
            "name": "Công ty TNHH May Đức Giang",
            "tax_code": "0101234567",
            "address": "59 Đức Giang",
            "ward": "Phường Đức Giang",
            "district": "Long Biên",
            "ownership": "non_state",
            "status": "active",
            "legal_entity": True,
            "family_business": False,
            "has_union": False,
            "union_members": 0,
            "registered_workers": 120,
            "assigned_to": None,
            "created_at": "2023-04-01T08:00:00Z",
            "updated_at": "2023-05-02T09:30:00Z",
        }
    },
    "visits": {
        "1": {
            "id": V_ID,
            "enterprise_id": E_ID,
            "visited_on": "2023-05-02",
            "cadre": "Nguyễn Thị Hoa",
            "headcount": 120,
            "seasonal": 30,
            "attitude": "supportive",
            "applications": 6,
            "note": "Công nhân muốn thành lập công đoàn",
            "next_visit_on": None,
            "created_at": "2023-05-02T09:30:00Z",
            "updated_at": "2023-05-02T09:30:00Z",
        }
    },
}


@pytest.fixture
def v0_folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "store.json").write_bytes(orjson.dumps(V0_FILE))
    return folder


def test_registry_covers_every_version_below_the_current_one() -> None:
    assert sorted(MIGRATIONS) == list(range(SCHEMA_VERSION))


def test_version_0_is_migrated_with_a_backup(v0_folder: Path) -> None:
    original = (v0_folder / "store.json").read_bytes()
    with Store.open(v0_folder) as store:
        e, v = store.get_enterprise(E_ID), store.get_visit(V_ID)
        assert e is not None and v is not None
        assert (e.rev, e.schema_version, e.server_version) == (1, 1, None)
        assert e.pending_since == e.updated_at, "never synced, so pending since its last change"
        assert v.managers == 0 and v.stable == 90 and v.pending
        assert store.find_by_tax_code("0101234567") == e
        assert store.counts()["pending_visits"] == 1
    assert (v0_folder / "store.json.v0.bak").read_bytes() == original
    data = orjson.loads((v0_folder / "store.json").read_bytes())
    assert data["_store"]["1"]["schema_version"] == SCHEMA_VERSION
    with Store.open(v0_folder) as store:  # already migrated: opens as it is
        assert store.get_visit(V_ID) == v


def test_readonly_migrates_in_memory_only(v0_folder: Path) -> None:
    original = (v0_folder / "store.json").read_bytes()
    with Store.open(v0_folder, readonly=True) as store:
        assert store.get_visit(V_ID) is not None
    assert (v0_folder / "store.json").read_bytes() == original
    assert not (v0_folder / "store.json.v0.bak").exists()


def test_an_invalid_version_0_record_is_refused_by_id(v0_folder: Path) -> None:
    bad = orjson.loads(orjson.dumps(V0_FILE))
    bad["visits"]["1"]["seasonal"] = 500
    (v0_folder / "store.json").write_bytes(orjson.dumps(bad))
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(v0_folder)
    assert V_ID in caught.value.message("en")
    assert (v0_folder / "store.json").read_bytes() == orjson.dumps(bad), "nothing is changed"
    assert not (v0_folder / "store.json.v0.bak").exists()


def test_a_file_from_a_newer_version_is_refused(folder: Path) -> None:
    Store.open(folder).close()
    path = folder / "store.json"
    data = orjson.loads(path.read_bytes())
    data["_store"]["1"]["schema_version"] = SCHEMA_VERSION + 1
    del data["_checksum"]
    written = encode_snapshot(data)  # as the newer version writes it, checksum and all
    path.write_bytes(written)
    for readonly in (False, True):
        with pytest.raises(StoreTooNew) as caught:
            Store.open(folder, readonly=readonly)
        # a code and its figures only; the words come from the catalog
        assert caught.value.code == "too_new" and caught.value.path == path
        assert (caught.value.params["found"], caught.value.params["supported"]) == (
            SCHEMA_VERSION + 1,
            SCHEMA_VERSION,
        )
        vi = caught.value.message("vi")
        assert str(path) in vi and "phiên bản fieldapp mới hơn" in vi
        assert f"schema version {SCHEMA_VERSION + 1}" in caught.value.message("en")
    assert path.read_bytes() == written
    with pytest.raises(StoreTooNew):  # not StoreLocked: the refused open released the lock
        Store.open(folder)
