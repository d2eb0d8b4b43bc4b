"""Windows refuses ``os.replace`` onto (or of) a file another process holds open: a ``PermissionError``.

No Windows machine runs these tests, so the refusal is simulated where the rename is made
(``fieldapp.files``, through which every rename of the store goes): refused a few times, then allowed (the
save succeeds after short pauses); refused always (a clear error and nothing lost: the log still holds every
change, and reopening the store brings it back); and refused exactly when Windows would, while some handle on
the file is open in this process. Readers must never be that handle for long: they read and close.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from store_factories import enterprise, visit

import fieldapp.files
from fieldapp.files import REPLACE_BACKOFF, ReplaceRefused, replace
from fieldapp.store import Store
from fieldapp.store.errors import StoreIOError
from fieldapp.store.snapshot import decode_snapshot
from fieldapp.store.wal import read_wal

_real_replace = os.replace


class Refusal:
    """A stand-in for ``os.replace`` that refuses the renames *onto* names, *times* times (None: always)."""

    def __init__(self, onto: set[str], times: int | None):
        self.onto = onto
        self.left = times
        self.refused: list[str] = []

    def __call__(self, src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        name = Path(dst).name
        if name in self.onto and (self.left is None or self.left > 0):
            if self.left is not None:
                self.left -= 1
            self.refused.append(name)
            raise PermissionError(errno.EACCES, "The process cannot access the file", os.fspath(src))
        _real_replace(src, dst)


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The pauses ``replace`` takes between attempts, recorded instead of slept."""
    taken: list[float] = []
    monkeypatch.setattr(fieldapp.files, "_sleep", taken.append)
    return taken


def _refuse(monkeypatch: pytest.MonkeyPatch, onto: set[str], times: int | None) -> Refusal:
    refusal = Refusal(onto, times)
    monkeypatch.setattr(fieldapp.files.os, "replace", refusal)
    return refusal


def _snapshot_ids(folder: Path, table: str) -> list[str]:
    data, _ = decode_snapshot((folder / "store.json").read_bytes(), folder / "store.json")
    return sorted(doc["id"] for doc in data.get(table, {}).values())


def test_a_snapshot_refused_a_few_times_is_written_after_short_pauses(
    folder: Path, monkeypatch: pytest.MonkeyPatch, pauses: list[float]
) -> None:
    with Store.open(folder) as store:
        e = store.save_enterprise(enterprise())
        v = store.save_visit(visit(e.id))
        refusal = _refuse(monkeypatch, {"store.json"}, times=3)
        store.snapshot()
    assert refusal.refused == ["store.json"] * 3
    assert pauses == list(REPLACE_BACKOFF[:3])
    assert _snapshot_ids(folder, "visits") == [v.id]
    assert (folder / "store.wal").read_bytes() == b""  # folded in: the log moved on
    assert not list(folder.glob(".*.tmp"))


def test_a_snapshot_refused_always_fails_clearly_and_the_log_keeps_every_change(
    folder: Path, monkeypatch: pytest.MonkeyPatch, pauses: list[float]
) -> None:
    with Store.open(folder) as store:
        e = store.save_enterprise(enterprise())
        _refuse(monkeypatch, {"store.json"}, times=None)
        with pytest.raises(StoreIOError) as caught:
            store.snapshot()
        v = store.save_visit(visit(e.id))  # the store goes on writing its log
    error = caught.value
    assert isinstance(error.os_error, ReplaceRefused) and error.os_error.filename == str(
        folder / "store.json"
    )
    assert pauses == list(REPLACE_BACKOFF)  # bounded: it gave up after the last pause
    en, vi = error.message("en"), error.message("vi")
    assert str(folder / "store.json") in en and "Another program is holding the store file" in en
    assert "Nothing is lost" in en and str(folder) in en
    assert str(folder / "store.json") in vi and "Không mất gì" in vi
    assert not list(folder.glob(".*.tmp"))
    assert _snapshot_ids(folder, "enterprises") == []  # the snapshot on disk never got them...
    monkeypatch.undo()
    with Store.open(folder) as store:  # ...the log did
        assert store.get_enterprise(e.id) == e and store.visits() == [v]


