"""Fixtures shared by several test folders: the CLI run in-process on a temporary data folder, and CSV and XLSX
files written on the fly into a temporary folder.

(tests/cli and tests/io have no ``__init__.py``, so this root conftest is the one place both see.)
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from fieldapp.cli import main

Run = Callable[..., Result]


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


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def run(data_dir: Path) -> Run:
    """``run("enterprise", "list", "--json")``: the command's Result (stdout, stderr and exit code apart)."""
    runner = CliRunner()

    def invoke(
        *args: str, lang: str | None = None, env: dict[str, str] | None = None, input: str | None = None
    ) -> Result:
        prefix = ["--data-dir", str(data_dir)] + (["--lang", lang] if lang else [])
        return runner.invoke(main, [*prefix, *args], env=env, input=input, catch_exceptions=False)

    return invoke
