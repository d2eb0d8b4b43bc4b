"""Schema versions: a version-0 file is migrated on open with a backup; a newer file is refused."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
        assert (e.rev, e.schema_version, e.server_version) == (1, SCHEMA_VERSION, None)
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


# --- version 1 -> 2: wards put on the 2025 map --------------------------------------------------------------
def _v1_enterprise(n: int, ward: str, district: str = "", **meta: object) -> dict[str, object]:
    return {
        "id": f"00000000-0000-4000-8000-{n:012d}",
        "schema_version": 1,
        "name": f"Công ty số {n}",
        "tax_code": None,
        "address": "",
        "ward": ward,
        "district": district,
        "ownership": "non_state",
        "status": "active",
        "legal_entity": True,
        "family_business": False,
        "has_union": False,
        "union_members": 0,
        "registered_workers": None,
        "assigned_to": None,
        "created_at": "2024-04-01T08:00:00+00:00",
        "updated_at": "2024-04-01T08:00:00+00:00",
        "rev": 3,
        "pending_since": None,
        "server_version": 7,
        **meta,
    }


@pytest.fixture
def v1_folder(folder: Path) -> Path:
    """A store as version 1 wrote it: synced enterprises whose wards are free text, one of each kind."""
    Store.open(folder).close()
    path = folder / "store.json"
    data = orjson.loads(path.read_bytes())
    del data["_checksum"]
    data["_store"]["1"]["schema_version"] = 1
    data["enterprises"] = {
        "1": _v1_enterprise(1, "bach mai"),  # a 2025 ward typed without accents
        "2": _v1_enterprise(2, "Phường Quỳnh Mai", "Quận Hai Bà Trưng"),  # an old ward, merged into Bạch Mai
        "3": _v1_enterprise(3, "Thanh Nhàn", "Hai Bà Trưng"),  # an old ward split between two 2025 wards
        "4": _v1_enterprise(4, "Không Có"),  # on no map
        "5": _v1_enterprise(5, ""),  # no ward
    }
    path.write_bytes(encode_snapshot(data))
    return folder


def test_version_1_wards_are_put_on_the_map_as_local_edits(v1_folder: Path, run: Any) -> None:
    with Store.open(v1_folder) as store:
        got = {e.name: e for e in store.enterprises()}
        placed = [got["Công ty số 1"], got["Công ty số 2"]]
        for e in placed:
            assert (e.ward, e.ward_code, e.province_code) == ("Phường Bạch Mai", "00277", "01")
            # a local edit: one revision more, pending, on the server's version it came from
            assert (e.rev, e.server_version, e.pending, e.schema_version) == (4, 7, True, SCHEMA_VERSION)
        assert got["Công ty số 2"].district == "Quận Hai Bà Trưng"  # the old district stays readable
        for name, ward in (
            ("Công ty số 3", "Thanh Nhàn"),
            ("Công ty số 4", "Không Có"),
            ("Công ty số 5", ""),
        ):
            e = got[name]
            assert (e.ward, e.ward_code, e.rev, e.pending) == (ward, None, 3, False)  # left as it was
        assert sorted(e.name for e in store.pending_enterprises()) == ["Công ty số 1", "Công ty số 2"]
    assert (v1_folder / "store.json.v1.bak").exists()
    # the ones left without a ward on the map, with the candidates a person chooses from
    result = run("wards", "unmatched")
    assert result.exit_code == 0, result.output
    assert "Công ty số 3" in result.stdout and "Phường Bạch Mai, Phường Hai Bà Trưng" in result.stdout
    assert "Công ty số 4" in result.stdout and "Công ty số 1" not in result.stdout
    assert "Công ty số 5" not in result.stdout
