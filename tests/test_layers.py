"""Imports go one way (docs/architecture.md): the core knows no storage, screen or network; the server never
loads the TUI or TinyDB. Checked in fresh interpreters (so nothing imported by other tests hides a leak) and with
the import-linter contracts in pyproject.toml."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import fieldapp.core

ROOT = Path(__file__).resolve().parents[1]

# What must never be loaded by importing the core: UI, storage, network and server libraries, and our own
# outer layers.
CORE_FORBIDDEN = (
    "textual",
    "tinydb",
    "httpx",
    "fastapi",
    "sqlalchemy",
    "uvicorn",
    "fieldapp.store",
    "fieldapp.io",
    "fieldapp.tui",
    "fieldapp.cli",
    "sync",
)
SERVER_FORBIDDEN = (
    "textual",
    "tinydb",
    "httpx",
    "fieldapp.tui",
    "fieldapp.store",
    "fieldapp.cli",
    "sync.client",
)
CLIENT_FORBIDDEN = (
    "fastapi",
    "sqlalchemy",
    "uvicorn",
    "textual",
    "sync.server",
    "fieldapp.tui",
    "fieldapp.cli",
)

_PROBE = """
import importlib, json, sys
for name in sys.argv[2:]:
    importlib.import_module(name)
forbidden = json.loads(sys.argv[1])
print(json.dumps(sorted(m for m in sys.modules if any(m == f or m.startswith(f + ".") for f in forbidden))))
"""


def modules_of(package, skip: tuple[str, ...] = ()) -> list[str]:
    """Every module of *package* found on disk now, except ``__main__`` and the subpackages in *skip*."""
    names = [package.__name__]
    for info in pkgutil.walk_packages(package.__path__, prefix=package.__name__ + "."):
        if info.name.endswith(".__main__") or any(
            info.name == s or info.name.startswith(s + ".") for s in skip
        ):
            continue
        names.append(info.name)
    return names


def loaded_forbidden(modules: list[str], forbidden: tuple[str, ...]) -> list[str]:
    """Import *modules* in a fresh interpreter; return the forbidden modules that came with them."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(forbidden), *modules],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, f"importing {modules} failed:\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_core_loads_no_ui_storage_or_network_library() -> None:
    modules = modules_of(fieldapp.core)
    # the core's own modules must be found, or this test proves nothing
    assert {"fieldapp.core.records", "fieldapp.core.rules", "fieldapp.core.classify"} <= set(modules)
    assert loaded_forbidden(modules, CORE_FORBIDDEN) == []


def test_server_loads_neither_the_tui_nor_tinydb() -> None:
    server = importlib.import_module("sync.server")
    # migrations are Alembic scripts run by Alembic, not modules to import
    modules = modules_of(server, skip=("sync.server.migrations",))
    modules.append("sync.protocol")
    assert loaded_forbidden(modules, SERVER_FORBIDDEN) == []


def test_the_sync_client_loads_neither_the_server_nor_a_screen() -> None:
    client = importlib.import_module("sync.client")
    modules = modules_of(client)
    assert {"sync.client._push", "sync.client._pull"} <= set(modules)
    assert loaded_forbidden(modules, CLIENT_FORBIDDEN) == []


def test_the_probe_does_see_forbidden_imports() -> None:
    # guard against a probe that can never fail: importing the TUI library must be reported
    assert "textual" in loaded_forbidden(["textual"], CORE_FORBIDDEN)


def test_import_linter_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    assert lint_imports.exists(), (
        f"{lint_imports} is missing: install the test extras (pip install -e .[test])"
    )
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], capture_output=True, text=True, cwd=ROOT, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" in result.stdout and " 0 broken" in result.stdout
