"""Damage on disk is never lost in silence: an unreadable log tail is set aside and reported, a damaged snapshot
is refused by name, the previous snapshot and log segment are kept, and every file is the owner's only."""

from __future__ import annotations

import stat
import zlib
from pathlib import Path

import orjson
import pytest
from store_factories import enterprise, visit

from fieldapp.store import Store, StoreCorrupt
from fieldapp.store.errors import StoreDamaged
from fieldapp.store.wal import read_wal


def _forty_three_visits(folder: Path) -> list[str]:
    """One enterprise and 43 visits, each its own log line; the visit ids in order."""
    with Store.open(folder) as store:
        e = store.save_enterprise(enterprise())
        return [store.save_visit(visit(e.id, note=f"lần {i}")).id for i in range(43)]


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def _corrupt_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("store.wal.corrupt-*"))


def test_a_flipped_byte_in_the_last_line_is_set_aside_and_reported(folder: Path) -> None:
    ids = _forty_three_visits(folder)
    wal = folder / "store.wal"
    data = wal.read_bytes()
    last = data.rindex(b"\n", 0, len(data) - 1) + 1  # start of the last complete line
    at = data.index("lần 42".encode(), last)
    damaged = _flip(data, at)
    wal.write_bytes(damaged)
    with Store.open(folder) as store:
        assert [v.id for v in store.visits()] == ids[:42]
        [notice] = store.set_aside
        assert notice.path == _corrupt_files(folder)[0]
        assert notice.path.read_bytes() == damaged[last:], "the original bytes, not a re-encoding"
        assert (notice.size, notice.lines, notice.intact, notice.torn) == (len(damaged) - last, 1, 0, False)
        for lang in ("vi", "en"):
            text = notice.message(lang)
            assert str(notice.path) in text and "fieldapp doctor" in text
        assert "could not be read" in notice.message("en") and "không đọc được" in notice.message("vi")
        assert wal.read_bytes() == damaged[:last], "the writer cut the log back only after copying"
        store.save_visit(visit(store.enterprises()[0].id))
    with Store.open(folder) as store:
        assert len(store.visits()) == 43 and store.set_aside == []
    assert len(_corrupt_files(folder)) == 1


def test_a_flipped_byte_in_a_middle_line_sets_aside_everything_from_it(folder: Path) -> None:
    ids = _forty_three_visits(folder)
    wal = folder / "store.wal"
    data = wal.read_bytes()
    starts = [0] + [i + 1 for i, b in enumerate(data) if b == 0x0A][:-1]
    line_21 = starts[21]  # line 0 is the enterprise, line 21 the visit "lần 20"
    damaged = _flip(data, data.index("lần 20".encode(), line_21))
    wal.write_bytes(damaged)
    reader = Store.open(folder, readonly=True)
    try:
        assert [v.id for v in reader.visits()] == ids[:20]
        [seen] = reader.set_aside  # reported, not copied: a reader never writes
        assert seen.path is None and seen.lines == 23 and "fieldapp doctor" in seen.message("en")
        assert wal.read_bytes() == damaged and _corrupt_files(folder) == []
    finally:
        reader.close()
    with Store.open(folder) as store:
        assert [v.id for v in store.visits()] == ids[:20]
        [notice] = store.set_aside
        assert notice.path.read_bytes() == damaged[line_21:]
        assert (notice.lines, notice.intact, notice.torn) == (23, 22, False)
        assert "23" in notice.message("en") and "22" in notice.message("vi")


def test_a_half_written_last_line_is_kept_aside_with_a_milder_word(folder: Path) -> None:
    ids = _forty_three_visits(folder)
    wal = folder / "store.wal"
    data = wal.read_bytes()
    wal.write_bytes(data[:-25])  # a crash during the last append: no newline
    with Store.open(folder) as store:
        assert [v.id for v in store.visits()] == ids[:42]
        [notice] = store.set_aside
        assert notice.torn and notice.lines == 1
        assert notice.path.read_bytes() == data[data.rindex(b"\n", 0, len(data) - 1) + 1 : -25]
        assert "half written" in notice.message("en") and str(notice.path) in notice.message("vi")


