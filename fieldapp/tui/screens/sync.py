"""Sync: the server, what is waiting, a live progress bar, the last result, and conflicts to settle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, ProgressBar, Static
from textual.worker import Worker

from fieldapp.core.issues import SyncIssue
from fieldapp.core.kinds import KINDS, Kind
from fieldapp.tui.dialogs.confirm import Confirm
from fieldapp.tui.i18n import N_, _, field, language
from fieldapp.tui.messages import DataChanged, SyncFinished, SyncProgressed
from fieldapp.tui.ports import SyncClientPort
from fieldapp.tui.screens.base import BaseScreen
from fieldapp.tui.screens.enterprise_form import EnterpriseFormScreen
from fieldapp.tui.screens.sync_questions import discard_question, resolve_question
from fieldapp.tui.screens.visit_form import VisitFormScreen, read_only_reason
from fieldapp.tui.shown import shown
from fieldapp.tui.widgets.conflict_view import ConflictTable, conflict_rows

if TYPE_CHECKING:
    from sync.client import Resolution, SyncProgress, SyncSummary

__all__ = ["SyncScreen"]


def _server_change(summary: dict[str, Any]) -> str | None:
    """What the sync said about the server (it started over with another database), in the current language."""
    if not summary.get("server_changed"):
        return None
    # imported here: the client and httpx take a while to load, paid only when there is something to say
    from sync.client import SyncSummary

    return SyncSummary.server_change_notice(summary["server_changed"], language())


def _summary_text(summary: dict[str, Any]) -> str:
    return _(
        "Last sync: sent {pushed}, accepted {accepted}, duplicates {duplicates}, conflicts {conflicts}, "
        "rejected {rejected}, received {pulled}.",
        pushed=summary.get("pushed", 0),
        accepted=summary.get("accepted", 0),
        duplicates=summary.get("duplicates", 0),
        conflicts=summary.get("conflicts", 0),
        rejected=summary.get("rejected", 0),
        pulled=summary.get("pulled", 0),
    )


class SyncScreen(BaseScreen[None]):
    """Send what is waiting to the federation's server and bring back what others changed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.show_mode('home')", N_("Back"), id="sync.back"),
        Binding("s", "start", N_("Sync now"), id="sync.start"),
        # shown while a sync runs (check_action); the client stops within a fraction of a second
        Binding("c", "cancel_sync", N_("Stop"), id="sync.cancel"),
        Binding("m", "resolve('mine')", N_("Keep mine"), id="sync.keep_mine"),
        Binding("t", "resolve('server')", N_("Take server's"), id="sync.take_server"),
        Binding("e", "edit", N_("Edit"), id="sync.edit"),
        Binding("x", "discard", N_("Discard"), id="sync.discard"),
    ]

    AUTO_FOCUS = "#issues"

    def __init__(self) -> None:
        super().__init__()
        self.running = False
        #: this session's last sync summary (``SyncSummary.to_dict()``), shown in the current language
        self.last: dict[str, Any] | None = None
        #: why the last attempt failed (None: it did not, or none yet), shown until the next attempt; the screen
        #: is its mode's, so it stays while the app runs
        self.failure: BaseException | None = None
        #: the client of the sync running now, for cancel()
        self.client: SyncClientPort | None = None
        #: Stop was pressed for the sync starting now (its client may not exist yet)
        self._stop_asked = False
        #: the bar's (total, progress) and the last progress report: a rebuild (a language switch) shows them
        #: again rather than a new bar at 0% under a finished sync
        self.bar_state: tuple[float | None, float] = (100, 0)
        self.last_progress: SyncProgress | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(_("Sync with the federation's server"), style="bold"), id="sync-title")
        yield Static(id="sync-server")
        # how to set a missing server or token: the Settings screen first, the command line for scripts
        yield Static(id="sync-setup", markup=False)
        yield Static(id="sync-pending")
        yield ProgressBar(total=self.bar_state[0], show_eta=False, id="sync-progress")
        yield Static(id="sync-phase")
        yield Static(id="sync-last")
        # the last sync started over with another server database: what that means, until the next sync
        yield Static(id="sync-notice", markup=False)
        # why the last attempt failed and what to do, until the next attempt (the toast goes away after 8 s)
        yield Static(id="sync-failure", markup=False)
        yield Static(Text(_("Conflicts and rejected records"), style="bold"), id="issues-title")
        # focused, and scrolled by its cursor: every issue is reachable by keys, however many there are
        table: DataTable[str | Text] = DataTable(id="issues", cursor_type="row", zebra_stripes=True)
        yield table
        # the highlighted conflict, side by side: this laptop's value and the server's for each field at stake
        yield Static(id="conflict-title")
        yield ConflictTable(id="conflict")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.show()

    def after_rebuild(self) -> None:
        self.set_bar(*self.bar_state)
        self.show_phase()
        self.show()

    def set_bar(self, total: float | None, progress: float) -> None:
        """Move the progress bar (None: how much there is to do is not known yet), remembered for a rebuild."""
        self.bar_state = (total, progress)
        self.query_one("#sync-progress", ProgressBar).update(total=total, progress=progress)

    def show_phase(self) -> None:
        """The line under the bar: what the last report said, in the current language."""
        progress = self.last_progress
        if progress is None:
            line = ""
        elif progress.phase == "push":
            line = _("sending: {done} of {total}", done=progress.done, total=progress.total or 0)
        else:  # a pull has no known total: count what arrived
            line = _("receiving: {n} changes so far", n=progress.done)
        self.query_one("#sync-phase", Static).update(line)

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        # the server or token may have been set on the Settings screen meanwhile (Textual also runs the base's handler)
        self.show()

    @on(DataChanged)
    def _data_changed(self) -> None:
        self.show()

    def show(self) -> None:
        """Show the server, the counts, the last result and the issues."""
        app = self.fapp
        server = app.settings.server or _("not set")
        self.query_one("#sync-server", Static).update(f"{field('server')}: {server}")
        setup = self.query_one("#sync-setup", Static)
        setup.display = not (app.settings.server and app.settings.token)
        if setup.display:
            setup.update(
                _(
                    "Set the server and access token in Settings (F4), "
                    "or run `fieldapp config set server URL` and `fieldapp config set token TOKEN`."
                )
            )
        counts = app.store.counts()
        self.query_one("#sync-pending", Static).update(
            _(
                "Waiting to sync: {e} enterprises, {v} visits, {c} founding cases",
                e=counts.get("pending_enterprises", 0),
                v=counts.get("pending_visits", 0),
                c=counts.get("pending_founding_cases", 0),
            )
        )
        self.query_one("#sync-last", Static).update(
            _summary_text(self.last) if self.last is not None else self._remembered()
        )
        last = self.last if self.last is not None else self.fapp.store.get_meta("last_sync")
        notice = _server_change(last) if isinstance(last, dict) else None
        notice_line = self.query_one("#sync-notice", Static)
        notice_line.display = notice is not None
        notice_line.update(notice or "")
        failure = self.query_one("#sync-failure", Static)
        failure.display = self.failure is not None
        if self.failure is not None:
            failure.update(shown(_("The last sync failed: {reason}", reason=app.error_text(self.failure))))
        table = self.query_one("#issues", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        table.add_column(_("Kind"), key="kind", width=10)
        table.add_column(_("Record"), key="record", width=28)
        table.add_column(_("Problem"), key="problem", width=14)
        table.add_column(_("Details"), key="details")
        lang = language()
        for issue in app.store.sync_issues():
            table.add_row(
                issue.kind_label(lang),
                shown(self._record_name(issue.kind, issue.id)),  # a name, and the server's words: data
                issue.status_label(lang),
                shown(issue.describe(lang)),
                key=f"{issue.kind}:{issue.id}",
            )
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1), animate=False)
        self._show_conflict()
        self.refresh_bindings()

    def _remembered(self) -> str:
        """The last sync's result kept in the store by the sync client."""
        last = self.fapp.store.get_meta("last_sync")
        if not isinstance(last, dict):
            return _("No sync yet.")
        return _summary_text(last) + " " + _("({at})", at=str(last.get("at", ""))[:16].replace("T", " "))

    @on(DataTable.RowHighlighted, "#issues")
    def _highlighted(self) -> None:
        self._show_conflict()
        self.refresh_bindings()

    def _show_conflict(self) -> None:
        """Fill the side-by-side view for the highlighted issue (hidden unless it is a conflict with fields)."""
        selected = self._selected()
        issue = self.fapp.store.sync_issue(*selected) if selected is not None else None
        title = self.query_one("#conflict-title", Static)
        view = self.query_one("#conflict", ConflictTable)
        if issue is None or issue.status != "conflict" or not issue.fields:
            title.display = False
            view.show([])
            return
        title.display = True
        title.update(
            shown(
                _(
                    "Conflict on “{name}”: m keeps mine, t takes the server's",
                    name=self._record_name(issue.kind, issue.id),
                ),
                style="bold",
            )
        )
        view.show(conflict_rows(issue, self._local(issue)))

    def _local(self, issue: SyncIssue) -> object | None:
        from sync.client import get_record

        return get_record(self.fapp.store, issue.kind, issue.id)

    def _record_name(self, kind: str, record_id: str) -> str:
        store = self.fapp.store
        if kind == "enterprise":
            e = store.get_enterprise(record_id)
            return e.name if e else record_id
        if kind == "founding_case":
            case = store.get_founding_case(record_id)
            if case is None:
                return record_id
            e = store.get_enterprise(case.enterprise_id)
            return f"{case.committee_on.isoformat()} {e.name if e else ''}".strip()
        v = store.get_visit(record_id)
        if v is None:
            return record_id
        e = store.get_enterprise(v.enterprise_id)
        return f"{v.visited_on.isoformat()} {e.name if e else ''}".strip()

    def _enterprise_of(self, kind: Kind, record_id: str) -> str:
        """The id of the enterprise a record belongs to (its own for an enterprise), to classify it again."""
        from sync.client import get_record

        record = get_record(self.fapp.store, kind, record_id)
        return str(getattr(record, "enterprise_id", record_id))

    # --- running ---------------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Stop only while a sync runs, Sync now only while none does (the footer shows the one that applies)
        if action == "cancel_sync":
            return self.running
        if action == "start":
            return not self.running
        if action in ("resolve", "edit", "discard"):
            # the keys of an issue, shown while one is highlighted (the footer then fits 80 columns)
            return self._selected() is not None
        return True

    def action_start(self) -> None:
        if self.running:
            return
        self.running = True
        self._stop_asked = False
        self.client = None
        self.refresh_bindings()
        # plain http:// to another machine, allowed in the settings: say at every sync that it is readable
        warning = self.fapp.settings.insecure_warning(language())
        if warning:
            self.notify(warning, severity="warning", timeout=10)
        self.failure = None  # a new attempt: the last one's failure no longer applies
        self.query_one("#sync-failure", Static).display = False
        self.last_progress = None
        self.show_phase()
        self.set_bar(None, 0)
        self._run()

    @work(thread=True, exit_on_error=False, group="sync", exclusive=True)
    def _run(self) -> None:
        app = self.fapp
        try:
            # a client per attempt: it reads the server and token as they are now. Kept for cancel(), which is
            # safe from the app's thread (it sets an event the client checks).
            client = app.sync_client_factory(app.store, app.settings)
            self.client = client
            if (
                self._stop_asked
            ):  # Stop came while the client was being made (set before self.client was read)
                client.cancel()
            summary = client.run(progress=self._report)
        except Exception as exc:
            self._after(getattr(exc, "summary", None))
            raise
        self._after(summary)
        self.post_message(SyncFinished(summary))

    def _after(self, summary: SyncSummary | None) -> None:
        """After a sync, finished or not (in the worker thread): the federation's rules may have changed, the pull
        may have changed anything: classify everything again, with the rules now in effect."""
        app = self.fapp
        try:
            if summary is not None and summary.rules_changed:
                app.reload_rules()
        finally:
            app.reload_index()

    def _take_identity(self, summary: SyncSummary) -> None:
        """The server said who the token is: the laptop's settings follow (visits carry that name)."""
        identity = summary.identity
        if identity and identity.get("name"):
            changed = self.fapp.adopt_identity(
                str(identity["name"]), identity.get("full_name"), identity.get("role")
            )
            if changed:
                shown_name = identity.get("full_name") or identity["name"]
                self.notify(_("The server says this laptop is {name}'s.", name=shown_name), timeout=6)

    def _report(self, progress: SyncProgress) -> None:
        """The client's progress callback (called in the worker thread)."""
        self.post_message(SyncProgressed(progress))

    def action_cancel_sync(self) -> None:
        if not self.running:
            return
        self._stop_asked = True  # before reading self.client: the worker reads the flag after setting it
        client = self.client
        if client is not None:
            client.cancel()  # safe from this thread: the client stops within a fraction of a second

    @on(SyncProgressed)
    def _progress(self, message: SyncProgressed) -> None:
        progress = message.progress
        if progress.total is not None:
            self.set_bar(max(progress.total, 1), progress.done if progress.total else 1)
        self.last_progress = progress
        self.show_phase()

    def _stopped(self) -> None:
        self.running = False
        self.refresh_bindings()
        # nothing runs any more: a bar still waiting to learn how much there is to do stops its animation
        if self.bar_state[0] is None:
            self.set_bar(1, 0)

    @on(SyncFinished)
    def _finished(self, message: SyncFinished) -> None:
        summary = message.summary
        self._stopped()
        total = self.bar_state[0]
        if total is not None and summary.unanswered == 0 and not summary.errors:
            self.set_bar(total, total)
        self.last = summary.to_dict()
        self._take_identity(summary)
        self.notify(_("Sync finished.") if summary.ok else _("Sync finished with problems."))
        notice = summary.notice(language())  # it started over with another server database
        if notice:
            self.notify(notice, severity="warning", timeout=15)
        self.show()

    def worker_failed(self, worker: Worker[Any], error: BaseException) -> None:
        if worker.group == "sync":
            # kept on the screen until the next attempt, with what the sync did before it stopped
            self.failure = error
            self._stopped()
            done: SyncSummary | None = getattr(error, "summary", None)
            if done is not None:
                self.last = done.to_dict()
                self._take_identity(done)
                notice = done.notice(language())  # it started over with another database, then stopped
                if notice:
                    self.notify(notice, severity="warning", timeout=15)
            self.show()
        super().worker_failed(worker, error)  # and the toast

    # --- issues ----------------------------------------------------------------------------------------
    def _selected(self) -> tuple[Kind, str] | None:
        table = self.query_one("#issues", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if not key:
            return None
        kind, _sep, record_id = str(key).partition(":")
        return (cast(Kind, kind), record_id) if kind in KINDS else None

    def action_resolve(self, choice: Resolution) -> None:
        selected = self._selected()
        issue = self.fapp.store.sync_issue(*selected) if selected is not None else None
        if issue is None:
            return
        name = self._record_name(issue.kind, issue.id)
        question = resolve_question(issue, name, choice)
        yes = _("Yes, keep mine") if choice == "mine" else _("Yes, take the server's")
        answers = [("no", _("No, leave it")), ("yes", yes)]

        def answered(answer: str | None) -> None:
            # the issue must still be the one the question named (a sync may have settled it meanwhile)
            if answer == "yes" and self.fapp.store.sync_issue(issue.kind, issue.id) == issue:
                self._resolve(issue.kind, issue.id, choice)

        self.app.push_screen(Confirm(question, answers), answered)

    def action_discard(self) -> None:
        # imported here: the client and httpx take a while to load
        from sync.client import DISCARDABLE, plan_discard

        selected = self._selected()
        issue = self.fapp.store.sync_issue(*selected) if selected is not None else None
        if issue is None:
            return
        if issue.status not in DISCARDABLE:
            self.notify(
                _(
                    "Only a record the server refused can be discarded; settle a conflict with "
                    "Keep mine (m) or Take server's (t)."
                ),
                severity="warning",
            )
            return
        plan = plan_discard(self.fapp.store, issue.kind, issue.id)
        answers = [("no", _("No, keep it")), ("yes", _("Yes, discard it"))]

        def answered(answer: str | None) -> None:
            if answer == "yes" and self.fapp.store.sync_issue(issue.kind, issue.id) == issue:
                self._discard(issue.kind, issue.id)

        self.app.push_screen(Confirm(discard_question(plan), answers, danger="yes"), answered)

    @work(thread=True, exit_on_error=False, group="sync-resolve")
    def _discard(self, kind: Kind, record_id: str) -> None:
        from sync.client import discard

        app = self.fapp
        enterprise_id = self._enterprise_of(kind, record_id)
        done = discard(app.store, kind, record_id)
        app.reindex(enterprise_id)  # the app tells every screen
        self.app.call_from_thread(self.notify, _("Discarded: {name}", name=done.label))

    @work(thread=True, exit_on_error=False, group="sync-resolve")
    def _resolve(self, kind: Kind, record_id: str, choice: Resolution) -> None:
        app = self.fapp
        enterprise_id = self._enterprise_of(kind, record_id)  # before: "server" may delete the record
        app.sync_client_factory(app.store, app.settings).resolve(kind, record_id, choice)
        app.reindex(enterprise_id)  # the app tells every screen

    def action_edit(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        kind, record_id = selected
        store = self.fapp.store
        if kind == "enterprise":
            enterprise = store.get_enterprise(record_id)
            if enterprise is not None:
                self.app.push_screen(EnterpriseFormScreen(enterprise))
        elif kind == "founding_case":  # its steps are recorded from the enterprise's detail
            self.notify(_("Open the enterprise to correct a founding case's step."), severity="information")
        else:
            visit = store.get_visit(record_id)
            if visit is None:
                return
            refused = read_only_reason(self.fapp.settings, visit)
            if refused:
                self.notify(refused, severity="warning")
            else:
                self.app.push_screen(VisitFormScreen(visit.enterprise_id, visit))
