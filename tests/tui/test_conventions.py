"""The app's conventions: every binding has an id and a description; layout lives in .tcss files."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from textual.binding import Binding
from textual.dom import DOMNode

import fieldapp.tui
import fieldapp.tui.commands  # noqa: F401  (imports every screen and widget with the app)
from fieldapp.tui import app as app_module
from fieldapp.tui.dialogs import confirm  # noqa: F401
from fieldapp.tui.screens import (  # noqa: F401
    detail,
    enterprise_form,
    followups,
    home,
    settings,
    sync,
    visit_form,
)

TUI_DIR = Path(fieldapp.tui.__file__).parent


def _ours() -> list[type[DOMNode]]:
    found: list[type[DOMNode]] = []
    stack: list[type] = [DOMNode]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("fieldapp.tui"):
            found.append(cls)
    return found


def test_every_binding_has_an_id_and_a_description() -> None:
    classes = _ours()
    assert app_module.FieldApp in classes and len(classes) >= 10
    for cls in classes:
        for binding in cls.__dict__.get("BINDINGS", []):
            assert isinstance(binding, Binding), f"{cls.__name__}: {binding!r} is not a Binding"
            assert binding.id, f"{cls.__name__}: {binding.key} has no id"
            assert binding.description, f"{cls.__name__}: {binding.key} has no description"


def test_binding_ids_are_unique() -> None:
    ids = [b.id for cls in _ours() for b in cls.__dict__.get("BINDINGS", []) if isinstance(b, Binding)]
    assert len(ids) == len(set(ids))


def test_no_inline_styles_in_python() -> None:
    inline = re.compile(r"\bDEFAULT_CSS\b|^\s*CSS\s*=|\.styles\.\w+\s*=", re.MULTILINE)
    offenders = [
        str(p.relative_to(TUI_DIR)) for p in TUI_DIR.rglob("*.py") if inline.search(p.read_text("utf-8"))
    ]
    assert offenders == []
    assert {p.name for p in TUI_DIR.rglob("*.tcss")} >= {"app.tcss", "screens.tcss", "forms.tcss"}


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, inside a function?) for every ``import``/``from ... import`` of *path*."""
    tree = ast.parse(path.read_text("utf-8"))
    local: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            local.update(id(inner) for inner in ast.walk(node) if inner is not node)
    found: list[tuple[str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append((node.module, id(node) in local))
        elif isinstance(node, ast.Import):
            found.extend((alias.name, id(node) in local) for alias in node.names)
    return found


def test_nothing_but_the_package_imports_the_app_and_no_import_hides_in_a_function() -> None:
    # screens, widgets, dialogs and the palette reach the app through fieldapp.tui.ports.AppContext and
    # fieldapp.tui.messages: the app imports them, never the other way round, so no import has to wait in a function
    modules = [p for p in TUI_DIR.rglob("*.py") if p.name != "__init__.py" or p.parent != TUI_DIR]
    assert len(modules) >= 20
    importing_app = [
        str(p.relative_to(TUI_DIR))
        for p in modules
        if any(m == "fieldapp.tui.app" for m, _local in _imports(p))
    ]
    assert importing_app == []
    hidden = [
        f"{p.relative_to(TUI_DIR)}: {module}"
        for p in modules
        for module, in_function in _imports(p)
        if in_function and module.startswith("fieldapp")
    ]
    assert hidden == []
