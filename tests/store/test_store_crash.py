"""Crash safety: a writing process is killed with SIGKILL at random instants, then the store must open with
every change whose save returned, no half-written record, and no batch half there."""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from store_factories import enterprise

from fieldapp.core.records import Visit
from fieldapp.store import Store

CHILD = Path(__file__).with_name("crash_child.py")
TRIALS = 50
BUDGET_S = 600  # a guard against a hung child, not a speed check (the loop takes about 30 s on two quiet cores)

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")


def _spawn(
    folder: Path, enterprise_id: str, snapshot_bytes: int, mode: str = "normal"
) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(folder), enterprise_id, str(snapshot_bytes), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _wait_for(proc: subprocess.Popen[str], word: str, timeout: float = 15) -> list[str]:
    """Lines the child printed up to and including *word* (fails when it does not come in time)."""
    assert proc.stdout is not None
    lines: list[str] = []
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        ready, _, _ = select.select([proc.stdout], [], [], max(0.0, end - time.monotonic()))
        if not ready:
            break
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.strip() == word:
            return lines
    proc.kill()
    raise AssertionError(
        f"child never printed {word!r}: {lines[-3:]} {proc.stderr.read() if proc.stderr else ''}"
    )


def _kill(proc: subprocess.Popen[str]) -> list[str]:
    """SIGKILL the child; the complete lines it printed (a line cut by the kill is dropped)."""
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=15)
    assert proc.returncode == -signal.SIGKILL, f"child ended by itself ({proc.returncode})"
    lines = out.splitlines(keepends=True)
    return [line for line in lines if line.endswith("\n")]


class Expectations:
    """What the child reported: the hashes each visit may have, batches begun, the last meta counter."""

    def __init__(self) -> None:
        self.hashes: dict[str, set[str]] = {}  # id -> acceptable content hashes (last saved, or a begun edit)
        self.must_exist: set[str] = set()
        self.open_batches: list[list[str]] = []
        self.counter = 0  # the last meta "counter" value the current child reported

    def read(self, lines: list[str]) -> None:
        for line in lines:
            word, *rest = line.split()
            if word == "saved":
                vid, digest = rest
                self.hashes[vid] = {digest}
                self.must_exist.add(vid)
                self.open_batches = [b for b in self.open_batches if vid not in b]
            elif word == "edit":
                self.hashes.setdefault(rest[0], set()).add(rest[1])
            elif word == "intent":
                self.open_batches.append(rest)
            elif word == "meta":
                self.counter = int(rest[0])

    def check(self, store: Store) -> None:
        for vid in self.must_exist:
            stored = store.get_visit(vid)
            assert stored is not None, f"visit {vid} was saved but is lost"
            assert stored.content_hash in self.hashes[vid], f"visit {vid} has content nobody saved"
        for batch in self.open_batches:
            present = [store.get_visit(vid) is not None for vid in batch]
            assert all(present) or not any(present), f"half a batch survived: {present}"
            if all(present):
                self.must_exist.update(batch)
                for vid in batch:
                    self.hashes[vid] = {store.get_visit(vid).content_hash}  # type: ignore[union-attr]
        self.open_batches = []
        assert (store.get_meta("counter") or 0) >= self.counter
        for v in store.visits():
            assert Visit.parse(v.to_doc()) == v  # every stored record is whole and valid


def _check_folder_clean(folder: Path) -> None:
    assert not list(folder.glob(".store.json.*.tmp")), "a temp file survived the open"
    wal = (folder / "store.wal").read_bytes()
    assert wal == b"" or wal.endswith(b"\n"), "a half-written log line survived the open"


@pytest.mark.slow
def test_sigkill_at_random_instants_loses_nothing_that_returned(folder: Path) -> None:
    rng = random.Random(20250701)
    with Store.open(folder) as store:
        owner = store.save_enterprise(enterprise())
    expected = Expectations()
    started = time.monotonic()
    kills_after_ready = 0
    for trial in range(TRIALS):
        assert time.monotonic() - started < BUDGET_S, f"the children hung: only {trial} trials in {BUDGET_S} s"
        # small snapshot thresholds in most trials, so kills land during snapshots too
        snapshot_bytes = rng.choice([1_500, 4_000, 16_000, 8 * 1024 * 1024])
        proc = _spawn(folder, owner.id, snapshot_bytes)
        expected.counter = 0  # each child counts from 1 again; only what this one reported binds
        if trial % 10 == 9:
            time.sleep(rng.uniform(0.15, 0.45))  # around start-up and open (which cleans up and may truncate)
        else:
            expected.read(_wait_for(proc, "ready"))
            time.sleep(rng.uniform(0.0, 0.12))
            kills_after_ready += 1
        expected.read(_kill(proc))
        with Store.open(folder) as store:
            expected.check(store)
        _check_folder_clean(folder)
    assert kills_after_ready >= 40 and len(expected.must_exist) > TRIALS


def test_kill_while_the_snapshot_is_half_written(folder: Path) -> None:
    with Store.open(folder) as store:
        owner = store.save_enterprise(enterprise())
    proc = _spawn(folder, owner.id, 2_000, "stall-snapshot")
    expected = Expectations()
    expected.read(_wait_for(proc, "stalled"))
    expected.read(_kill(proc))
    assert list(folder.glob(".store.json.*.tmp")), "the child should have left a half-written temp file"
    with Store.open(folder) as store:
        expected.check(store)
        assert len(expected.must_exist) >= 2
    _check_folder_clean(folder)


def test_kill_between_snapshot_and_log_truncation_replays_nothing_twice(folder: Path) -> None:
    with Store.open(folder) as store:
        owner = store.save_enterprise(enterprise())
    proc = _spawn(folder, owner.id, 2_000, "stall-truncate")
    expected = Expectations()
    expected.read(_wait_for(proc, "stalled"))
    expected.read(_kill(proc))
    assert (folder / "store.wal").stat().st_size > 0, (
        "the log should still hold the lines the snapshot took in"
    )
    with Store.open(folder) as store:
        expected.check(store)
        seq = store._storage.seq
        store.save_visit(store.visits()[0].edit(headcount=99))
        assert store._storage.seq == seq + 1
    assert (folder / "store.wal").read_bytes().startswith(b'{"seq":%d,' % (seq + 1))
    with Store.open(folder) as store:
        expected.must_exist.discard(store.visits()[0].id)  # edited above
        expected.check(store)
