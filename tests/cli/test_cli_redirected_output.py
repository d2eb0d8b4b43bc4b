"""Vietnamese reaches a redirected stdout whatever the console's code page.

Windows writes a redirected or piped stream (``fieldapp enterprise list > list.txt``) in the ANSI code page,
cp1252, which has no Vietnamese letters; ``PYTHONIOENCODING=cp1252`` gives a real ``python -m fieldapp`` here the
same stream. The command must write UTF-8 instead of ending in a UnicodeEncodeError.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _fieldapp(*args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    return subprocess.run(
        [sys.executable, "-m", "fieldapp", *args], capture_output=True, env=env, timeout=120
    )


def test_a_redirected_stdout_gets_vietnamese_as_utf8(tmp_path: Path) -> None:
    data = tmp_path / "data"
    made = _fieldapp("--data-dir", str(data), "--lang", "vi", "demo", "--enterprises", "5", "--visits", "5")
    assert made.returncode == 0, made.stderr.decode(errors="replace")
    assert "Đã tạo dữ liệu mẫu" in made.stdout.decode("utf-8")
    listed = _fieldapp("--data-dir", str(data), "--lang", "vi", "enterprise", "list")
    assert listed.returncode == 0, listed.stderr.decode(errors="replace")
    assert "Tên doanh nghiệp" in listed.stdout.decode("utf-8")


def test_help_redirected_is_utf8(tmp_path: Path) -> None:
    shown = _fieldapp("--data-dir", str(tmp_path), "--help")
    assert shown.returncode == 0 and b"Traceback" not in shown.stderr
    assert "CĐCS" in shown.stdout.decode("utf-8")


def test_an_error_redirected_is_utf8(tmp_path: Path) -> None:
    failed = _fieldapp("--data-dir", str(tmp_path), "--lang", "vi", "enterprise", "show", "không-có")
    assert failed.returncode == 1 and b"Traceback" not in failed.stderr, failed.stderr
    assert "không-có" in failed.stderr.decode("utf-8")  # the message names it, in UTF-8
