"""One writer per data folder (a second process is told which folder), any number of read-only readers."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from store_factories import enterprise, visit

from fieldapp.store import Store, StoreLocked
from fieldapp.store.lock import FolderLock

TRY_OPEN = textwrap.dedent(
    """
    import sys
    from fieldapp.store import Store, StoreLocked
    try:
        Store.open(sys.argv[1]).close()
    except StoreLocked as exc:
        print(exc.message("vi"))
        print(exc.message("en"))
        sys.exit(7)
    print("opened")
    """
)

HOLD = textwrap.dedent(
    """
    import sys, time
    from fieldapp.store import Store
    store = Store.open(sys.argv[1])
    print("holding", flush=True)
    sys.stdin.readline()  # until the parent says so (or closes the pipe)
    store.close()
    """
)


def _try_open(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", TRY_OPEN, str(folder)], capture_output=True, text=True, timeout=60
    )


def test_a_second_process_is_told_the_folder_is_locked(folder: Path) -> None:
    with Store.open(folder):
        result = _try_open(folder)
    assert result.returncode == 7, result.stderr
    vi, en = result.stdout.splitlines()
    assert str(folder) in vi and "đang được một chương trình fieldapp khác ghi" in vi
    assert str(folder) in en and "being written by another fieldapp" in en
    assert _try_open(folder).stdout.strip() == "opened"  # released on close


def test_a_lock_held_by_another_process_blocks_us_until_it_ends(folder: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(folder)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with pytest.raises(StoreLocked) as caught:
            Store.open(folder)
        assert caught.value.path == folder.absolute()
        with Store.open(folder, readonly=True) as reader:  # reading is still allowed
            assert reader.counts()["enterprises"] == 0
    finally:
        holder.kill()  # even a killed holder releases the lock: the OS drops it
        holder.wait(timeout=30)
    with Store.open(folder) as store:
        store.save_enterprise(enterprise())


def test_the_same_process_cannot_open_the_folder_twice_for_writing(folder: Path) -> None:
    with Store.open(folder), pytest.raises(StoreLocked):
        Store.open(folder)


def test_readonly_does_not_create_or_change_anything(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with Store.open(missing, readonly=True) as store:
        assert store.counts() == {
            "enterprises": 0,
            "visits": 0,
            "founding_cases": 0,
            "pending_enterprises": 0,
            "pending_visits": 0,
            "pending_founding_cases": 0,
        }
    assert not missing.exists()


def test_readonly_reads_the_log_of_a_running_writer(folder: Path) -> None:
    with Store.open(folder) as writer:
        e = writer.save_enterprise(enterprise())
        v = writer.save_visit(visit(e.id))
        files = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
        with Store.open(folder, readonly=True) as reader:
            assert reader.get_visit(v.id) == v and reader.get_enterprise(e.id) == e
        assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()} == files


def test_a_lock_released_from_another_thread_is_released(folder: Path) -> None:
    """The TUI may open the store on one thread and close it from a worker: the lock is not per thread."""
    folder.mkdir()
    lock = FolderLock(folder)
    lock.acquire()
    releaser = threading.Thread(target=lock.release)
    releaser.start()
    releaser.join(timeout=30)
    assert _try_open(folder).stdout.strip() == "opened"  # while *lock* still lives here
    lock.release()  # a second release is harmless


def test_the_lock_file_outlives_its_holder_and_never_blocks_alone(folder: Path) -> None:
    """Only the kernel lock counts: the file a killed writer leaves is no lock (not a pid file)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(folder)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    holder.kill()
    holder.wait(timeout=30)
    assert (folder / "store.lock").is_file()
    assert _try_open(folder).stdout.strip() == "opened"
    assert (folder / "store.lock").is_file()  # kept on release too: every writer locks the same file
