"""The documents a ban vận động needs to found a CĐCS, as .docx (python-docx), pre-filled from the founding case.

Four forms (``FORMS``): the application to join (đơn xin gia nhập Công đoàn Việt Nam), the applicant list (danh sách
người lao động đăng ký tham gia), the congress minutes (biên bản đại hội thành lập CĐCS) and the request for
recognition (tờ trình đề nghị công nhận CĐCS và BCH). Each is a Vietnamese administrative document whatever the
interface language: the national motto, the place and date line, the title, the body, the signature blocks.

Filled in: the enterprise's name, tax code and address, and the case's dates and counts known so far. Everything
else is a dotted blank or an empty table row, the workers' names above all: the app never stores workers' personal
data beyond counts and the committee head's name.

Every value goes into a plain text run (``w:t``): a name starting with "=" stays text, as Word never evaluates a
text run; no field code (``w:fldSimple``, ``w:instrText``) is ever written.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from fieldapp.core.cells import xml_text
from fieldapp.core.founding import FoundingCase
from fieldapp.core.records import Enterprise
from fieldapp.files import write_atomic
from fieldapp.io.errors import FileProblem

__all__ = ["FORMS", "Form", "build_form", "form_paths", "vn_date", "write_forms"]

#: a blank to be filled in by hand
DOTS = "…………………………"
_SHORT = "……"
_DATE_BLANK = "……/……/………"
#: blank rows of the applicant list when fewer applications are known; at most _MAX_ROWS rows are printed
_MIN_ROWS = 15
_MAX_ROWS = 300
_FONT = "Times New Roman"


def vn_date(day: date | None) -> str:
    """``01/10/2026``, or a dotted blank for a date not known yet."""
    return day.strftime("%d/%m/%Y") if day else _DATE_BLANK


def _count(value: int | None) -> str:
    return _SHORT if value is None else str(value)


def _or_dots(text: str | None) -> str:
    return text if text else DOTS


def _place(enterprise: Enterprise) -> str:
    """The province from the address's last part (``…, Hà Nội``), or a blank when the address has no parts."""
    parts = [p.strip() for p in enterprise.address.split(",")]
    return parts[-1] if len(parts) > 1 and parts[-1] else DOTS


def _date_line(place: str, day: date | None) -> str:
    if day is None:
        return f"{place}, ngày {_SHORT} tháng {_SHORT} năm 20{_SHORT}"
    return f"{place}, ngày {day:%d} tháng {day:%m} năm {day:%Y}"


# --- building blocks ---------------------------------------------------------------------------------------
def _new_document() -> DocxDocument:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = _FONT
    style.font.size = Pt(13)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _FONT)
    style.paragraph_format.space_after = Pt(3)
    style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    doc.core_properties.author = "fieldapp"
    return doc


def _para(
    target: DocxDocument | _Cell,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    size: float | None = None,
) -> Paragraph:
    """One paragraph holding *text* as a single plain run (never a field)."""
    paragraph = target.add_paragraph()
    run = paragraph.add_run(xml_text(text))
    run.bold, run.italic = bold, italic
    if size is not None:
        run.font.size = Pt(size)
    if align is None and "…" in text:
        align = WD_ALIGN_PARAGRAPH.LEFT  # justified, a line with blanks would spread its words apart
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _labelled(doc: DocxDocument, label: str, value: str) -> Paragraph:
    paragraph = doc.add_paragraph()
    paragraph.add_run(f"{label}: ")
    paragraph.add_run(xml_text(value))
    return paragraph


def _cell_lines(
    cell: _Cell,
    lines: Sequence[tuple[str, bool, bool]],
    *,
    size: float | None = None,
    align: WD_ALIGN_PARAGRAPH = WD_ALIGN_PARAGRAPH.CENTER,
) -> None:
    """(text, bold, italic) lines in a cell (its first, empty paragraph used first)."""
    first = True
    for text, bold, italic in lines:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        run = paragraph.add_run(xml_text(text))
        run.bold, run.italic = bold, italic
        if size is not None:
            run.font.size = Pt(size)
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(0)


