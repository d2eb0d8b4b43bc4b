"""``fieldapp config set|get``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from click.testing import Result

Run = Callable[..., Result]


def test_set_and_get(run: Run, run_json: Callable[..., Any], data_dir: Path) -> None:
    assert run("config", "set", "cadre", "Nguyễn Thị Thu Hà").exit_code == 0
    assert run("config", "get", "cadre").stdout == "Nguyễn Thị Thu Hà\n"
    assert run("config", "set", "verify_tls", "không").exit_code == 0
    assert run("config", "get", "verify_tls").stdout == "false\n"
    assert run("config", "set", "server", "https://ldld.example.vn").exit_code == 0
    saved = orjson.loads((data_dir / "settings.json").read_bytes())
    assert (saved["cadre"], saved["verify_tls"], saved["server"]) == (
        "Nguyễn Thị Thu Hà",
        False,
        "https://ldld.example.vn",
    )
    everything = run_json("config", "get", "--json")
    assert set(everything) == {
        "cadre", "language", "theme", "server", "token", "verify_tls",
        "allow_insecure", "sync_deadline", "request_deadline", "province",
    }  # fmt: skip
    table = run("config", "get")
    assert table.exit_code == 0 and "Nguyễn Thị Thu Hà" in table.stdout and "Cán bộ" in table.stdout


def test_language_switches_messages(run: Run) -> None:
    assert run("config", "set", "language", "en").exit_code == 0
    result = run("enterprise", "show", "0101234567")
    assert result.stderr.startswith("Error: ")
    assert run("enterprise", "show", "0101234567", lang="vi").stderr.startswith("Lỗi: ")


def test_token_is_never_printed_in_full(run: Run, data_dir: Path) -> None:
    token = "s3cr3t-t0ken-abcdefghijklmnopqrstuvwxyz-9876"
    result = run("config", "set", "token", token)
    assert result.exit_code == 0 and token not in result.output and token[:-4] not in result.output
    for args in (("config", "get", "token"), ("config", "get"), ("config", "get", "--json")):
        shown = run(*args)
        assert token not in shown.output and token[:20] not in shown.output
        assert "9876" in shown.output
    assert orjson.loads((data_dir / "settings.json").read_bytes())["token"] == token


def test_bad_keys_and_values(run: Run, data_dir: Path) -> None:
    assert run("config", "set", "colour", "blue").exit_code == 2
    assert run("config", "get", "device_id").exit_code == 2
    for key, value in (
        ("language", "fr"),
        ("verify_tls", "perhaps"),
        ("server", "ldld.example.vn"),
        ("server", "http://"),  # a scheme with no host: the same rule as the app's Settings screen
    ):
        result = run("config", "set", key, value)
        assert result.exit_code == 1, (key, result.output)
        assert key in result.stderr
    saved = orjson.loads((data_dir / "settings.json").read_bytes())
    assert (saved["language"], saved["verify_tls"], saved["server"]) == ("vi", True, None)
