"""``fieldapp`` with no command: a store held by another process is reported and the exit status is 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from fieldapp.store import Store


def test_a_locked_store_is_reported_with_exit_status_1(data_dir: Path) -> None:
    with Store.open(data_dir):  # this process holds the writer lock
        done = subprocess.run(
            [sys.executable, "-m", "fieldapp", "--data-dir", str(data_dir)],
            capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
        )  # fmt: skip
    assert done.returncode == 1
    assert str(data_dir) in done.stderr
    assert "Traceback" not in done.stderr