def _widths(table: Table, widths: Sequence[float]) -> None:
    """Fixed column widths in cm (the grid for LibreOffice, each cell for Word)."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)


_MOTTO = [
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False),
    ("Độc lập - Tự do - Hạnh phúc", True, False),
    ("―――――――", False, False),
]


def _header(doc: DocxDocument, issuer: Sequence[str], place: str, day: date | None) -> None:
    """The issuer (left), the national motto (right), then the place and date line (right, italic)."""
    if issuer:
        table = doc.add_table(rows=1, cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        _widths(table, (6.2, 9.8))
        left, right = table.rows[0].cells
        _cell_lines(left, [(line, i > 0, False) for i, line in enumerate(issuer)], size=12)
        _cell_lines(right, _MOTTO, size=12)
    else:
        for text, bold, italic in _MOTTO:
            _para(
                doc, text, bold=bold, italic=italic, align=WD_ALIGN_PARAGRAPH.CENTER
            ).paragraph_format.space_after = Pt(0)
    _para(doc, _date_line(place, day), italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT)


def _title(doc: DocxDocument, title: str, *subtitles: str) -> None:
    _para(doc, title, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER).paragraph_format.space_before = Pt(
        12
    )
    for line in subtitles:
        _para(doc, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    doc.add_paragraph()


def _signatures(doc: DocxDocument, left: Sequence[str], right: Sequence[str]) -> None:
    """Two signature blocks side by side: a title (bold), a role, '(Ký và ghi rõ họ tên)', room, a name or dots."""
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    _widths(table, (8, 8))
    for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
        _cell_lines(cell, [(line, not line.startswith("("), line.startswith("(")) for line in lines])


def _recipients_and_signature(doc: DocxDocument, recipients: Sequence[str], right: Sequence[str]) -> None:
    """The ``Nơi nhận:`` list (left, small) beside a signature block (right)."""
    doc.add_paragraph()
    table = doc.add_table(rows=1, cols=2)
    _widths(table, (8, 8))
    left_cell, right_cell = table.rows[0].cells
    lines = [("Nơi nhận:", True, True), *((line, False, False) for line in recipients)]
    _cell_lines(left_cell, lines, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell_lines(right_cell, [(line, not line.startswith("("), line.startswith("(")) for line in right])


def _grid(doc: DocxDocument, headers: Sequence[str], rows: int, widths: Sequence[float]) -> Table:
    """A bordered table with *headers* and *rows* empty numbered rows (blanks for names, never filled by the app)."""
    table = doc.add_table(rows=rows + 1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, header in enumerate(headers):
        cell = table.rows[0].cells[i]
        _cell_lines(cell, [(header, True, False)], size=12)
    for r in range(1, rows + 1):
        _cell_lines(table.rows[r].cells[0], [(str(r), False, False)])
    _widths(table, widths)
    doc.add_paragraph().paragraph_format.space_after = Pt(0)
    return table


def _enterprise_lines(doc: DocxDocument, enterprise: Enterprise) -> None:
    _labelled(doc, "Đơn vị sử dụng lao động", enterprise.name)
    _labelled(doc, "Mã số thuế", _or_dots(enterprise.tax_code))
    _labelled(doc, "Địa chỉ", _or_dots(enterprise.address))


def _committee_issuer(enterprise: Enterprise) -> list[str]:
    return ["BAN VẬN ĐỘNG THÀNH LẬP CĐCS", enterprise.name.upper()]


# --- the forms -------------------------------------------------------------------------------------------------
def _application(doc: DocxDocument, case: FoundingCase, enterprise: Enterprise) -> None:
    _header(doc, [], _place(enterprise), None)  # dated by the worker who signs it
    _title(doc, "ĐƠN XIN GIA NHẬP CÔNG ĐOÀN VIỆT NAM")
    _para(
        doc,
        f"Kính gửi: Ban vận động thành lập Công đoàn cơ sở {enterprise.name} "
        f"(thành lập ngày {vn_date(case.committee_on)}).",
        bold=True,
    )
    for label in ("Tôi tên là", "Ngày sinh", "Giới tính", "Quê quán", "Nơi ở hiện nay"):
        _labelled(doc, label, DOTS * 2)
    _labelled(doc, "Nơi làm việc", enterprise.name)
    _labelled(doc, "Mã số thuế của đơn vị", _or_dots(enterprise.tax_code))
    _labelled(doc, "Địa chỉ nơi làm việc", _or_dots(enterprise.address))
    for label in ("Bộ phận, công việc đang làm", "Loại hợp đồng lao động", "Trình độ chuyên môn"):
        _labelled(doc, label, DOTS * 2)
    _para(
        doc,
        "Sau khi tìm hiểu Điều lệ Công đoàn Việt Nam, tôi tự nguyện làm đơn này xin gia nhập Công đoàn Việt Nam. "
        "Nếu được kết nạp, tôi xin hứa chấp hành Điều lệ Công đoàn Việt Nam, tham gia sinh hoạt công đoàn, "
        "đóng đoàn phí đầy đủ và thực hiện các nghị quyết của tổ chức công đoàn.",
    )
    _signatures(
        doc,
        ["XÁC NHẬN CỦA BAN VẬN ĐỘNG", "(Ký và ghi rõ họ tên)", "", "", _or_dots(case.committee_head)],
        ["NGƯỜI LÀM ĐƠN", "(Ký và ghi rõ họ tên)", "", "", DOTS],
    )


def _applicant_list(doc: DocxDocument, case: FoundingCase, enterprise: Enterprise) -> None:
    _header(doc, _committee_issuer(enterprise), _place(enterprise), case.applications_on)
    _title(
        doc,
        "DANH SÁCH NGƯỜI LAO ĐỘNG ĐĂNG KÝ THAM GIA CÔNG ĐOÀN",
        "(kèm theo đơn tự nguyện gia nhập Công đoàn Việt Nam)",
    )
    _enterprise_lines(doc, enterprise)
    _labelled(
        doc,
        "Ban vận động",
        f"thành lập ngày {vn_date(case.committee_on)}, {case.committee_members} thành viên, "
        f"trưởng ban: {_or_dots(case.committee_head)}",
    )
    _labelled(doc, f"Số đơn đã nhận tính đến ngày {vn_date(case.applications_on)}", _count(case.applications))
    rows = min(max(case.applications or 0, _MIN_ROWS), _MAX_ROWS)
    _grid(
        doc,
        ["STT", "Họ và tên", "Năm sinh", "Nam/Nữ", "Bộ phận, công việc", "Ngày nộp đơn", "Ký tên"],
        rows,
        [1.3, 4.6, 1.8, 1.5, 3.0, 2.0, 1.8],
    )
    _signatures(
        doc,
        ["NGƯỜI LẬP DANH SÁCH", "(Ký và ghi rõ họ tên)", "", "", DOTS],
        ["TM. BAN VẬN ĐỘNG", "TRƯỞNG BAN", "(Ký và ghi rõ họ tên)", "", "", _or_dots(case.committee_head)],
    )


def _minutes(doc: DocxDocument, case: FoundingCase, enterprise: Enterprise) -> None:
    issuer = ["ĐẠI HỘI THÀNH LẬP", f"CÔNG ĐOÀN CƠ SỞ {enterprise.name.upper()}"]
    _header(doc, issuer, _place(enterprise), case.congress_on)
    _title(doc, "BIÊN BẢN", "ĐẠI HỘI THÀNH LẬP CÔNG ĐOÀN CƠ SỞ")
    _para(
        doc,
        f"Hôm nay, ngày {vn_date(case.congress_on)}, vào hồi {_SHORT} giờ {_SHORT}, tại {DOTS}, "
        f"Ban vận động thành lập Công đoàn cơ sở {enterprise.name} tổ chức Đại hội thành lập Công đoàn cơ sở.",
    )
    _enterprise_lines(doc, enterprise)
    _para(doc, "I. THÀNH PHẦN THAM DỰ", bold=True)
    _para(
        doc,
        f"- Số người lao động có đơn tự nguyện gia nhập Công đoàn Việt Nam (tính đến ngày "
        f"{vn_date(case.applications_on)}): {_count(case.applications)} người.",
    )
    _para(doc, f"- Số người có mặt: {_count(case.congress_attending)} người; vắng mặt: {_SHORT} người.")
    _para(doc, f"- Đại biểu công đoàn cấp trên: {DOTS}")
    _para(doc, f"- Đại biểu người sử dụng lao động: {DOTS}")
    _para(doc, "II. NỘI DUNG ĐẠI HỘI", bold=True)
    _para(
        doc,
        f"1. Ban vận động (thành lập ngày {vn_date(case.committee_on)}, trưởng ban: "
        f"{_or_dots(case.committee_head)}) báo cáo quá trình vận động người lao động gia nhập Công đoàn Việt Nam.",
    )
    _para(doc, f"2. Đại hội bầu Đoàn Chủ tịch: {DOTS}; Thư ký: {DOTS}; Ban kiểm phiếu: {DOTS}.")
    _para(doc, f"3. Tuyên bố thành lập Công đoàn cơ sở {enterprise.name}.")
    _para(doc, f"4. Bầu Ban Chấp hành công đoàn cơ sở gồm {_count(case.bch_size)} người. Kết quả:")
    _grid(doc, ["STT", "Họ và tên", "Số phiếu bầu", "Tỷ lệ (%)"], case.bch_size or 5, [1.2, 7.8, 3, 3])
    if case.inspection_size == 0:
        _para(doc, "5. Đại hội không bầu Ủy ban kiểm tra công đoàn.")
    else:
        _para(doc, f"5. Bầu Ủy ban kiểm tra công đoàn gồm {_count(case.inspection_size)} người. Kết quả:")
        rows = case.inspection_size or 3
        _grid(doc, ["STT", "Họ và tên", "Số phiếu bầu", "Tỷ lệ (%)"], rows, [1.2, 7.8, 3, 3])
    _para(doc, f"6. Thảo luận và thông qua phương hướng hoạt động, nghị quyết đại hội: {DOTS * 2}")
    _para(
        doc,
        f"Đại hội kết thúc vào hồi {_SHORT} giờ {_SHORT} cùng ngày. Biên bản đã được đọc lại trước Đại hội "
        "và được Đại hội nhất trí thông qua.",
    )
    _signatures(
        doc,
        ["THƯ KÝ ĐẠI HỘI", "(Ký và ghi rõ họ tên)", "", "", DOTS],
        ["TM. ĐOÀN CHỦ TỊCH", "(Ký và ghi rõ họ tên)", "", "", DOTS],
    )


def _request(doc: DocxDocument, case: FoundingCase, enterprise: Enterprise) -> None:
    issuer = [f"CÔNG ĐOÀN CƠ SỞ {enterprise.name.upper()}", "BAN CHẤP HÀNH", f"Số: {_SHORT}/TTr-CĐCS"]
    _header(doc, issuer, _place(enterprise), case.dossier_on)
    _title(doc, "TỜ TRÌNH", "Đề nghị công nhận Công đoàn cơ sở và Ban Chấp hành Công đoàn cơ sở")
    _para(doc, f"Kính gửi: Ban Thường vụ {DOTS} (công đoàn cấp trên trực tiếp cơ sở).", bold=True)
    _para(doc, "Căn cứ Luật Công đoàn năm 2024 và Điều lệ Công đoàn Việt Nam;", italic=True)
    _enterprise_lines(doc, enterprise)
    _para(
        doc,
        f"Ngày {vn_date(case.committee_on)}, Ban vận động thành lập Công đoàn cơ sở {enterprise.name} "
        f"được thành lập, gồm {case.committee_members} thành viên. Đến ngày {vn_date(case.applications_on)}, "
        f"Ban vận động đã nhận {_count(case.applications)} đơn tự nguyện gia nhập Công đoàn Việt Nam.",
    )
    _para(
        doc,
        f"Ngày {vn_date(case.congress_on)}, Đại hội thành lập Công đoàn cơ sở được tổ chức với "
        f"{_count(case.congress_attending)} người tham dự; Đại hội đã bầu Ban Chấp hành gồm "
        f"{_count(case.bch_size)} người và Ủy ban kiểm tra gồm {_count(case.inspection_size)} người.",
    )
    _para(
        doc,
        f"Ngày {vn_date(case.bch_meeting_on)}, Ban Chấp hành họp phiên thứ nhất, bầu Chủ tịch và "
        "Phó Chủ tịch (nếu có) công đoàn cơ sở.",
    )
    _para(
        doc,
        f"Ban Chấp hành Công đoàn cơ sở {enterprise.name} kính đề nghị Ban Thường vụ xem xét, ra quyết định công "
        "nhận Công đoàn cơ sở, Ban Chấp hành, Chủ tịch, Phó Chủ tịch (nếu có) và Ủy ban kiểm tra công đoàn cơ sở.",
    )
    _para(doc, "Hồ sơ kèm theo:", bold=True)
    for i, item in enumerate(
        (
            "Biên bản Đại hội thành lập công đoàn cơ sở và biên bản kiểm phiếu bầu cử;",
            "Danh sách đoàn viên kèm đơn tự nguyện gia nhập Công đoàn Việt Nam;",
            "Biên bản họp phiên thứ nhất của Ban Chấp hành;",
            "Danh sách trích ngang Ban Chấp hành và Ủy ban kiểm tra;",
            "Bản sao giấy chứng nhận đăng ký doanh nghiệp của đơn vị sử dụng lao động.",
        ),
        start=1,
    ):
        _para(doc, f"{i}. {item}")
    _recipients_and_signature(
        doc,
        ["- Như trên;", "- Lưu CĐCS."],
        ["TM. BAN CHẤP HÀNH", "CHỦ TỊCH", "(Ký và ghi rõ họ tên)", "", "", DOTS],
    )


@dataclass(frozen=True, slots=True)
class Form:
    """One document: its file name's tail, its title (as in the document) and how it is built."""

    slug: str
    title: str
    build: Callable[[DocxDocument, FoundingCase, Enterprise], None]


