"""``fieldapp --version``: the version, the sync protocol and the data folder, in the run's language, without
creating anything."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

import fieldapp
from fieldapp.cli import main
from fieldapp.settings import ENV_DATA_DIR
from sync.protocol import PROTOCOL_VERSION

Run = Callable[..., Result]


def test_version_names_the_protocol_and_the_folder_without_creating_it(run: Run, data_dir: Path) -> None:
    result = run("--version", "--lang", "en")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"fieldapp {fieldapp.__version__}",
        f"Sync protocol: {PROTOCOL_VERSION}",
        f"Data folder: {data_dir.absolute()} (--data-dir, not created yet)",
    ]
    assert not data_dir.exists()


def test_version_is_in_vietnamese_by_default_and_stops_before_a_command(run: Run, data_dir: Path) -> None:
    result = run("--version", "demo")  # the demo is not made: --version answers and ends the run
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    # the first line is the same in every language, for scripts
    assert lines[0] == f"fieldapp {fieldapp.__version__}"
    assert lines[1] == f"Giao thức đồng bộ: {PROTOCOL_VERSION}"
    assert lines[2] == f"Thư mục dữ liệu: {data_dir.absolute()} (--data-dir, chưa được tạo)"
    assert not data_dir.exists()


def test_version_takes_the_language_of_an_existing_folder_and_says_where_the_folder_comes_from(
    run: Run, data_dir: Path
) -> None:
    assert run("config", "set", "language", "en").exit_code == 0
    result = CliRunner().invoke(main, ["--version"], env={ENV_DATA_DIR: str(data_dir)})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2] == f"Data folder: {data_dir.absolute()} (${ENV_DATA_DIR})"
