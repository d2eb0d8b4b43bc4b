"""Import and export of enterprise lists (CSV, XLSX, JSON) and the demo district.

from fieldapp.io import read_table, plan_import, apply_plan, export_data, generate_demo
"""

from fieldapp.io.demo import generate_demo
from fieldapp.io.errors import FileProblem
from fieldapp.io.export import EXPORT_FORMATS, export_data, visits_path
from fieldapp.io.importer import ImportPlan, InvalidRow, apply_plan, plan_import
from fieldapp.io.readers import Limits, SheetRow, Table, read_table

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
    "generate_demo",
    "plan_import",
    "read_table",
    "visits_path",
]
