"""Start-up imports only what the command needs (issue 12): checked in a fresh process, from ``sys.modules``.

The durations are measured by benchmarks/startup_bench.py, never here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

import fieldapp.io
from fieldapp.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[2]

#: what runs the command, then prints the top-level packages in sys.modules as JSON on the last line of stderr
_PROBE = """
import json, sys
program, argv = sys.argv[1], sys.argv[2:]
if program == "fieldapp":
    from fieldapp.cli import main
else:
    from sync.server.cli import main
try:
    main(argv, prog_name=program)
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules_after(program: str, *argv: str, data_dir: Path) -> set[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    env["FIELDAPP_DATA_DIR"] = str(data_dir)
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, program, *argv], capture_output=True, text=True, env=env, check=False
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def _packages(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


@pytest.mark.parametrize(
    "argv",
    [
        ("--help",),
        ("sync", "--help"),
        ("sync",),
        ("classify", "--format", "json"),
        ("config", "get", "language"),
    ],
)
def test_laptop_commands_do_not_import_the_terminal_app(tmp_path: Path, argv: tuple[str, ...]) -> None:
    modules = _modules_after("fieldapp", *argv, data_dir=tmp_path)
    assert "fieldapp.cli" in modules  # the probe ran the command line
    assert "textual" not in _packages(modules)
    assert "fieldapp.tui" not in modules
    assert not _packages(modules) & {"fastapi", "sqlalchemy", "uvicorn"}


def test_help_imports_no_command_module(tmp_path: Path) -> None:
    modules = _modules_after("fieldapp", "--help", data_dir=tmp_path)
    assert not {spec.module for spec in COMMANDS.values()} & modules
    assert not _packages(modules) & {"pydantic", "rich", "httpx", "tinydb"}


def test_sync_imports_neither_the_readers_nor_the_other_commands(tmp_path: Path) -> None:
    modules = _modules_after(
        "fieldapp", "sync", data_dir=tmp_path
    )  # no server configured: exit 2, imports done
    assert "fieldapp.cli.sync_cmd" in modules
    others = {spec.module for name, spec in COMMANDS.items() if name != "sync"}
    assert not others & modules
    assert not {"fieldapp.io.readers", "fieldapp.io.importer", "fieldapp.io.demo", "openpyxl"} & modules


@pytest.mark.parametrize("argv", [("--help",), ("user", "--help"), ("serve", "--help")])
def test_server_help_imports_no_fastapi_nor_sqlalchemy(tmp_path: Path, argv: tuple[str, ...]) -> None:
    modules = _modules_after("fieldapp-server", *argv, data_dir=tmp_path)
    assert "sync.server.cli" in modules
    assert not _packages(modules) & {"fastapi", "sqlalchemy", "alembic", "uvicorn", "textual"}
    assert "fieldapp.store" not in modules


def test_the_table_short_help_is_each_command_s_own() -> None:
    ctx = click.Context(main)
    for name, spec in COMMANDS.items():
        command = main.load(name)
        assert command.callback is not None and command.callback.__module__ == spec.module
        assert spec.short_help == command.get_short_help_str(limit=10**6), name
        for limit in (30, 45, 80):  # as --help cuts it at any terminal width
            cut = click.Command(name, help=spec.short_help).get_short_help_str(limit)
            assert cut == command.get_short_help_str(limit), name
    assert main.list_commands(ctx) == sorted(COMMANDS)


def test_help_lists_every_command_with_its_short_help() -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["--lang", "en", "--help"], terminal_width=200)
    assert result.exit_code == 0
    for name, spec in COMMANDS.items():
        assert any(line.split() == [name, *spec.short_help.split()] for line in result.output.splitlines()), (
            name
        )


def test_an_unknown_command_is_still_a_usage_error_in_vietnamese() -> None:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["--lang", "vi", "synk"])
    assert result.exit_code == 2
    assert "Lỗi" in result.output and "synk" in result.output
    assert "'sync'" in result.output  # did you mean: the lazy commands are offered too


def test_the_io_facade_names_every_public_name() -> None:
    assert sorted(fieldapp.io.__all__) == sorted(fieldapp.io._HOMES)
    for name in fieldapp.io.__all__:
        assert getattr(fieldapp.io, name) is not None


def test_version_imports_neither_the_settings_model_nor_the_store(tmp_path: Path) -> None:
    modules = _modules_after("fieldapp", "--version", data_dir=tmp_path)
    assert "fieldapp.settings" not in modules and "fieldapp.store" not in modules
    assert not _packages(modules) & {"tinydb", "rich", "httpx"}