FORMS: tuple[Form, ...] = (
    Form("1-don-xin-gia-nhap-cong-doan", "Đơn xin gia nhập Công đoàn Việt Nam", _application),
    Form(
        "2-danh-sach-dang-ky-tham-gia", "Danh sách người lao động đăng ký tham gia Công đoàn", _applicant_list
    ),
    Form("3-bien-ban-dai-hoi-thanh-lap", "Biên bản Đại hội thành lập Công đoàn cơ sở", _minutes),
    Form("4-to-trinh-de-nghi-cong-nhan", "Tờ trình đề nghị công nhận CĐCS và Ban Chấp hành", _request),
)


def build_form(form: Form, case: FoundingCase, enterprise: Enterprise) -> bytes:
    """*form* filled in for *case* at *enterprise*, as the bytes of a .docx file."""
    doc = _new_document()
    doc.core_properties.title = form.title
    form.build(doc, case, enterprise)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def form_paths(enterprise: Enterprise, folder: Path) -> list[Path]:
    """Where the forms of *enterprise* go in *folder*: ``<tax code or id>-<n>-<form>.docx``, in FORMS order."""
    prefix = enterprise.tax_code or enterprise.id[:8]
    return [folder / f"{prefix}-{form.slug}.docx" for form in FORMS]


def write_forms(
    case: FoundingCase, enterprise: Enterprise, folder: Path, *, overwrite: bool = False
) -> list[Path]:
    """Write every form of *case* into *folder* (made if needed), each file atomically; return their paths.

    A form's file already in *folder* is refused before anything is written (FileProblem ``exists``) unless
    *overwrite*; a folder that cannot be written is FileProblem ``unwritable``.
    """
    paths = form_paths(enterprise, folder)
    if not overwrite:
        for path in paths:
            if path.exists():
                raise FileProblem("exists", path)
    documents = [
        build_form(form, case, enterprise) for form in FORMS
    ]  # built first: a failure writes nothing
    for path, payload in zip(paths, documents, strict=True):
        try:
            write_atomic(path, payload)
        except OSError as exc:
            raise FileProblem.unwritable(path, exc) from None
    return paths
