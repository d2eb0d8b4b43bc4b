"""The monthly report laid out as tables, in the reader's language: what the XLSX and the PDF writers both print.

One place for the views, their columns, headers and cell kinds, so that the two files show the same thing.
A percentage is a number of per cent (40.9), as in the JSON; the XLSX writes it as a fraction with a % format.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from fieldapp.core.founding import STEPS
from fieldapp.core.i18n import Lang, gettext
from fieldapp.core.labels import value_label
from sync.server.report import Line, Report

__all__ = ["Column", "Table", "period_text", "tables", "title_lines"]

Kind = Literal["text", "int", "percent", "date"]


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    kind: Kind = "int"
    #: the header of the group of columns it begins (month, year to date), if any
    group: str = ""


@dataclass(frozen=True, slots=True)
class Table:
    """One view: a sheet of the XLSX, a section of the PDF."""

    key: str  # "summary", "wards", "cadres", "pipeline", "overdue", "ready"
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    #: a chart: ("progress" | "pipeline", the row indexes and column indexes it draws)
    chart: str = ""
    empty: str = ""


def _d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def title_lines(report: Report, lang: Lang) -> tuple[str, str, str]:
    """The title block: the federation, the report and its scope, the period."""
    scope = report.scope
    if scope.kind == "ward":
        who = gettext("Ward: {ward}", lang, ward=scope.ward)
    elif scope.kind == "user":
        who = gettext("Cadre: {cadre}", lang, cadre=report.total.label)
    else:
        who = gettext("The whole federation", lang)
    month = report.date_from.strftime("%m/%Y")
    title = gettext("Monthly briefing report, {month}", lang, month=month)
    return report.federation, f"{title} · {who}", period_text(report, lang)


def period_text(report: Report, lang: Lang) -> str:
    return gettext(
        "Month: {start} to {end}; year to date: {year_start} to {end}. Made on {made}.",
        lang,
        start=_d(report.date_from),
        end=_d(report.date_to),
        year_start=_d(report.year_from),
        made=_d(report.generated_on),
    )


def _line_columns(first: str, lang: Lang) -> tuple[Column, ...]:
    month = gettext("In the month", lang)
    year = gettext("Year to date", lang)
    return (
        Column(first, "text"),
        Column(gettext("CĐCS recognised", lang), group=month),
        Column(gettext("New members", lang)),
        Column(gettext("Visits made", lang)),
        Column(gettext("Enterprises visited", lang)),
        Column(gettext("Newly eligible", lang)),
        Column(gettext("CĐCS recognised", lang), group=year),
        Column(gettext("CĐCS target", lang)),
        Column(gettext("% of CĐCS target", lang), "percent"),
        Column(gettext("New members", lang)),
        Column(gettext("Members target", lang)),
        Column(gettext("% of members target", lang), "percent"),
        Column(gettext("Visits made", lang)),
        Column(gettext("Overdue steps", lang), group=gettext("Now", lang)),
        Column(gettext("Ready, no case", lang)),
    )


def _line_row(line: Line) -> tuple[Any, ...]:
    m, y = line.month, line.year
    return (
        line.label,
        m.recognized,
        m.new_members,
        m.visits,
        m.enterprises_visited,
        m.newly_eligible,
        y.recognized,
        line.target_unions,
        line.unions_percent,
        y.new_members,
        line.target_members,
        line.members_percent,
        y.visits,
        len(m.overdue),
        line.ready,
    )


def _summary(report: Report, lang: Lang) -> Table:
    t, m, y = report.total, report.total.month, report.total.year
    rows = (
        (gettext("CĐCS recognised", lang), m.recognized, y.recognized, t.target_unions, t.unions_percent),
        (gettext("Members at founding", lang), m.members_at_founding, y.members_at_founding, None, None),
        (gettext("New members", lang), m.new_members, y.new_members, t.target_members, t.members_percent),
        (gettext("Visits made", lang), m.visits, y.visits, None, None),
        (gettext("Enterprises visited", lang), m.enterprises_visited, y.enterprises_visited, None, None),
        (gettext("Newly eligible", lang), m.newly_eligible, y.newly_eligible, None, None),
        (gettext("Overdue steps", lang), len(m.overdue), None, None, None),
        (gettext("Ready, no case", lang), t.ready, None, None, None),
    )
    columns = (
        Column(gettext("Figure", lang), "text"),
        Column(gettext("In the month", lang)),
        Column(gettext("Year to date", lang)),
        Column(gettext("Target for the year", lang)),
        Column(gettext("% reached", lang), "percent"),
    )
    return Table("summary", gettext("Summary", lang), columns, rows, chart="")


def tables(report: Report, lang: Lang = "vi") -> list[Table]:
    """The report's views, in order: summary, by ward, by cadre, pipeline, overdue steps, ready to found."""
    stages = [value_label("step", s.value, lang) for s in STEPS]
    pipeline_rows = [
        (
            gettext("Total", lang),
            report.total.label,
            *report.total.pipeline.values(),
            sum(report.total.pipeline.values()),
        )
    ]
    for kind, lines in ((gettext("Ward", lang), report.wards), (gettext("Cadre", lang), report.cadres)):
        pipeline_rows += [(kind, ln.label, *ln.pipeline.values(), sum(ln.pipeline.values())) for ln in lines]
    no_rows = gettext("Nothing to show.", lang)
    return [
        _summary(report, lang),
        Table(
            "wards",
            gettext("By ward", lang),
            _line_columns(gettext("Ward", lang), lang),
            tuple(_line_row(ln) for ln in report.wards),
            chart="progress",
            empty=no_rows,
        ),
        Table(
            "cadres",
            gettext("By cadre", lang),
            _line_columns(gettext("Cadre", lang), lang),
            tuple(_line_row(ln) for ln in report.cadres),
            chart="progress",
            empty=no_rows,
        ),
        Table(
            "pipeline",
            gettext("Founding pipeline", lang),
            (
                Column(gettext("Scope", lang), "text"),
                Column(gettext("Name", lang), "text"),
                *(Column(s) for s in stages),
                Column(gettext("Cases", lang)),
            ),
            tuple(pipeline_rows),
            chart="pipeline",
        ),
        Table(
            "overdue",
            gettext("Overdue steps", lang),
            (
                Column(gettext("Enterprise", lang), "text"),
                Column(gettext("Ward", lang), "text"),
                Column(gettext("Step", lang), "text"),
                Column(gettext("Due on", lang), "date"),
                Column(gettext("Days late", lang)),
            ),
            tuple(
                (
                    o.step.enterprise,
                    o.ward,
                    value_label("step", o.step.step, lang),
                    o.step.due_on,
                    (report.date_to - o.step.due_on).days,
                )
                for o in report.overdue
            ),
            empty=gettext("No step is overdue.", lang),
        ),
        Table(
            "ready",
            gettext("Ready, no case", lang),
            (
                Column(gettext("Enterprise", lang), "text"),
                Column(gettext("Tax code", lang), "text"),
                Column(gettext("Ward", lang), "text"),
                Column(gettext("Last visit", lang), "date"),
                Column(gettext("Last visited by", lang), "text"),
            ),
            tuple((r.name, r.tax_code, r.ward, r.last_visit_on, r.last_cadre) for r in report.ready),
            empty=gettext("No eligible enterprise is without a founding case.", lang),
        ),
    ]
