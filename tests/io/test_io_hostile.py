"""The hostile-input corpus (tests/support/hostile.py) through ``fieldapp import`` of a CSV and of an XLSX file
(issue 10): every row is refused with a message naming its row and field, or imported with a neutral value; no
crash; with a refused row nothing at all is stored."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import Result
from openpyxl import Workbook
from support.hostile import HOSTILE

from fieldapp.core.text import CONTROL

Run = Callable[..., Result]
HEADER = ["Tên doanh nghiệp", "Mã số thuế", "Phường/Xã", "Địa chỉ"]
# what XML 1.0 cannot carry: an XLSX file holds it in the OOXML escape (_x001B_), which we then read as text
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _rows() -> list[list[str]]:
    """Each hostile value once as a name, once as a ward, once as a tax code and once as an address."""
    rows = []
    for i, value in enumerate(HOSTILE):
        rows.append([value, "", f"Phường {i}", ""])
        rows.append([f"Công ty phường {i}", "", value, ""])
        rows.append([f"Công ty thuế {i}", value, "", ""])
        rows.append([f"Công ty địa chỉ {i}", "", f"Phường địa chỉ {i}", value])
    return rows


def _xlsx(path: Path, rows: list[list[str]]) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in [HEADER, *rows]:
        sheet.append([_NOT_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", v) for v in row])
    workbook.save(path)
    return path


def _stored(run: Run) -> list[dict[str, Any]]:
    return orjson.loads(run("enterprise", "list", "--json").stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_every_hostile_row_is_refused_by_row_or_imported_neutral(
    run: Run, make_csv: Callable[..., Path], tmp_path: Path, data_dir: Path, suffix: str
) -> None:
    rows = _rows()
    path = make_csv([HEADER, *rows]) if suffix == "csv" else _xlsx(tmp_path / "hostile.xlsx", rows)

    # all or nothing: some rows are refused, so nothing is stored
    refused = run("import", str(path), "--json")
    assert refused.exit_code == 1, refused.output
    report = orjson.loads(refused.stdout)
    assert report["refused"] and report["written"] == 0 and report["invalid"] > 0
    assert _stored(run) == []
    # every refusal names a row of the file and a field of it, in both languages
    numbers = set()
    for row in report["invalid_rows"]:
        assert row["row"] >= 2, row
        numbers.add(row["row"])
        assert row["problems"] and all(p["field"] and p["vi"] and p["en"] for p in row["problems"]), row
    text = run("import", str(path), "--dry-run", lang="en")
    assert text.exit_code == 1 and "Traceback" not in text.output
    for number in numbers:
        assert f"row {number}: " in text.stderr

    # the rows that pass are stored neutral: no control character, no bidirectional override
    kept = run("import", str(path), "--skip-invalid", "--json")
    assert kept.exit_code == 0, kept.output
    written = orjson.loads(kept.stdout)["written"]
    stored = _stored(run)
    assert written == len(stored) > 0
    for record in stored:
        for field in ("name", "ward", "address", "tax_code"):
            value = record[field] or ""
            assert not CONTROL.search(value), (field, value)
    tax_codes = {r["tax_code"] for r in stored if r["tax_code"]}
    assert tax_codes <= {
        "0107777777"
    }  # odd digits become ASCII ones, or are refused: never a second spelling
