"""What the operating system refuses becomes a sentence naming the data folder, in the user's language, with
exit 1 and no traceback: a full disk, a read-only folder, ``store.lock`` being a folder (issue 10, finding 12).

The tests run as root on CI, where a 0500 folder does not stop a write, so the refusals are injected where the
operating system would raise them (``os.write`` of the log, ``os.fsync`` of an atomic write); the folder being
a file and ``store.lock`` being a folder are real, in a real ``python -m fieldapp`` process.
"""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]

VISIT = (
    "--date",
    "2025-03-01",
    "--headcount",
    "9",
    "--seasonal",
    "0",
    "--attitude",
    "neutral",
    "--cadre",
    "Hoa",
)

REFUSALS = {
    errno.ENOSPC: ("disk of the data folder", "đầy"),
    errno.EACCES: ("may not write in the data folder", "quyền"),
    errno.EROFS: ("read-only disk", "chỉ đọc"),
}


def _fieldapp(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FIELDAPP_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "fieldapp", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def _refuse(monkeypatch: pytest.MonkeyPatch, name: str, code: int, path: Path) -> None:
    def refused(*_: object) -> None:
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(os, name, refused)


@pytest.mark.parametrize("code", list(REFUSALS))
def test_visit_add_on_a_refusing_disk_says_so_in_both_languages(
    run: Run, data_dir: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    assert run("enterprise", "add", "--name", "Công ty A", "--tax-code", "0101234567").exit_code == 0
    before = (data_dir / "store.wal").read_bytes()
    run("config", "get")  # settings.json exists before the disk refuses
    english, vietnamese = REFUSALS[code]
    for lang, words in (("en", english), ("vi", vietnamese)):
        with monkeypatch.context() as m:
            _refuse(m, "write", code, data_dir / "store.wal")
            result = run("visit", "add", "--enterprise", "0101234567", *VISIT, lang=lang)
        assert result.exit_code == 1 and "Traceback" not in result.stderr
        assert str(data_dir) in result.stderr and words in result.stderr.lower(), result.stderr
        assert result.stderr.count("\n") == 1 and result.stdout == ""
    assert (data_dir / "store.wal").read_bytes() == before, "nothing saved"


@pytest.mark.parametrize("code", list(REFUSALS))
def test_config_set_on_a_refusing_disk_says_so(
    run: Run, data_dir: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    assert run("config", "set", "cadre", "Hoa").exit_code == 0
    before = (data_dir / "settings.json").read_bytes()
    for lang, words in zip(("en", "vi"), REFUSALS[code], strict=True):
        with monkeypatch.context() as m:
            _refuse(m, "fsync", code, data_dir)
            result = run("config", "set", "cadre", "Lan", lang=lang)
        assert result.exit_code == 1 and "Traceback" not in result.stderr
        assert str(data_dir) in result.stderr and words in result.stderr.lower(), result.stderr
    assert (data_dir / "settings.json").read_bytes() == before
    assert not [p for p in data_dir.iterdir() if p.name.endswith(".tmp")], "no temp file left"


def test_store_lock_being_a_folder_is_named(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "store.lock").mkdir(parents=True)
    for lang, words in (("en", "is a folder where fieldapp keeps a file"), ("vi", "thư mục")):
        result = _fieldapp(data, "--lang", lang, "enterprise", "add", "--name", "Công ty A")
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert str(data / "store.lock") in result.stderr and words in result.stderr, result.stderr
    doctor = _fieldapp(data, "--lang", "en", "doctor")
    assert doctor.returncode == 1 and "store.lock is a folder" in doctor.stdout


def test_a_data_folder_that_is_a_file_is_named(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.write_text("not a folder")
    for args in (("visit", "list"), ("config", "set", "cadre", "Hoa"), ("enterprise", "add", "--name", "A")):
        result = _fieldapp(data, "--lang", "en", *args)
        assert result.returncode in (1, 2) and "Traceback" not in result.stderr, result.stderr
        assert str(data) in result.stderr
