"""Fixtures shared by several test folders: CSV and XLSX files written on the fly into a temporary folder.

(tests/cli and tests/io have no ``__init__.py``, so this root conftest is the one place both see.)
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def make_csv(tmp_path: Path) -> Callable[..., Path]:
    """``make_csv(rows, name=..., delimiter=";", bom=True)``: a CSV file (the first row is the header)."""

    def make(
        rows: Sequence[Sequence[Any]], name: str = "list.csv", delimiter: str = ",", bom: bool = False
    ) -> Path:
        path = tmp_path / name
        with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
            csv.writer(fh, delimiter=delimiter).writerows(rows)
        return path

    return make


@pytest.fixture
def make_xlsx(tmp_path: Path) -> Callable[..., Path]:
    """``make_xlsx(rows, name=...)``: a workbook whose first sheet holds *rows*."""

    def make(rows: Sequence[Sequence[Any]], name: str = "list.xlsx") -> Path:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        for row in rows:
            sheet.append(list(row))
        path = tmp_path / name
        workbook.save(path)
        return path

    return make
