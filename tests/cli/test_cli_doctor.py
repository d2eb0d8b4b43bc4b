"""``fieldapp doctor``: it names what is wrong with the data folder, and ``--repair`` rebuilds the store from the
previous snapshot and the log, keeping every original file in ``doctor-backup-<time>/`` (real files throughout)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import Result

from fieldapp.core.records import Enterprise, Visit
from fieldapp.store import Store
from fieldapp.store.lock import FolderLock

Run = Callable[..., Result]


def enterprise(name: str, tax_code: str) -> Enterprise:
    return Enterprise.create(name=name, tax_code=tax_code, ward="Ngọc Lâm")


def visit(enterprise_id: str, note: str) -> Visit:
    return Visit.create(
        enterprise_id=enterprise_id,
        visited_on=date(2025, 3, 14),
        cadre="Nguyễn Thị Hoa",
        headcount=30,
        seasonal=4,
        attitude="neutral",
        note=note,
    )


def _fill(data_dir: Path) -> list[dict[str, Any]]:
    """Two enterprises and 43 visits across two snapshots and the log; every record's stored form."""
    with Store.open(data_dir) as store:
        a = store.save_enterprise(enterprise("Công ty TNHH May Ngọc Lâm", "0101234567"))
        for i in range(20):
            store.save_visit(visit(a.id, note=f"lần {i}"))
        store.snapshot()  # store.json.prev: the empty first snapshot; store.wal.prev: these 21 lines
        b = store.save_enterprise(enterprise("Công ty CP Bồ Đề", "0107777777"))
        for i in range(23):
            store.save_visit(visit(b.id, note=f"đợt {i}"))
        store.snapshot()  # store.json.prev: 21 changes, store.wal.prev: the next 24
        store.save_visit(store.visits()[0].edit(headcount=77))  # and one in store.wal
    return _contents(data_dir)


def _contents(data_dir: Path) -> list[dict[str, Any]]:
    with Store.open(data_dir, readonly=True) as store:
        return [r.to_doc() for r in [*store.enterprises(), *store.visits()]]


def _flip_inside_a_value(path: Path, text: str) -> bytes:
    data = path.read_bytes()
    at = data.index(text.encode())
    damaged = data[:at] + bytes([data[at] ^ 0x02]) + data[at + 1 :]
    orjson.loads(damaged)  # still JSON: only the checksum can tell
    path.write_bytes(damaged)
    return damaged


def test_a_healthy_folder_is_all_good(run: Run, data_dir: Path) -> None:
    _fill(data_dir)
    result = run("doctor", lang="en")
    assert result.exit_code == 0, result.output
    assert "✗" not in result.stdout and "checksum correct" in result.stdout
    assert "visits: 43" in result.stdout and "No problems" in result.stderr


def test_a_damaged_snapshot_is_named_then_repaired_from_the_previous_one(run: Run, data_dir: Path) -> None:
    before = _fill(data_dir)
    originals = {p.name: p.read_bytes() for p in data_dir.glob("store.[jw]*")}
    damaged = _flip_inside_a_value(data_dir / "store.json", "đợt 5")
    originals["store.json"] = damaged

    refused = run("enterprise", "list", lang="en")
    assert refused.exit_code == 1 and "Traceback" not in refused.stderr
    assert str(data_dir) in refused.stderr and "fieldapp doctor --repair" in refused.stderr
    assert "fieldapp doctor --repair" in run("visit", "list").stderr  # in Vietnamese too

    checked = run("doctor", lang="en")
    assert checked.exit_code == 1
    assert "✗" in checked.stdout and "store.json is damaged (checksum mismatch)" in checked.stdout
    assert (data_dir / "store.json").read_bytes() == damaged, "checking changes nothing"

    repaired = run("doctor", "--repair", lang="en")
    assert repaired.exit_code == 0, repaired.output
    assert "Rebuilt" in repaired.stdout and "store.json.prev" in repaired.stdout
    assert _contents(data_dir) == before, "every record back, with its content"
    [backup] = data_dir.glob("doctor-backup-*")
    assert {p.name: p.read_bytes() for p in backup.iterdir()} == originals, "the originals, byte for byte"
    assert run("doctor").exit_code == 0
    assert run("visit", "list", "--json").exit_code == 0


