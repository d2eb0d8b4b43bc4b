"""The real ``python -m fieldapp`` in a subprocess: exit codes, stderr, and a second process on a locked folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import orjson

from fieldapp.store import Store


def _fieldapp(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FIELDAPP_DATA_DIR": str(data_dir)}
    env.pop("FIELDAPP_LANG", None)
    return subprocess.run(
        [sys.executable, "-m", "fieldapp", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_exit_codes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ok = _fieldapp(
        data, "enterprise", "add", "--name", "Công ty Ánh Dương", "--tax-code", "0101234567", "--json"
    )
    assert ok.returncode == 0, ok.stderr
    assert orjson.loads(ok.stdout)["name"] == "Công ty Ánh Dương"
    invalid = _fieldapp(data, "enterprise", "add", "--name", "Công ty Khác", "--tax-code", "0101234567")
    assert invalid.returncode == 1
    assert invalid.stderr.count("\n") == 1 and "tax_code" in invalid.stderr and invalid.stdout == ""
    usage = _fieldapp(data, "enterprise", "add", "--tax-code", "0101234568")
    assert usage.returncode == 2 and "--name" in usage.stderr
    assert _fieldapp(data, "--help").returncode == 0
    with Store.open(data, readonly=True) as store:
        assert [e.name for e in store.enterprises()] == ["Công ty Ánh Dương"]


def test_locked_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Store.open(data) as holder:
        result = _fieldapp(data, "enterprise", "add", "--name", "Công ty B")
        assert result.returncode == 1
        assert str(data) in result.stderr and result.stderr.startswith("Lỗi: ")
        reading = _fieldapp(data, "enterprise", "list", "--json")  # a reader is not locked out
        assert reading.returncode == 0 and orjson.loads(reading.stdout) == []
        assert holder.counts()["enterprises"] == 0


def test_the_app_on_a_locked_folder_says_so_in_the_cadres_language(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Store.open(data):
        vi = _fieldapp(data)  # no command: the terminal app
        en = _fieldapp(data, "--lang", "en")
    assert vi.returncode == en.returncode == 1
    assert str(data) in vi.stderr and "đang được một chương trình fieldapp khác ghi" in vi.stderr
    assert str(data) in en.stderr and "being written by another fieldapp" in en.stderr


def test_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    import csv
    import pty
    import select
    import time

    path = tmp_path / "long.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Tên doanh nghiệp", "Mã số thuế"])
        writer.writerows([f"Công ty số {i}", f"01{i:08d}"] for i in range(1200))
    data = tmp_path / "data"
    env = {**os.environ, "FIELDAPP_DATA_DIR": str(data), "COLUMNS": "100"}
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "fieldapp", "import", str(path), "--dry-run"],
        stdout=subprocess.PIPE,
        stderr=slave,
        env=env,
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
        elif proc.poll() is not None:
            break
    os.close(master)
    stdout, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0
    assert "Thêm mới 1200" in stdout.decode()
    assert "━" in seen.decode(errors="replace")  # rich drew its bar on the terminal
    piped = _fieldapp(data, "import", str(path), "--dry-run")
    assert piped.returncode == 0 and "━" not in piped.stderr
