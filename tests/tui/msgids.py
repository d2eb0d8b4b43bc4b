"""Find every message id the app's source passes to ``_()`` or ``N_()`` (for the catalog tests)."""

from __future__ import annotations

import ast
from pathlib import Path

import fieldapp.tui

TUI_DIR = Path(fieldapp.tui.__file__).parent
_FUNCTIONS = {"_", "N_"}


def used_msgids(root: Path = TUI_DIR) -> dict[str, list[str]]:
    """msgid -> the places (file:line) that use it."""
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in _FUNCTIONS
                and node.args
            ):
                first = node.args[0]
                where = f"{path.relative_to(root)}:{node.lineno}"
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.setdefault(first.value, []).append(where)
                else:
                    # a computed id cannot be checked against the catalogs: refuse it
                    found.setdefault(f"<not a literal at {where}>", []).append(where)
    return found


def non_literal_calls(root: Path = TUI_DIR) -> list[str]:
    """Places that call ``_()``/``N_()`` with something other than a string literal."""
    return [key for key in used_msgids(root) if key.startswith("<not a literal")]
