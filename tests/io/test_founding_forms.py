"""The founding forms (.docx): every document opened with python-docx holds the enterprise and the dates known so
far, blanks for the rest and for workers' names, and no field code whatever a name holds."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from docx.table import Table
from support.hostile import FORMULAS

from fieldapp.core.founding import FoundingCase, Step, record_step, start_case
from fieldapp.core.records import Enterprise
from fieldapp.core.rules import default_rules
from fieldapp.io.errors import FileProblem
from fieldapp.io.founding_forms import FORMS, form_paths, write_forms

TODAY = date(2026, 11, 23)
RULES = default_rules()
ADDRESS = "Số 12 Nguyễn Văn Cừ, Ngọc Lâm, Long Biên, Hà Nội"
#: the steps, their fields, and the dates as the forms write them
STEPS: list[tuple[Step, dict[str, object], str]] = [
    (Step.APPLICATIONS, {"applications_on": "2026-09-21", "applications": 7}, "21/09/2026"),
    (
        Step.CONGRESS,
        {"congress_on": "2026-10-01", "congress_attending": 7, "bch_size": 3, "inspection_size": 1},
        "01/10/2026",
    ),
    (Step.BCH_MEETING, {"bch_meeting_on": "2026-10-08"}, "08/10/2026"),
    (Step.DOSSIER, {"dossier_on": "2026-10-12"}, "12/10/2026"),
]
COMMITTEE_DATE = "14/09/2026"
#: which step dates each form asks for (in FORMS order): its own reading of the procedure, not the module's
DATES_IN = {
    "1-don-xin-gia-nhap-cong-doan": {Step.COMMITTEE},
    "2-danh-sach-dang-ky-tham-gia": {Step.COMMITTEE, Step.APPLICATIONS},
    "3-bien-ban-dai-hoi-thanh-lap": {Step.COMMITTEE, Step.APPLICATIONS, Step.CONGRESS},
    "4-to-trinh-de-nghi-cong-nhan": {Step.COMMITTEE, Step.APPLICATIONS, Step.CONGRESS, Step.BCH_MEETING},
}
#: the form dated on a step's day (the place and date line)
DATED_ON = {
    "2-danh-sach-dang-ky-tham-gia": Step.APPLICATIONS,
    "3-bien-ban-dai-hoi-thanh-lap": Step.CONGRESS,
    "4-to-trinh-de-nghi-cong-nhan": Step.DOSSIER,
}
ON = {
    Step.COMMITTEE: date(2026, 9, 14),
    **{s: date.fromisoformat(str(f[next(iter(f))])) for s, f, _ in STEPS},
}
SHOWN = {Step.COMMITTEE: COMMITTEE_DATE, **{s: shown for s, _, shown in STEPS}}


def enterprise(name: str = "Công ty TNHH Minh Phát") -> Enterprise:
    return Enterprise.create(name=name, tax_code="0101234567", address=ADDRESS)


def case_through(target: Enterprise, last: Step) -> FoundingCase:
    case = start_case(target.id, "2026-09-14", committee_members=4, committee_head="Lê Văn Tám", today=TODAY)
    for step, fields, _ in STEPS:
        if list(Step).index(step) > list(Step).index(last):
            break
        case = record_step(case, step, RULES, today=TODAY, **fields)
    return case


def grids(path: Path) -> list[Table]:
    """The bordered tables whose first column is STT (the blank rows for names)."""
    return [t for t in Document(str(path)).tables if t.rows[0].cells[0].text == "STT"]


def text_of(path: Path) -> str:
    """Every paragraph of the document, tables included, one per line."""
    doc = Document(str(path))
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend(p.text for p in cell.paragraphs)
    return "\n".join(lines)


@pytest.mark.parametrize("last", [Step.COMMITTEE, Step.CONGRESS, Step.DOSSIER])
def test_every_form_holds_the_enterprise_and_the_dates_known(tmp_path: Path, last: Step) -> None:
    target = enterprise()
    case = case_through(target, last)
    paths = write_forms(case, target, tmp_path)
    assert [p.name for p in paths] == [f"0101234567-{form.slug}.docx" for form in FORMS]
    assert sorted(tmp_path.iterdir()) == sorted(paths)  # no temporary file left behind
    known = {s for s in Step if case.done_on(s) is not None}
    for form, path in zip(FORMS, paths, strict=True):
        text = text_of(path)
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
        assert form.title.split()[0].upper() in text.upper()
        for value in ("Công ty TNHH Minh Phát", "0101234567", ADDRESS):
            assert value in text, (form.slug, value)
        for step in DATES_IN[form.slug]:
            if step in known:
                assert SHOWN[step] in text, (form.slug, step)
            else:
                assert "……/……/………" in text, (form.slug, step)  # a blank where the date goes
        for step in set(SHOWN) - known:  # a date not known yet is never invented
            assert SHOWN[step] not in text, (form.slug, step)
        dated = DATED_ON.get(form.slug)
        if dated in known:
            day = ON[dated]
            assert f"Hà Nội, ngày {day:%d} tháng {day:%m} năm {day:%Y}" in text
        else:
            assert "Hà Nội, ngày …… tháng …… năm 20……" in text
        assert "None" not in text


def test_blanks_for_workers_and_the_head_only_name(tmp_path: Path) -> None:
    target = enterprise()
    case = case_through(target, Step.CONGRESS)
    paths = write_forms(case, target, tmp_path)
    (listing,) = grids(paths[1])
    # a header row and at least 15 numbered rows, every name cell empty
    assert [c.text for c in listing.rows[0].cells][:2] == ["STT", "Họ và tên"]
    assert len(listing.rows) == 16 and all(row.cells[1].text == "" for row in listing.rows[1:])
    assert [row.cells[0].text for row in listing.rows[1:4]] == ["1", "2", "3"]
    assert [len(t.rows) - 1 for t in grids(paths[2])] == [3, 1]  # BCH of 3, inspection committee of 1
    assert "Lê Văn Tám" in text_of(paths[0]) and "Lê Văn Tám" in text_of(paths[1])


@pytest.mark.parametrize("name", FORMULAS[:1] + ["=1+1", "=cmd|' /C calc'!A0", "<b>&amp;</b>"])
def test_a_name_that_looks_like_a_formula_stays_text(tmp_path: Path, name: str) -> None:
    target = enterprise(name)
    paths = write_forms(case_through(target, Step.DOSSIER), target, tmp_path)
    for path in paths:
        with zipfile.ZipFile(path) as zf:
            xml = "".join(
                zf.read(n).decode("utf-8")
                for n in zf.namelist()
                if n.startswith("word/") and n.endswith(".xml")
            )
        # no field (w:fldSimple, w:fldChar, w:instrText), no formula, no hyperlink: only text runs
        assert not re.search(r"<w:(fldSimple|fldChar|instrText|hyperlink)\b", xml)
        assert target.name in text_of(path)  # the name read back exactly, as text


def test_an_existing_form_is_refused_unless_overwritten(tmp_path: Path) -> None:
    target = enterprise()
    case = case_through(target, Step.COMMITTEE)
    second = form_paths(target, tmp_path)[1]
    second.write_bytes(b"the cadre's own edits")
    with pytest.raises(FileProblem) as caught:
        write_forms(case, target, tmp_path)
    assert caught.value.code == "exists" and second.name in caught.value.message("vi")
    assert list(tmp_path.iterdir()) == [second] and second.read_bytes() == b"the cadre's own edits"
    paths = write_forms(case, target, tmp_path, overwrite=True)
    assert COMMITTEE_DATE in text_of(paths[1])


def test_no_tax_code_no_address_blanks_and_the_id_names_the_files(tmp_path: Path) -> None:
    target = Enterprise.create(name="Hợp tác xã May Ngọc Lâm")
    paths = write_forms(case_through(target, Step.COMMITTEE), target, tmp_path)
    assert all(p.name.startswith(target.id[:8] + "-") for p in paths)
    text = text_of(paths[3])
    assert "Mã số thuế: …………" in text and "Địa chỉ: …………" in text
    assert "…………, ngày …… tháng …… năm 20……" in text  # no province to name the place after


def test_a_large_case_prints_at_most_300_rows(tmp_path: Path) -> None:
    target = enterprise()
    case = case_through(target, Step.APPLICATIONS).edit(applications=5000)
    paths = write_forms(case, target, tmp_path)
    assert len(grids(paths[1])[0].rows) == 301
    assert "5000" in text_of(paths[1])


def test_characters_xml_cannot_hold_never_break_a_form(tmp_path: Path) -> None:
    # the record refuses controls; a damaged or foreign copy built without validation still writes its forms
    target = Enterprise.model_construct(
        **{**enterprise().model_dump(), "name": "Công ty\x00 A\ufffe", "address": "Số 1\x1b, Hà Nội"}
    )
    paths = write_forms(case_through(target, Step.COMMITTEE), target, tmp_path)
    text = text_of(paths[0])
    assert "Công ty\ufffd A\ufffd" in text and "Số 1\ufffd, Hà Nội" in text
