"""Each public module states its API in ``__all__``, and states it completely (as httpx checks its own)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest

import fieldapp.core


def public_modules() -> list[str]:
    names = [
        info.name
        for info in pkgutil.iter_modules(fieldapp.core.__path__, prefix="fieldapp.core.")
        if not info.name.rsplit(".", 1)[1].startswith("_")
    ]
    return [*sorted(names), "fieldapp.files", "sync.protocol", "sync.client"]


def defined_here(module: ModuleType) -> set[str]:
    """Public top-level classes and functions written in *module* itself (not imported into it)."""
    return {
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isclass(obj) or callable(obj))
        and getattr(obj, "__module__", None) == module.__name__
    }


MODULES = public_modules()


def test_the_core_modules_are_found() -> None:
    assert {"fieldapp.core.records", "fieldapp.core.rules", "fieldapp.core.classify"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_exactly_the_public_names(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} defines no __all__"
    assert len(exported) == len(set(exported)), f"{name}.__all__ repeats a name"
    missing_objects = [n for n in exported if not hasattr(module, n)]
    assert missing_objects == [], f"{name}.__all__ names what the module does not have"
    unlisted = sorted(defined_here(module) - set(exported))
    assert unlisted == [], f"{name} defines public names missing from __all__"


def test_the_check_notices_an_unlisted_function() -> None:
    module = ModuleType("probe")
    exec("__all__ = ['a']\ndef a(): pass\ndef b(): pass\nclass _Hidden: pass", module.__dict__)
    assert defined_here(module) - set(module.__all__) == {"b"}
