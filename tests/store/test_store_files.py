"""The files on disk: what a crash leaves behind is cleaned up, damage is refused by name, snapshots fold the log."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest
from store_factories import enterprise, visit

from fieldapp.core.records import SCHEMA_VERSION
from fieldapp.store import Store, StoreCorrupt
from fieldapp.store.errors import StoreIOError
from fieldapp.store.wal import encode_line, read_wal


def _filled(folder: Path, visits: int = 3) -> tuple[str, list[str]]:
    """A store with one enterprise and *visits* visits, all still in the log; (enterprise id, visit ids)."""
    with Store.open(folder) as store:
        e = store.save_enterprise(enterprise())
        ids = [store.save_visit(visit(e.id)).id for _ in range(visits)]
    return e.id, ids


def test_a_new_folder_gets_a_snapshot_tinydb_can_read(folder: Path) -> None:
    Store.open(folder).close()
    data = orjson.loads((folder / "store.json").read_bytes())
    assert data["_store"]["1"] == {"schema_version": SCHEMA_VERSION, "seq": 0}


def test_saves_go_to_the_log_and_a_snapshot_empties_it(folder: Path) -> None:
    eid, ids = _filled(folder)
    assert len(read_wal(folder / "store.wal").entries) == 4
    with Store.open(folder) as store:
        store.snapshot()
    assert (folder / "store.wal").read_bytes() == b""
    snapshot = orjson.loads((folder / "store.json").read_bytes())
    assert snapshot["_store"]["1"]["seq"] == 4
    assert sorted(d["id"] for d in snapshot["visits"].values()) == sorted(ids)
    with Store.open(folder, readonly=True) as store:
        assert sorted(v.id for v in store.visits()) == sorted(ids)


def test_the_log_is_folded_into_a_snapshot_when_it_grows(folder: Path) -> None:
    with Store.open(folder, snapshot_bytes=3_000) as store:
        e = store.save_enterprise(enterprise())
        ids = [store.save_visit(visit(e.id)).id for _ in range(30)]
        assert (folder / "store.wal").stat().st_size < 3_000
    assert orjson.loads((folder / "store.json").read_bytes())["_store"]["1"]["seq"] > 20
    with Store.open(folder) as store:
        assert [v.id for v in store.visits()] == ids


def test_stale_temp_files_are_removed_by_a_writer_only(folder: Path, reopen: Callable[..., Store]) -> None:
    _filled(folder)
    leftover = folder / ".store.json.abc123.tmp"
    leftover.write_bytes(b'{"half": ')
    other = folder / ".settings.json.xyz.tmp"  # not the store's: left alone
    other.write_bytes(b"{}")
    reopen(readonly=True)
    assert leftover.exists()
    reopen()
    assert not leftover.exists() and other.exists()


def test_half_written_last_line_is_ignored_then_cut_off(folder: Path, reopen: Callable[..., Store]) -> None:
    _, ids = _filled(folder)
    wal = folder / "store.wal"
    intact = wal.read_bytes()
    lost = visit("00000000-0000-4000-8000-000000000000")
    wal.write_bytes(intact + encode_line(5, [("visits", "99", {"id": lost.id})])[:-30])
    reader = reopen(readonly=True)
    assert [v.id for v in reader.visits()] == ids
    assert reader.set_aside == [], "a torn last line may be a writer's append in progress: no word"
    assert len(wal.read_bytes()) > len(intact), "a reader never writes"
    writer = reopen()
    assert wal.read_bytes() == intact
    e = writer.save_enterprise(enterprise())
    writer.save_visit(visit(e.id))
    writer.close()
    assert len(reopen(readonly=True).visits()) == len(ids) + 1


def test_a_line_with_a_bad_checksum_at_the_end_counts_as_half_written(folder: Path) -> None:
    _, ids = _filled(folder)
    wal = folder / "store.wal"
    line = encode_line(5, [("meta", "1", {"key": "k", "value": 1})])
    wal.write_bytes(wal.read_bytes() + line.replace(b'"value":1', b'"value":2'))
    with Store.open(folder) as store:
        assert store.get_meta("k") is None and len(store.visits()) == len(ids)


def test_damage_in_the_middle_of_the_log_is_set_aside_not_dropped(folder: Path) -> None:
    _, ids = _filled(folder)
    wal = folder / "store.wal"
    lines = wal.read_bytes().splitlines(keepends=True)
    lines[1] = lines[1].replace(b"Nguy", b"Nguz")
    damaged = b"".join(lines)
    wal.write_bytes(damaged)
    with Store.open(folder) as store:
        assert store.visits() == []
        [notice] = store.set_aside
        assert notice.path.read_bytes() == b"".join(lines[1:])
        assert str(notice.path) in notice.message("vi") and str(notice.path) in notice.message("en")
    assert wal.read_bytes() == lines[0]


def test_a_gap_in_the_log_is_refused(folder: Path) -> None:
    _filled(folder)
    wal = folder / "store.wal"
    lines = wal.read_bytes().splitlines(keepends=True)
    wal.write_bytes(lines[0] + b"".join(lines[2:]))
    with pytest.raises(StoreCorrupt):
        Store.open(folder)


def test_log_lines_already_in_the_snapshot_are_not_replayed(folder: Path) -> None:
    # a crash after the snapshot was written but before the log was emptied
    _, ids = _filled(folder)
    wal = folder / "store.wal"
    before = wal.read_bytes()
    with Store.open(folder) as store:
        store.snapshot()
    wal.write_bytes(before)
    with Store.open(folder) as store:
        assert [v.id for v in store.visits()] == ids and store._storage.seq == 4
        assert wal.read_bytes() == b"", "lines the snapshot holds are cut off"
        store.delete_visit(ids[0])  # seq 5
    # even with the old lines in front of a newer one, each change is applied once, in order
    wal.write_bytes(before + wal.read_bytes())
    with Store.open(folder) as store:
        assert [v.id for v in store.visits()] == ids[1:] and store._storage.seq == 5


def test_an_unreadable_snapshot_is_refused_by_name(folder: Path) -> None:
    _filled(folder)
    with Store.open(folder) as store:
        store.snapshot()
    snapshot = folder / "store.json"
    snapshot.write_bytes(snapshot.read_bytes()[:100])
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(folder)
    assert "store.json" in caught.value.message("en")
    assert "fieldapp doctor --repair" in caught.value.message("vi")


def test_a_failed_append_leaves_no_partial_line(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open(folder) as store:
        e = store.save_enterprise(enterprise())
        size = (folder / "store.wal").stat().st_size
        real_write = os.write

        def disk_full(fd: int, data: bytes) -> int:
            real_write(fd, bytes(data)[:40])  # part of the line reaches the file, then the disk is full
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "write", disk_full)
        with pytest.raises(StoreIOError):
            store.save_visit(visit(e.id))
        monkeypatch.undo()
        assert (folder / "store.wal").stat().st_size == size
        assert store.visits() == []
        kept = store.save_visit(visit(e.id))
    with Store.open(folder) as store:
        assert store.visits() == [kept]


def test_a_failed_write_leaves_no_trace_of_its_new_keys(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(folder) as store:
        store.set_meta("cursor", 1)

        def disk_full(fd: int, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "write", disk_full)
        with pytest.raises(StoreIOError):
            store.set_meta("other", 2)
        monkeypatch.undo()
        # the key that was never written is unknown, not a dangling reference to a missing document
        assert store.get_meta("other") is None and store.get_meta("cursor") == 1
        store.set_meta("other", 3)
    with Store.open(folder) as store:
        assert (store.get_meta("cursor"), store.get_meta("other")) == (1, 3)


def test_a_hand_edited_record_is_validated_and_a_broken_one_refused(folder: Path) -> None:
    eid, ids = _filled(folder, visits=1)
    with Store.open(folder) as store:
        store.snapshot()
    snapshot = folder / "store.json"
    data = orjson.loads(snapshot.read_bytes())
    del data["_checksum"]  # a hand edit: no checksum vouches for it, its records are checked instead
    doc = next(iter(data["visits"].values()))
    del doc["note"]  # an older hand edit: the default applies
    snapshot.write_bytes(orjson.dumps(data))
    with Store.open(folder, readonly=True) as store:
        v = store.get_visit(ids[0])
        assert v is not None and v.note == ""
    doc["headcount"] = -5
    snapshot.write_bytes(orjson.dumps(data))
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(folder, readonly=True)
    assert ids[0] in caught.value.message("en") and "headcount" in caught.value.message("en")


def test_a_damaged_visit_is_reported_by_name_when_first_read(folder: Path) -> None:
    # visits are built on first use; one whose fields are all there but hold nonsense is refused then
    _, ids = _filled(folder, visits=2)
    with Store.open(folder) as store:
        store.snapshot()
    snapshot = folder / "store.json"
    data = orjson.loads(snapshot.read_bytes())
    del data["_checksum"]
    doc = next(d for d in data["visits"].values() if d["id"] == ids[0])
    doc["visited_on"] = "hôm qua"
    snapshot.write_bytes(orjson.dumps(data))
    with Store.open(folder, readonly=True) as store:
        assert store.get_visit(ids[1]) is not None
        with pytest.raises(StoreCorrupt) as caught:
            store.get_visit(ids[0])
        assert ids[0] in caught.value.message("en") and "store.json" in caught.value.message("en")


@pytest.mark.parametrize("table", ["enterprises", "visits"])
def test_a_record_without_an_id_is_refused(folder: Path, table: str) -> None:
    _filled(folder, visits=1)
    with Store.open(folder) as store:
        store.snapshot()
    snapshot = folder / "store.json"
    data = orjson.loads(snapshot.read_bytes())
    del data["_checksum"]
    del next(iter(data[table].values()))["id"]
    snapshot.write_bytes(orjson.dumps(data))
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(folder, readonly=True)
    assert "store.json" in caught.value.message("en")


def test_a_failed_snapshot_does_not_fail_the_save(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fieldapp.store.storage as storage_module

    def disk_full(path: Path, payload: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with Store.open(folder, snapshot_bytes=1_000) as store:
        e = store.save_enterprise(enterprise())
        monkeypatch.setattr(storage_module, "write_atomic", disk_full)
        saved = [store.save_visit(visit(e.id)) for _ in range(5)]  # each pushes the log past 1,000 bytes
        assert store.visits() == saved
        monkeypatch.undo()
    with Store.open(folder) as store:
        assert store.visits() == saved