def test_a_set_aside_log_tail_is_told_reported_and_moved_into_the_backup(run: Run, data_dir: Path) -> None:
    _fill(data_dir)
    wal = data_dir / "store.wal"
    data = wal.read_bytes()
    assert data.count(b"\n") == 1
    damaged = data[:-40] + bytes([data[-40] ^ 0x01]) + data[-39:]
    wal.write_bytes(damaged)
    listed = run("visit", "list", lang="en")  # a reader tells, and changes nothing
    assert listed.exit_code == 0 and "cannot be read and is not shown" in listed.stderr
    assert wal.read_bytes() == damaged and not list(data_dir.glob("store.wal.corrupt-*"))
    args = ("--enterprise", "0101234567", "--date", "2025-03-01", "--headcount", "9", "--seasonal", "0")
    added = run("visit", "add", *args, "--attitude", "neutral", "--cadre", "Hoa", lang="en")
    assert added.exit_code == 0, added.output
    [kept] = data_dir.glob("store.wal.corrupt-*")
    assert str(kept) in added.stderr and "fieldapp doctor" in added.stderr
    assert kept.read_bytes() == damaged

    checked = run("doctor", "--json")
    assert checked.exit_code == 1
    report = orjson.loads(checked.stdout)
    assert report["ok"] is False
    [leftover] = [f for f in report["findings"] if f["code"] == "set_aside_file"]
    assert leftover["params"]["path"] == str(kept) and leftover["params"]["lines"] == 1
    assert str(kept) in leftover["message"]

    repaired = orjson.loads(run("doctor", "--repair", "--json").stdout)
    assert repaired["ok"] is True
    backup = Path(repaired["repair"]["backup"])
    assert (backup / kept.name).read_bytes() == damaged and not kept.exists()
    assert [a["code"] for a in repaired["repair"]["actions"]][:2] == ["backed_up", "rebuilt"]


def test_a_repair_waits_for_the_writer_to_close(run: Run, data_dir: Path) -> None:
    _fill(data_dir)
    _flip_inside_a_value(data_dir / "store.json", "đợt 5")
    lock = FolderLock(data_dir)
    lock.acquire()
    try:
        result = run("doctor", "--repair", lang="en")
    finally:
        lock.release()
    assert result.exit_code == 1 and "Traceback" not in result.stderr
    assert "being written by another fieldapp" in result.stderr or "Another fieldapp" in result.stdout
    assert not list(data_dir.glob("doctor-backup-*")), "nothing done while another fieldapp writes"


def test_loose_modes_are_reported_and_tightened(run: Run, data_dir: Path) -> None:
    _fill(data_dir)
    data_dir.chmod(0o755)
    (data_dir / "store.wal").chmod(0o644)
    checked = run("doctor", lang="en")
    assert checked.exit_code == 1 and "mode 755" in checked.stdout and "mode 644" in checked.stdout
    assert run("doctor", "--repair").exit_code == 0
    assert data_dir.stat().st_mode & 0o777 == 0o700
    assert (data_dir / "store.wal").stat().st_mode & 0o777 == 0o600


def test_where_modes_mean_nothing_they_are_neither_reported_nor_tightened(
    run: Run, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On Windows every file reads back 0666 and chmod only sets the read-only flag: the ACL decides."""
    import fieldapp.store.doctor

    _fill(data_dir)
    data_dir.chmod(0o755)
    (data_dir / "store.wal").chmod(0o644)
    monkeypatch.setattr(fieldapp.store.doctor, "POSIX_MODES", False)
    checked = run("doctor", lang="en")
    assert checked.exit_code == 0 and "(mode " not in checked.stdout and "mode 644" not in checked.stdout
    assert run("doctor", "--repair").exit_code == 0
    assert data_dir.stat().st_mode & 0o777 == 0o755  # left as it is: nothing claimed that is not done
    assert (data_dir / "store.wal").stat().st_mode & 0o777 == 0o644
