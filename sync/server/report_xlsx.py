"""The monthly report as an XLSX workbook (openpyxl): one sheet per view of ``report_layout.tables``.

Each sheet: the title block (federation, report and scope, period), the headers (a group row, then the columns),
frozen under the headers, numbers, percentages and dates with their formats; native Excel charts on the ward and
cadre sheets (the year's CĐCS and members against the target, in per cent) and on the pipeline sheet (cases by
stage). Text goes through ``fieldapp.core.cells.sheet_cell``: nothing a cadre typed runs as a formula.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from fieldapp.core.cells import sheet_cell
from fieldapp.core.i18n import Lang, gettext
from sync.server.report import Report
from sync.server.report_layout import Table, tables, title_lines

__all__ = ["HEADER_ROW", "report_xlsx"]

#: the row of the column headers (the group headers are on the row above); data begin below it
HEADER_ROW = 6
_FORMATS = {"int": "#,##0", "percent": "0.0%", "date": "DD/MM/YYYY"}
_HEAD_FILL = PatternFill("solid", fgColor="DCE6F1")
_BOLD = Font(bold=True)


def _cell(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "percent":
        return round(value / 100, 6)
    if isinstance(value, date):
        return value
    return sheet_cell(value)


def _sheet(ws: Worksheet, table: Table, title: tuple[str, str, str]) -> None:
    ws["A1"], ws["A2"], ws["A3"] = (sheet_cell(t) for t in title)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"].font = Font(bold=True, size=12)
    ws["A4"] = sheet_cell(table.title)
    ws["A4"].font = _BOLD
    for col, column in enumerate(table.columns, start=1):
        if column.group:
            group = ws.cell(HEADER_ROW - 1, col, sheet_cell(column.group))
            group.font = _BOLD
        head = ws.cell(HEADER_ROW, col, sheet_cell(column.header))
        head.font, head.fill = _BOLD, _HEAD_FILL
        head.alignment = Alignment(wrap_text=True, vertical="top")
        width = max(len(column.header) * 0.9, 12) if column.kind != "text" else 34
        ws.column_dimensions[get_column_letter(col)].width = min(width, 40)
    ws.row_dimensions[HEADER_ROW].height = 32
    for r, row in enumerate(table.rows, start=HEADER_ROW + 1):
        for col, (value, column) in enumerate(zip(row, table.columns, strict=True), start=1):
            cell = ws.cell(r, col, _cell(value, column.kind))
            if column.kind in _FORMATS:
                cell.number_format = _FORMATS[column.kind]
    if not table.rows and table.empty:
        ws.cell(HEADER_ROW + 1, 1, sheet_cell(table.empty))
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 2)
    if table.rows and table.chart == "progress":
        _progress_chart(ws, table)
    elif table.rows and table.chart == "pipeline":
        _pipeline_chart(ws, table)


def _progress_chart(ws: Worksheet, table: Table) -> None:
    """The year to date against the target, in per cent of it: a bar for CĐCS and one for members per row."""
    chart = BarChart()
    chart.type, chart.grouping = "bar", "clustered"
    chart.title = table.title + " · %"
    first, last = HEADER_ROW + 1, HEADER_ROW + len(table.rows)
    percents = [i for i, c in enumerate(table.columns, start=1) if c.kind == "percent"]
    for col in percents:
        chart.add_data(Reference(ws, min_col=col, min_row=HEADER_ROW, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.y_axis.numFmt = "0%"
    chart.y_axis.majorGridlines = None
    chart.height, chart.width = max(7.5, 0.9 * len(table.rows) + 3), 18
    ws.add_chart(chart, f"A{last + 3}")


def _pipeline_chart(ws: Worksheet, table: Table) -> None:
    """The founding pipeline of the report's scope (its first row): cases at each stage."""
    chart = BarChart()
    chart.type = "col"
    chart.title = f"{table.title}: {table.rows[0][1]}"
    stage_cols = [i for i, c in enumerate(table.columns, start=1) if c.kind == "int"][:-1]  # not the total
    row = HEADER_ROW + 1
    chart.add_data(
        Reference(ws, min_col=stage_cols[0], max_col=stage_cols[-1], min_row=row),
        from_rows=True,
        titles_from_data=False,
    )
    chart.set_categories(Reference(ws, min_col=stage_cols[0], max_col=stage_cols[-1], min_row=HEADER_ROW))
    chart.legend = None
    chart.height, chart.width = 8, 18
    ws.add_chart(chart, f"A{HEADER_ROW + len(table.rows) + 3}")


def report_xlsx(report: Report, lang: Lang = "vi") -> bytes:
    """The workbook's bytes."""
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    title = title_lines(report, lang)
    for table in tables(report, lang):
        ws = book.create_sheet(table.title[:31])
        _sheet(ws, table, title)
    book.properties.title = sheet_cell(f"{title[0]} · {title[1]}")
    book.properties.creator = gettext("fieldapp server", lang)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
