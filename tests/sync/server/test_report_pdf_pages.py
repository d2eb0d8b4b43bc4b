"""The PDF's long tables (``report_pdf._Rows``): laid out a page at a time, on the same pages as one reportlab
``Table`` of all the rows (the header rows repeated on each page, rows that wrap kept whole)."""

from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.platypus import SimpleDocTemplate
from reportlab.platypus.flowables import Flowable

from sync.server import report_pdf
from sync.server.report_layout import Column, Table


def _pages(flowables: list[Flowable]) -> list[str]:
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=report_pdf.PAGE).build(flowables)
    return [page.extract_text() for page in PdfReader(out).pages]


def _view(rows: int) -> Table:
    report_pdf._fonts()  # before the first Paragraph in DejaVu Sans
    columns = (
        Column("Doanh nghiệp", "text"),
        Column("Lần thăm", "int", group="Tháng"),
        Column("Ngày", "date"),
        Column("Cán bộ thăm lần cuối", "text", group="Năm"),
    )
    body = tuple(
        (f"Công ty TNHH số {i} " + "Thương mại và Dịch vụ " * (i % 9), i, None, "Trần Văn Minh" * (1 + i % 4))
        for i in range(rows)
    )
    return Table("ready", "Cần thành lập", columns, body)


def test_a_long_table_has_the_pages_of_one_table() -> None:
    view = _view(700)
    ours, theirs = _pages([report_pdf._Rows(view)]), _pages([report_pdf._table(view)])
    assert len(ours) > 20
    assert ours == theirs
    assert all(page.count("Doanh nghiệp") == 1 for page in ours)  # the header on top of every page, once


def test_a_long_table_after_other_content_starts_on_the_same_page() -> None:
    view, before = _view(150), _view(7)
    ours = _pages([report_pdf._table(before), report_pdf._Rows(view)])
    assert ours == _pages([report_pdf._table(before), report_pdf._table(view)])
