"""The monthly report as a PDF on A4 (landscape), with reportlab: the title block, the tables of
``report_layout.tables`` (headers repeated on every page), and charts drawn by ``reportlab.graphics``.

The text is set in DejaVu Sans, shipped in ``sync/server/fonts`` (licence beside it), so Vietnamese diacritics print
right whatever fonts the server has.
"""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from fieldapp.core.i18n import Lang, gettext
from sync.server.report import Report
from sync.server.report_layout import Column, tables, title_lines
from sync.server.report_layout import Table as View

__all__ = ["FONTS", "report_pdf"]

FONTS = Path(__file__).with_name("fonts")
_FONT, _BOLD = "DejaVuSans", "DejaVuSans-Bold"
PAGE = landscape(A4)
_MARGIN = 12 * mm
_WIDTH = PAGE[0] - 2 * _MARGIN
_BLUE, _ORANGE = colors.HexColor("#1f5fa8"), colors.HexColor("#e07b00")
_HEAD = colors.HexColor("#dce6f1")
#: less than the height of any row of a table (7.5-point text on 9.375 points, 3 above and below; see ``_Rows``)
_MIN_ROW = 9.0
_STAGE_COLOURS = ["#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#2e7d32"]


@cache
def _fonts() -> None:
    pdfmetrics.registerFont(TTFont(_FONT, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(_BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(_FONT, normal=_FONT, bold=_BOLD, italic=_FONT, boldItalic=_BOLD)


def _style(size: float, bold: bool = False, **kw: Any) -> ParagraphStyle:
    return ParagraphStyle(
        f"s{size}{bold}", fontName=_BOLD if bold else _FONT, fontSize=size, leading=size * 1.25, **kw
    )


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cell(value: Any, column: Column) -> str:
    if value is None:
        return "—" if column.kind != "text" else ""
    if column.kind == "percent":
        return f"{value:.1f}%".replace(".", ",")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def _widths(view: View) -> list[float]:
    texts = [i for i, c in enumerate(view.columns) if c.kind == "text"]
    numbers = len(view.columns) - len(texts)
    number_width = min(22 * mm, (_WIDTH - 60 * mm * len(texts)) / max(numbers, 1))
    text_width = (_WIDTH - number_width * numbers) / max(len(texts), 1)
    return [text_width if c.kind == "text" else number_width for c in view.columns]


def _body(view: View) -> list[list[Any]]:
    """The table's cells below its header rows."""
    body = _style(7.5)
    return [[Paragraph(_esc(_cell(v, c)), body) if c.kind == "text" else _cell(v, c)
             for v, c in zip(row, view.columns, strict=True)] for row in view.rows]  # fmt: skip


def _heads(view: View) -> int:
    return 2 if any(c.group for c in view.columns) else 1


def _table(view: View, body: list[list[Any]] | None = None) -> Table:
    """The view as a table (*body*: its cells from ``_body``, made once for a table laid out in parts)."""
    head = _style(7, bold=True)
    heads = _heads(view)
    rows: list[list[Any]] = [[Paragraph(_esc(c.group), head) for c in view.columns]] if heads == 2 else []
    rows.append([Paragraph(_esc(c.header), head) for c in view.columns])
    rows += _body(view) if body is None else body
    table = Table(rows, colWidths=_widths(view), repeatRows=heads)
    style = [
        ("FONT", (0, 0), (-1, -1), _FONT, 7.5),
        ("BACKGROUND", (0, 0), (-1, heads - 1), _HEAD),
        ("GRID", (0, heads - 1), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (0, heads), (-1, -1), "RIGHT"),
        ("ROWBACKGROUNDS", (0, heads), (-1, -1), [colors.white, colors.HexColor("#f4f6f8")]),
    ]
    starts = [i for i, c in enumerate(view.columns) if c.group] + [len(view.columns)]
    for start, end in zip(starts, starts[1:], strict=False):
        style.append(("SPAN", (start, 0), (end - 1, 0)))
    for i, c in enumerate(view.columns):
        if c.kind == "text":
            style.append(("ALIGN", (i, heads), (i, -1), "LEFT"))
        if c.group and i:
            style.append(("LINEBEFORE", (i, 0), (i, -1), 1, colors.black))
    table.setStyle(TableStyle(style))
    return table


class _Rows(Flowable):
    """A long table laid out a page at a time, with the same pages as one ``Table`` of all its rows.

    reportlab splits a table at a page break into the rows that fit and a new table of all the rest, set up and
    measured again: at every page, so a list of 10,000 rows took time in the square of its pages (21 s under
    load). Here each page is given a table of only the next rows that can fill it (``_MIN_ROW``), which reportlab
    splits as before (the header rows repeated, the row colours starting over); the rest is kept for the next."""

    def __init__(self, view: View, body: list[list[Any]] | None = None, start: int = 0) -> None:
        super().__init__()
        self.view, self.start = view, start
        self.body = _body(view) if body is None else body
        self._made: tuple[float, Table, bool] | None = None

    def _part(self, height: float) -> tuple[Table, bool]:
        """A table of the rows from ``start`` that more than fill *height*, and whether they are all the rest."""
        if self._made is None or self._made[0] != height:
            end = self.start + int(height // _MIN_ROW) + 2
            rows = self.view.rows[self.start : end]
            table = _table(replace(self.view, rows=rows), self.body[self.start : end])
            self._made = (height, table, end >= len(self.body))
        return self._made[1], self._made[2]

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab's)
        table, last = self._part(availHeight)
        if last:  # the rest may fit: a table as any other
            return table.wrap(availWidth, availHeight)  # type: ignore[no-any-return]
        return availWidth, availHeight + 1  # more than the frame: reportlab asks for a split

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        table, last = self._part(availHeight)
        parts: list[Flowable] = table.split(availWidth, availHeight)
        if last or not parts:  # nothing fits here: the next frame
            return parts
        taken = len(parts[0]._cellvalues) - _heads(self.view)
        return [parts[0], _Rows(self.view, self.body, self.start + taken)]

    def draw(self) -> None:  # reached only when the rest fitted (``wrap``)
        assert self._made is not None
        self._made[1].drawOn(self.canv, 0, 0)


def _progress_chart(view: View, lang: Lang) -> Drawing | None:
    """The year's CĐCS and members in per cent of the target, one pair of bars per row with a target."""
    percents = [i for i, c in enumerate(view.columns) if c.kind == "percent"]
    rows = [r for r in view.rows if any(r[i] is not None for i in percents)][:25]
    if not rows:
        return None
    height = 40 + 16 * len(rows)
    drawing = Drawing(_WIDTH, height + 30)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 70 * mm, 20, _WIDTH - 120 * mm, height
    chart.data = [[float(r[i] or 0) for r in reversed(rows)] for i in percents]
    chart.categoryAxis.categoryNames = [str(r[0])[:40] for r in reversed(rows)]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = _FONT, 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(100.0, *(v for series in chart.data for v in series))
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = _FONT, 7
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.bars[0].fillColor, chart.bars[1].fillColor = _BLUE, _ORANGE
    chart.barSpacing, chart.groupSpacing = 1, 5
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = _WIDTH - 45 * mm, height
    legend.fontName, legend.fontSize = _FONT, 7
    legend.colorNamePairs = [
        (_BLUE, view.columns[percents[0]].header),
        (_ORANGE, view.columns[percents[1]].header),
    ]
    legend.alignment = "right"
    drawing.add(legend)
    title = gettext("Year to date against the target (%)", lang)
    drawing.add(String(0, height + 18, title, fontName=_BOLD, fontSize=9))
    return drawing


def _pipeline_chart(view: View, lang: Lang) -> Drawing:
    """The cases of the report's scope (the first row) at each stage."""
    stages = [i for i, c in enumerate(view.columns) if c.kind == "int"][:-1]
    first = view.rows[0]
    drawing = Drawing(_WIDTH, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 15 * mm, 14 * mm, 150 * mm, 40 * mm
    chart.data = [[int(first[i]) for i in stages]]
    chart.categoryAxis.categoryNames = [view.columns[i].header for i in stages]
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = _FONT, 7
    chart.categoryAxis.labels.angle, chart.categoryAxis.labels.boxAnchor = 20, "ne"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = _FONT, 7
    chart.valueAxis.valueStep = max(1, (max(chart.data[0]) or 1) // 5 + 1)
    chart.bars[0].fillColor = _BLUE
    for i, colour in enumerate(_STAGE_COLOURS[: len(stages)]):
        chart.bars[(0, i)].fillColor = colors.HexColor(colour)
    drawing.add(chart)
    drawing.add(String(0, 58 * mm, f"{view.title}: {first[1]}", fontName=_BOLD, fontSize=9))
    return drawing


def report_pdf(report: Report, lang: Lang = "vi") -> bytes:
    """The PDF's bytes."""
    _fonts()
    federation, title, period = title_lines(report, lang)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=PAGE, leftMargin=_MARGIN, rightMargin=_MARGIN, topMargin=_MARGIN, bottomMargin=_MARGIN,
        title=f"{federation} · {title}", author=federation,
    )  # fmt: skip
    story: list[Flowable] = [
        Paragraph(_esc(federation), _style(15, bold=True)),
        Spacer(0, 2 * mm),
        Paragraph(_esc(title), _style(12, bold=True)),
        Paragraph(_esc(period), _style(8.5)),
        Spacer(0, 4 * mm),
    ]
    heading = _style(11, bold=True, spaceBefore=4 * mm, spaceAfter=2 * mm)
    for view in tables(report, lang):
        block: list[Flowable] = [Paragraph(_esc(view.title), heading)]
        if not view.rows:
            story += [*block, Paragraph(_esc(view.empty), _style(8.5))]
            continue
        chart = None
        if view.chart == "progress":
            chart = _progress_chart(view, lang)
        elif view.chart == "pipeline":
            chart = _pipeline_chart(view, lang)
        story.append(KeepTogether([*block, _table(view)]) if len(view.rows) < 20 else block[0])
        if len(view.rows) >= 20:
            story.append(_Rows(view))
        if chart is not None:
            story += [Spacer(0, 3 * mm), chart]

    def footer(canvas: Any, doc_: Any) -> None:
        canvas.saveState()
        canvas.setFont(_FONT, 7)
        text = f"{federation} · {title} · " + gettext("page {n}", lang, n=doc_.page)
        canvas.drawRightString(PAGE[0] - _MARGIN, 6 * mm, text)
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
