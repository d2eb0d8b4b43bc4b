"""Views kept beside the store are trusted only for the exact state they were made from; the lock taken first."""

from __future__ import annotations

from pathlib import Path

import pytest
from tinydb import TinyDB

from fieldapp.core.records import Enterprise
from fieldapp.store import Store, StoreLocked, read_view
from fieldapp.store.views import view_path


def _firm(name: str) -> Enterprise:
    return Enterprise.create(name=name, ward="Bồ Đề", district="Long Biên")


def _kept(store: Store) -> str:
    store.save_enterprise(_firm("Công ty Ngọc Lâm"))
    stamp = store.state_stamp()
    assert stamp is not None
    store.write_view("home", stamp, {"rows": ["Công ty Ngọc Lâm"]})
    return stamp


def test_a_view_is_read_back_while_the_store_is_in_its_state(folder: Path) -> None:
    with Store.open(folder) as store:
        _kept(store)
        assert read_view(folder, "home") == {"rows": ["Công ty Ngọc Lâm"]}
    with Store.open(folder):  # opening and closing changes nothing
        assert read_view(folder, "home") == {"rows": ["Công ty Ngọc Lâm"]}


def test_a_save_after_the_view_makes_it_stale_even_if_the_process_dies_before_the_view_is_written(
    folder: Path,
) -> None:
    with Store.open(folder) as store:
        _kept(store)
        # the log line is appended and fsynced; the process stops before anyone writes the view again
        store.save_enterprise(_firm("Công ty Gia Thụy"))
    assert read_view(folder, "home") is None
    with Store.open(folder):
        assert read_view(folder, "home") is None


def test_a_snapshot_folding_the_log_makes_an_older_view_stale(folder: Path) -> None:
    with Store.open(folder) as store:
        stamp = _kept(store)
        store.save_enterprise(_firm("Công ty Gia Thụy"))
        store.snapshot()  # the log is empty again: only the snapshot's checksum tells the states apart
        assert store.state_stamp() != stamp
    assert read_view(folder, "home") is None


def test_a_view_written_with_an_older_stamp_is_never_trusted(folder: Path) -> None:
    with Store.open(folder) as store:
        old = store.state_stamp()
        store.save_enterprise(_firm("Công ty Gia Thụy"))
        assert old is not None
        store.write_view("home", old, {"rows": []})  # rows read before the save, kept after it
    assert read_view(folder, "home") is None


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw.replace(b"Ng", b"Nx", 1),  # a byte of the payload: its checksum fails
        lambda raw: raw[: len(raw) // 2],  # cut short
        lambda raw: b"not json\n" + raw.partition(b"\n")[2],
        lambda raw: b"",
    ],
)
def test_a_damaged_view_is_ignored(folder: Path, damage: object) -> None:
    with Store.open(folder) as store:
        _kept(store)
    path = view_path(folder, "home")
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    assert read_view(folder, "home") is None


def test_stock_tinydb_still_reads_the_snapshot_beside_a_view(folder: Path) -> None:
    with Store.open(folder) as store:
        _kept(store)
        store.snapshot()
    with TinyDB(folder / "store.json") as plain:
        assert [d["name"] for d in plain.table("enterprises").all()] == ["Công ty Ngọc Lâm"]


def test_open_later_holds_the_lock_until_it_opens_or_gives_it_back(folder: Path) -> None:
    with Store.open(folder) as store:
        store.save_enterprise(_firm("Công ty Ngọc Lâm"))
    pending = Store.open_later(folder)
    with pytest.raises(StoreLocked):
        Store.open(folder)
    with pending.open() as store:
        assert [e.name for e in store.enterprises()] == ["Công ty Ngọc Lâm"]
        with pytest.raises(StoreLocked):
            Store.open(folder)
    Store.open_later(folder).release()
    Store.open(folder).close()  # given back both times
