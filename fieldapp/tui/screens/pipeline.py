"""Founding pipeline: every open founding case by stage (the last step recorded), with the count of each stage,
oldest first, its next step with the due date, overdue and soon-due steps marked; Enter opens the enterprise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from fieldapp.core.founding import STEPS, CaseState, FoundingCase, Step, StepStatus, schedule
from fieldapp.core.rules import Rules
from fieldapp.tui.i18n import N_, _, field
from fieldapp.tui.screens.table_screen import TableScreen
from fieldapp.tui.shown import shown
from fieldapp.tui.widgets.founding import live_cases, mark_text, step_name

__all__ = ["STAGES", "PipelineRow", "PipelineScreen", "pipeline_rows"]

#: the stages an open case waits at (a recognized case is done, not in the pipeline)
STAGES: tuple[Step, ...] = STEPS[:-1]
#: from this width on the table shows since when each case is at its stage
_WIDE = 100
#: the mark column: "! quá hạn +1", "sắp đến hạn"
_MARK = 13
#: the key of a stage's heading row in the table (Enter on it opens nothing)
_STAGE_KEY = "stage:"


@dataclass(frozen=True, slots=True)
class PipelineRow:
    """One open case: its enterprise's name, the stage it is at (since when) and its next step's status."""

    case: FoundingCase
    name: str
    stage: Step
    since: date
    next_status: StepStatus
    #: how many of its steps are overdue (the dossier counts from the congress, as the BCH meeting does)
    overdue: int


def pipeline_rows(
    cases: list[FoundingCase], names: dict[str, str], rules: Rules, today: date
) -> tuple[list[PipelineRow], int]:
    """The open cases among *cases* (each enterprise's current one, not recognized), by stage in the order of
    the steps, the longest at its stage first (then by name); and how many cases are paused. *names* gives each
    enterprise's name."""
    rows: list[PipelineRow] = []
    paused = 0
    for case in live_cases(cases).values():
        if case.state is CaseState.PAUSED:
            paused += 1
        if case.state is not CaseState.OPEN or case.next_step is None:
            continue
        steps = schedule(case, rules, today)
        stage = case.stage
        since = case.done_on(stage)
        assert since is not None  # the stage is the last step recorded
        following = next(s for s in steps if s.step is case.next_step)
        overdue = sum(1 for s in steps if s.overdue)
        rows.append(PipelineRow(case, names.get(case.enterprise_id, "?"), stage, since, following, overdue))
    rows.sort(key=lambda r: (STAGES.index(r.stage), r.since, r.name, r.case.id))
    return rows, paused


def _heading(stage: Step, count: int, width: int) -> Text:
    """A stage's heading row, its count always whole: ``Gửi hồ sơ đề nghị công… (3)``."""
    tail = f" ({count})"
    name = Text(step_name(stage), style="bold")
    if name.cell_len + len(tail) > width:
        name.truncate(max(1, width - len(tail) - 1))
        name.append("…")
    name.append(tail, style="bold")
    return name


class PipelineScreen(TableScreen[tuple[list[PipelineRow], int]]):
    """The founding cases under way, by stage."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.show_mode('home')", N_("Back"), id="pipeline.back"),
    ]

    AUTO_FOCUS = "#pipeline"
    TABLE_ID = "pipeline"
    COUNT_ID = "pipeline-counts"

    def title_text(self) -> Text:
        return Text(_("Founding pipeline: open cases by stage, oldest first"), style="bold")

    def fetch(self) -> tuple[list[PipelineRow], int]:
        """What the table shows, and the number of paused cases."""
        app = self.fapp
        names = {row.id: row.name for row in app.index.rows.values()} if app.loaded else {}
        return pipeline_rows(app.store.founding_cases(), names, app.rules, app.today)

    def draw(self, table: DataTable[str | Text], data: tuple[list[PipelineRow], int]) -> None:
        rows, paused = data
        keep = self.selected()
        table.clear(columns=True)
        # the name and the next step share what the dates and the mark leave (cell padding and the scrollbar
        # included); below 100 columns the stage's date goes (the order still says which case is oldest)
        wide = self.size.width >= _WIDE
        rest = max(36, self.size.width - (2 + 2 * 5 + 10 + _MARK) - (10 if wide else -2))
        name_width = rest // 2
        if wide:
            table.add_column(_("Since"), key="since", width=10)
        table.add_column(field("name"), key="name", width=name_width)
        table.add_column(_("Next step"), key="next", width=rest - name_width)
        table.add_column(_("Due"), key="due", width=10)
        table.add_column("", key="mark", width=_MARK)
        for stage in STAGES:
            at_stage = [r for r in rows if r.stage is stage]
            if not at_stage:
                continue
            heading = _heading(stage, len(at_stage), name_width)
            cells: list[str | Text] = [heading, "", "", ""]
            table.add_row(*(["──", *cells] if wide else cells), key=_STAGE_KEY + stage.value)
            for row in at_stage:
                status = row.next_status
                cells = [
                    shown(row.name, no_wrap=True, overflow="ellipsis"),
                    Text(step_name(status.step), no_wrap=True, overflow="ellipsis"),
                    Text(
                        status.due_on.isoformat() if status.due_on else "—",
                        style="bold red" if status.overdue else "",
                    ),
                    self._mark(row),
                ]
                table.add_row(
                    *([row.since.isoformat(), *cells] if wide else cells), key=row.case.enterprise_id
                )
        if not rows:
            empty: list[str | Text] = [Text(_("No founding case under way."), style="dim"), "", "", ""]
            table.add_row(*(["", *empty] if wide else empty), key=_STAGE_KEY)
        self._show_counts(rows, paused)
        if keep is not None and keep in {r.case.enterprise_id for r in rows}:
            table.move_cursor(row=table.get_row_index(keep))
        elif rows:
            table.move_cursor(row=1)  # the first case, under its stage's heading
        self.sub_title = str(len(rows))

    @staticmethod
    def _mark(row: PipelineRow) -> Text:
        """“! quá hạn” / “sắp đến hạn” for the next step, and how many more steps are overdue (“+1”)."""
        mark = mark_text(row.next_status)
        more = row.overdue - (1 if row.next_status.overdue else 0)
        if more:
            mark.append(f" +{more}", style="bold red")
        return mark

    def _show_counts(self, rows: list[PipelineRow], paused: int) -> None:
        text = Text(_("{n} open", n=len(rows)), style="bold")
        counts = [(stage, sum(1 for r in rows if r.stage is stage)) for stage in STAGES]
        text.append(": " + " · ".join(f"{step_name(stage)} {n}" for stage, n in counts if n) if rows else "")
        overdue = sum(1 for r in rows if r.overdue)
        due_soon = sum(1 for r in rows if not r.overdue and r.next_status.due_soon)
        text.append("\n")
        text.append(_("{n} with a step overdue", n=overdue), style="bold red" if overdue else "")
        text.append(" · " + _("{n} due within 3 working days", n=due_soon))
        text.append(" · " + _("{n} paused", n=paused))
        self.query_one(f"#{self.COUNT_ID}", Static).update(text)

    def enterprise_of(self, key: str) -> str | None:
        return None if key.startswith(_STAGE_KEY) else key
