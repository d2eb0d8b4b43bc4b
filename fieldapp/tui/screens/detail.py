"""Enterprise detail: every field, the verdict with its reasons and next steps, the founding case as a timeline,
and the visits newest first."""

from __future__ import annotations

from enum import StrEnum
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Footer, Static

from fieldapp.core.classify import Classification
from fieldapp.core.contact import phone_display
from fieldapp.core.reasons import FLAG_CODES, basis_label
from fieldapp.core.records import Enterprise, Visit, fields_of_type, input_fields
from fieldapp.tui.dialogs.confirm import Confirm
from fieldapp.tui.i18n import N_, _, field, language, value
from fieldapp.tui.localise import localise_bindings
from fieldapp.tui.messages import DataChanged, RecordSaved
from fieldapp.tui.screens.base import BaseScreen
from fieldapp.tui.screens.enterprise_form import EnterpriseFormScreen
from fieldapp.tui.screens.founding_form import FoundingStateForm, FoundingStepForm, step_to_record
from fieldapp.tui.screens.visit_form import VisitFormScreen, read_only_reason
from fieldapp.tui.shown import shown
from fieldapp.tui.widgets.badges import priority_text, status_badge
from fieldapp.tui.widgets.founding import TIMELINE_WIDE, timeline
from fieldapp.tui.widgets.title_line import TitleLine
from fieldapp.tui.widgets.visits_table import VisitsTable

__all__ = ["DetailScreen"]

#: who the cadre deals with: listed apart, under the other fields
CONTACT_FIELDS = ("contact_name", "contact_role", "contact_phone", "contact_email", "representative")
#: the fields listed under the title (which is the name)
_SHOWN_FIELDS = tuple(
    name for name in input_fields(Enterprise) if name != "name" and name not in CONTACT_FIELDS
)
_CHOICE_FIELDS = fields_of_type(Enterprise, StrEnum)


def field_value(enterprise: Enterprise, name: str) -> str:
    """How one enterprise field reads on screen."""
    raw = getattr(enterprise, name)
    if isinstance(raw, bool):
        return _("yes") if raw else _("no")
    if raw is None or raw == "":
        return "—"
    if name in _CHOICE_FIELDS:
        return value(name, str(raw))
    if name == "contact_phone":
        return phone_display(raw)  # stored +84912345678, read 0912 345 678
    return str(raw)


def met_text(visit: Visit) -> Text:
    """Who was met on *visit* and the next step agreed, one line each (empty when the visit says neither)."""
    text = Text()
    who = " — ".join(part for part in (visit.met_name, visit.met_role) if part)
    if who:
        text.append(_("Met with") + ": ", style="bold")
        text.append_text(shown(who))
    if visit.next_step:
        if who:
            text.append("\n")
        text.append(_("Next step agreed") + ": ", style="bold")
        text.append_text(shown(visit.next_step))
    return text


