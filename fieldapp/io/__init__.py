"""Import and export of enterprise lists (CSV, XLSX, JSON) and the demo district.

from fieldapp.io import read_table, plan_import, apply_plan, export_data, generate_demo

The names are imported on first use (PEP 562): a command that needs only ``fieldapp.io.errors`` (every command's
error handling does) does not pay for the readers, the importer and the demo generator.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fieldapp.io.demo import generate_demo
    from fieldapp.io.errors import FileProblem
    from fieldapp.io.export import EXPORT_FORMATS, export_data, founding_path, visits_path
    from fieldapp.io.importer import ImportPlan, InvalidRow, apply_plan, plan_import
    from fieldapp.io.readers import Limits, SheetRow, Table, read_table

#: public name -> the module that defines it
_HOMES = {
    "EXPORT_FORMATS": "export",
    "FileProblem": "errors",
    "ImportPlan": "importer",
    "InvalidRow": "importer",
    "Limits": "readers",
    "SheetRow": "readers",
    "Table": "readers",
    "apply_plan": "importer",
    "export_data": "export",
    "founding_path": "export",
    "generate_demo": "demo",
    "plan_import": "importer",
    "read_table": "readers",
    "visits_path": "export",
}
# a literal list for the linters; _HOMES must name the same (tests/cli/test_cli_startup.py)
__all__ = [
    "EXPORT_FORMATS",
    "FileProblem",
    "ImportPlan",
    "InvalidRow",
    "Limits",
    "SheetRow",
    "Table",
    "apply_plan",
    "export_data",
    "founding_path",
    "generate_demo",
    "plan_import",
    "read_table",
    "visits_path",
]


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