def test_a_save_whose_snapshot_is_refused_still_succeeds(
    folder: Path, monkeypatch: pytest.MonkeyPatch, pauses: list[float]
) -> None:
    with Store.open(folder, snapshot_bytes=1_000) as store:
        e = store.save_enterprise(enterprise())
        refusal = _refuse(monkeypatch, {"store.json"}, times=None)
        saved = [store.save_visit(visit(e.id)) for _ in range(6)]  # the log passes 1,000 bytes
        assert store.visits() == saved
    assert refusal.refused  # a snapshot was tried, and refused
    monkeypatch.undo()
    with Store.open(folder) as store:
        assert store.visits() == saved


def test_a_refused_move_of_the_log_leaves_the_log_whole_and_writable(
    folder: Path, monkeypatch: pytest.MonkeyPatch, pauses: list[float]
) -> None:
    with Store.open(folder) as store:
        e = store.save_enterprise(enterprise())
        _refuse(monkeypatch, {"store.wal.prev"}, times=None)
        with pytest.raises(StoreIOError) as caught:
            store.snapshot()  # the snapshot is written; moving the log aside is what is refused
        assert caught.value.code == "snapshot_in_use"
        v = store.save_visit(visit(e.id))
    monkeypatch.undo()
    assert [seq for seq, _ in read_wal(folder / "store.wal").entries] == [1, 2]
    with Store.open(folder) as store:
        assert store.get_enterprise(e.id) == e and store.visits() == [v]


def _open_in_this_process(path: Path) -> bool:
    fds = Path("/proc/self/fd")
    for fd in os.listdir(fds):
        try:
            if os.readlink(fds / fd) == str(path):
                return True
        except OSError:
            continue  # the descriptor listdir itself used, closed since
    return False


def _like_windows(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
    """``os.replace`` as Windows does it: refused while a handle on either file is open."""
    for path in (Path(src), Path(dst)):
        if _open_in_this_process(path.absolute()):
            raise PermissionError(errno.EACCES, "Access is denied", os.fspath(src))
    _real_replace(src, dst)


def test_the_store_works_where_an_open_file_cannot_be_renamed(
    folder: Path, monkeypatch: pytest.MonkeyPatch, pauses: list[float]
) -> None:
    monkeypatch.setattr(fieldapp.files.os, "replace", _like_windows)
    with Store.open(folder, snapshot_bytes=1_500) as store:
        e = store.save_enterprise(enterprise())
        saved = [store.save_visit(visit(e.id)) for _ in range(12)]  # several snapshots along the way
        store.snapshot()  # the writer's own open log is closed before it is moved
    assert pauses == []  # never refused: nothing of ours was holding the files
    assert _snapshot_ids(folder, "visits") == sorted(v.id for v in saved)
    with Store.open(folder) as store:
        assert store.visits() == saved


def test_readers_hold_no_store_file_open(folder: Path) -> None:
    with Store.open(folder) as writer:
        e = writer.save_enterprise(enterprise())
        writer.snapshot()
        writer.save_visit(visit(e.id))
        held_by_writer = {p.name for p in folder.iterdir() if _open_in_this_process(p)}
        assert held_by_writer == {"store.lock", "store.wal"}  # never the snapshot
        with Store.open(folder, readonly=True) as reader:
            assert reader.get_enterprise(e.id) == e
            assert {p.name for p in folder.iterdir() if _open_in_this_process(p)} == held_by_writer
    with Store.open(folder, readonly=True) as reader:
        assert len(reader.visits()) == 1
        assert [p.name for p in folder.iterdir() if _open_in_this_process(p)] == []


def test_replace_gives_other_errors_back_at_once(tmp_path: Path, pauses: list[float]) -> None:
    with pytest.raises(FileNotFoundError):
        replace(tmp_path / "missing", tmp_path / "target")
    assert pauses == []


def test_settings_held_open_are_named_with_nothing_saved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pauses: list[float]
) -> None:
    from fieldapp.settings import Settings, load_settings, save_settings

    save_settings(tmp_path, Settings())
    before = (tmp_path / "settings.json").read_bytes()
    _refuse(monkeypatch, {"settings.json"}, times=None)
    with pytest.raises(StoreIOError) as caught:
        save_settings(tmp_path, load_settings(tmp_path).model_copy(update={"language": "en"}))
    assert caught.value.code == "in_use" and str(tmp_path / "settings.json") in caught.value.message("en")
    assert "nothing was saved" in caught.value.message("en")
    assert (tmp_path / "settings.json").read_bytes() == before