class DetailScreen(BaseScreen[None]):
    """One enterprise, what the classifier makes of it, and its visits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("Back"), id="detail.back"),
        Binding("v", "log_visit", N_("Log visit"), id="detail.log_visit"),
        Binding("e", "edit", N_("Edit"), id="detail.edit"),
        Binding("u", "mark_unionized", N_("Mark unionized"), id="detail.unionized"),
        Binding("f", "founding_step", N_("Founding"), id="detail.founding"),
        Binding("p", "founding_state", N_("Pause/resume founding"), id="detail.founding_state", show=False),
    ]

    AUTO_FOCUS = "#detail"

    def __init__(self, enterprise_id: str) -> None:
        super().__init__()
        self.enterprise_id = enterprise_id

    def compose(self) -> ComposeResult:
        # the same widgets serve every enterprise: show() fills them (building a screen per detail is slow)
        yield TitleLine(id="title")
        with VerticalScroll(id="detail"):
            yield Static(id="verdict")
            yield Static(id="founding")
            yield Static(id="fields")
            yield Static(id="contacts")
        # the visits stay on screen under the fields, which scroll on their own (at 80x24 they were below the fold)
        yield Static(id="visits-title")
        yield VisitsTable(id="visits")
        yield Static(id="visit-met")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.show(self.enterprise_id)

    def after_rebuild(self) -> None:
        self.show(self.enterprise_id)

    def show(self, enterprise_id: str) -> None:
        """Fill the screen with one enterprise, its verdict and its visits."""
        self.enterprise_id = enterprise_id
        localise_bindings(self)  # the screen is reused: the language may have changed since it was last shown
        store = self.fapp.store
        enterprise = store.get_enterprise(enterprise_id)
        visits = store.visits_of(enterprise_id) if enterprise is not None else []
        c = self.fapp.index.classes.get(enterprise_id)
        title = self.query_one("#title", TitleLine)
        verdict = self.query_one("#verdict", Static)
        if enterprise is None:
            title.show(Text(_("This enterprise is no longer in the store."), style="bold"))
            verdict.display = False
            self.query_one("#fields", Static).update("")
            self.query_one("#contacts", Static).update("")
            self.query_one("#founding", Static).display = False
        else:
            title.show(shown(enterprise.name, style="bold"), self._badges(enterprise, c))
            verdict.display = c is not None
            if c is not None:
                verdict.update(self._verdict(c))
            self.query_one("#fields", Static).update(self._fields(enterprise))
            self.query_one("#contacts", Static).update(self._contacts(enterprise))
            self._show_founding()
        self.query_one("#visits-title", Static).update(
            _("Visits ({n}), newest first — Enter edits one of yours", n=len(visits))
        )
        self.query_one("#visits", VisitsTable).fill(visits, me=self.fapp.settings.cadre)
        self._show_met(visits[0] if visits else None)
        self.query_one("#detail", VerticalScroll).scroll_home(animate=False, immediate=True)

    def _show_founding(self) -> None:
        """The enterprise's founding case as a timeline (hidden when it has none)."""
        panel = self.query_one("#founding", Static)
        case = self.fapp.store.current_founding_case(self.enterprise_id)
        panel.display = case is not None
        if case is not None:
            width = self.size.width or TIMELINE_WIDE
            panel.update(timeline(case, self.fapp.rules, self.fapp.today, width))

    def on_resize(self) -> None:
        if self.is_mounted:
            self._show_founding()  # one line per step, or one line for the case below TIMELINE_WIDE

    def _badges(self, e: Enterprise, c: Classification | None) -> Text:
        """What follows the name on the title line, always whole."""
        text = Text()
        if c is not None:
            text.append("  ")
            text.append_text(status_badge(self.app, c.status))
            text.append("  " + _("Priority") + ": ")
            text.append_text(priority_text(self.app, c.priority))
        if e.pending:
            text.append("  ⟳ " + _("waiting to sync"), style="italic")
        return text

    def _fields(self, e: Enterprise) -> Table:
        # one widget holding a two-column grid: a widget per label and value makes opening a detail slow
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        warnings = {w.field: w.message(language()) for w in e.warnings()}
        theme = self.app.current_theme
        warning_style = f"bold {theme.warning}" if theme.warning else "bold"
        for name in _SHOWN_FIELDS:
            cell = shown(field_value(e, name))
            if name in warnings:  # kept, but a person should check it (a tax code whose check digit is off)
                cell.append_text(shown("  ⚠ " + warnings[name], style=warning_style))
            grid.add_row(field(name), cell)
        return grid

    def _contacts(self, e: Enterprise) -> Text | Table:
        """The contact block: who to call at the enterprise, and its legal representative."""
        known = [name for name in CONTACT_FIELDS if getattr(e, name)]
        if not known:
            return Text(_("Contact") + ": " + _("none recorded (e adds one)"), style="dim")
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        grid.add_row(Text(_("Contact"), style="bold"), "")
        for name in known:
            grid.add_row(field(name), shown(field_value(e, name)))
        return grid

    def _show_met(self, visit: Visit | None) -> None:
        # under the visits: who was met on the visit the cursor is on, and the next step agreed with them
        text = met_text(visit) if visit is not None else Text()
        panel = self.query_one("#visit-met", Static)
        panel.update(text)
        panel.display = bool(text.plain)

    @on(DataTable.RowHighlighted, "#visits")
    def _visit_highlighted(self, event: DataTable.RowHighlighted) -> None:
        shown_visits = self.query_one("#visits", VisitsTable).visits
        self._show_met(next((v for v in shown_visits if v.id == event.row_key.value), None))

    def _verdict(self, c: Classification) -> Text:
        lang = language()
        if c.basis == "visit" and c.visit is not None:  # which visit: the date says whether it is still true
            basis = _("From the visit of {day:%Y-%m-%d}", day=c.visit.visited_on)
        else:
            basis = basis_label(c.basis, lang)
        # the reason that decided the verdict, apart from the flags: a flag never changes the status, and under
        # "Why" it read as a reason against an eligible verdict
        decided = [r for r in c.reasons if r.code not in FLAG_CODES]
        flags = [r for r in c.reasons if r.code in FLAG_CODES]
        text = Text()
        text.append(_("Why") + f" ({basis}):\n", style="bold")
        for reason in decided:
            text.append(f" • {reason.text(lang)}\n")
        if flags:
            text.append(_("Watch") + ":\n", style="bold")
            for flag in flags:
                text.append(f" ⚠ {flag.text(lang)}\n")
        if c.next_steps:  # what to do next, whether or not it would change the verdict
            text.append(_("Next steps") + ":\n", style="bold")
            for step in c.next_steps:
                text.append(f" → {step.text(lang)}\n")
        text.rstrip()
        return text

    @on(DataChanged)
    def _data_changed(self, message: DataChanged) -> None:
        if message.enterprise_id in (None, self.enterprise_id):
            self.show(self.enterprise_id)

    @on(DataTable.RowSelected, "#visits")
    def _edit_visit(self, event: DataTable.RowSelected) -> None:
        visit = self.fapp.store.get_visit(str(event.row_key.value))
        if visit is None:
            return
        refused = read_only_reason(self.fapp.settings, visit)  # a colleague's visit: read only
        if refused:
            self.notify(refused, severity="warning")
        else:
            self.app.push_screen(VisitFormScreen(self.enterprise_id, visit))

    def action_log_visit(self) -> None:
        self.fapp.new_visit(self.enterprise_id)

    def action_edit(self) -> None:
        enterprise = self.fapp.store.get_enterprise(self.enterprise_id)
        if enterprise is not None:
            self.app.push_screen(EnterpriseFormScreen(enterprise))

    def action_founding_step(self) -> None:
        """Record the next step of the founding case (or start one) in a form; say why not when there is none."""
        enterprise = self.fapp.store.get_enterprise(self.enterprise_id)
        if enterprise is None:
            return
        case = self.fapp.store.current_founding_case(self.enterprise_id)
        if step_to_record(case) is not None:
            self.app.push_screen(FoundingStepForm(self.enterprise_id))
        elif case is not None and case.recognized:
            self.notify(_("The union is recognized: the founding case is finished."), severity="warning")
        elif case is not None:  # paused: resume it first
            self.app.push_screen(FoundingStateForm(self.enterprise_id, case))
        elif enterprise.has_union:
            self.notify(_("This enterprise already has a union."), severity="warning")

    def action_founding_state(self) -> None:
        """Pause, resume or abandon the founding case."""
        case = self.fapp.store.current_founding_case(self.enterprise_id)
        if case is None:
            self.notify(_("No founding case yet: f starts one."), severity="warning")
        elif case.recognized:
            self.notify(_("The union is recognized: the founding case is finished."), severity="warning")
        else:
            self.app.push_screen(FoundingStateForm(self.enterprise_id, case))

    def action_mark_unionized(self) -> None:
        enterprise = self.fapp.store.get_enterprise(self.enterprise_id)
        if enterprise is None or enterprise.has_union:
            return
        question = _("Record that “{name}” now has a grassroots union?", name=enterprise.name)
        answers = [("yes", _("Yes, it has a union")), ("cancel", _("Cancel"))]

        def answered(answer: str | None) -> None:
            if answer == "yes":
                self._save_unionized(enterprise)

        self.app.push_screen(Confirm(question, answers), answered)

    @work(thread=True, exit_on_error=False, group="save")
    def _save_unionized(self, enterprise: Enterprise) -> None:
        app = self.fapp
        saved = enterprise.edit(has_union=True)
        app.store.save_enterprise(saved)
        app.reindex(enterprise.id)  # the app tells every screen
        self.post_message(RecordSaved(saved, enterprise.id))

    @on(RecordSaved)
    def _unionized(self, message: RecordSaved) -> None:
        if isinstance(message.record, Enterprise):  # the only record this screen saves itself
            self.notify(_("Saved: “{name}” has a union.", name=message.record.name))