def test_each_snapshot_keeps_the_previous_one_and_the_log_that_follows_it(folder: Path) -> None:
    ids = _forty_three_visits(folder)
    first_log = (folder / "store.wal").read_bytes()
    first_snapshot = (folder / "store.json").read_bytes()
    with Store.open(folder) as store:
        store.snapshot()
        store.delete_visit(ids[0])
        store.snapshot()
    assert (folder / "store.json.prev").read_bytes() != first_snapshot
    assert read_wal(folder / "store.wal.prev").entries[0][0] == 45, "the segment after store.json.prev"
    assert (folder / "store.wal").read_bytes() == b""
    # the first snapshot's segment was the whole of the log at the time
    assert len(read_wal(folder / "store.wal.prev").entries) == 1 and first_log.count(b"\n") == 44


def test_a_flipped_byte_inside_a_value_of_the_snapshot_is_refused_by_name(folder: Path) -> None:
    _forty_three_visits(folder)
    with Store.open(folder) as store:
        store.snapshot()
    snapshot = folder / "store.json"
    data = snapshot.read_bytes()
    damaged = _flip(data, data.index("lần 7".encode()))  # still valid JSON, still a valid visit
    orjson.loads(damaged)
    snapshot.write_bytes(damaged)
    with pytest.raises(StoreDamaged) as caught:
        Store.open(folder)
    assert isinstance(caught.value, StoreCorrupt)
    for lang in ("vi", "en"):
        text = caught.value.message(lang)
        assert str(folder) in text and "fieldapp doctor --repair" in text
    assert snapshot.read_bytes() == damaged, "nothing is changed"
    assert (folder / "store.json.prev").read_bytes() != damaged


def test_a_snapshot_without_a_checksum_from_an_earlier_version_still_opens(folder: Path) -> None:
    ids = _forty_three_visits(folder)
    with Store.open(folder) as store:
        store.snapshot()
    snapshot = folder / "store.json"
    data = orjson.loads(snapshot.read_bytes())
    del data["_checksum"]
    snapshot.write_bytes(orjson.dumps(data))
    with Store.open(folder) as store:
        assert [v.id for v in store.visits()] == ids
        store.snapshot()
    assert snapshot.read_bytes().startswith(b'{"_checksum":{"1":{"sha256":"')


@pytest.mark.parametrize(
    "name", ["store.json", "store.json.prev", "store.wal", "store.wal.prev", "store.lock", "corrupt"]
)
def test_every_store_file_is_the_owners_only(folder: Path, name: str) -> None:
    _forty_three_visits(folder)
    with Store.open(folder) as store:
        store.snapshot()
        store.set_meta("k", 1)
        store.snapshot()
        store.set_meta("k", 2)
    wal = folder / "store.wal"
    wal.write_bytes(wal.read_bytes() + b'{"seq":')
    Store.open(folder).close()
    path = _corrupt_files(folder)[0] if name == "corrupt" else folder / name
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_an_older_log_and_lock_made_0644_are_tightened_by_a_writer(folder: Path) -> None:
    _forty_three_visits(folder)
    for name in ("store.wal", "store.lock"):
        (folder / name).chmod(0o644)
    Store.open(folder).close()
    for name in ("store.wal", "store.lock"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600


def test_log_lines_of_an_earlier_version_are_still_replayed(folder: Path) -> None:
    ids = _forty_three_visits(folder)
    wal = folder / "store.wal"
    old = b""
    for seq, ops in read_wal(wal).entries:  # the earlier format: the CRC of the ops alone, under "crc"
        payload = orjson.dumps(ops)
        old += b'{"seq":%d,"ops":%s,"crc":%d}\n' % (seq, payload, zlib.crc32(payload))
    wal.write_bytes(old)
    with Store.open(folder) as store:
        assert [v.id for v in store.visits()] == ids and store.set_aside == []


def test_a_flipped_digit_in_the_seq_of_the_last_line_is_caught_by_its_checksum(folder: Path) -> None:
    ids = _forty_three_visits(folder)
    wal = folder / "store.wal"
    data = wal.read_bytes()
    last = data.rindex(b"\n", 0, len(data) - 1) + 1
    assert data[last:].startswith(b'{"seq":44,')
    wal.write_bytes(data[:last] + data[last:].replace(b'{"seq":44,', b'{"seq":45,', 1))
    with Store.open(folder) as store:  # not "change 45 out of order": a damaged line, set aside
        assert [v.id for v in store.visits()] == ids[:42] and len(store.set_aside) == 1
