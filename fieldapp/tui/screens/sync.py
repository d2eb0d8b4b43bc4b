"""Sync: the server, what is waiting, a live progress bar, the last result, and conflicts to settle."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, ProgressBar, Static

from fieldapp.tui.app import FieldApp
from fieldapp.tui.i18n import N_, _, field, language
from fieldapp.tui.screens.base import BaseScreen

__all__ = ["SyncScreen"]


def _client(app: FieldApp) -> Any:
    """A sync client for the app's store and settings (tests may pass their own factory)."""
    if app.sync_client_factory is not None:
        return app.sync_client_factory(app.store, app.settings)
    from sync.client import SyncClient

    return SyncClient(app.store, app.settings)


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
    """Send what is waiting to the district server and bring back what others changed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.show_home", N_("Back"), id="sync.back"),
        Binding("s", "start", N_("Sync now"), id="sync.start"),
        Binding("c", "cancel_sync", N_("Stop"), id="sync.cancel", show=False),
        Binding("m", "resolve('mine')", N_("Keep mine"), id="sync.keep_mine"),
        Binding("t", "resolve('server')", N_("Take server's"), id="sync.take_server"),
        Binding("e", "edit", N_("Edit"), id="sync.edit"),
    ]

    AUTO_FOCUS = "#issues"

    def __init__(self) -> None:
        super().__init__()
        self.running = False
        #: this visit's last sync summary (``SyncSummary.to_dict()``), shown in the current language
        self.last: dict[str, Any] | None = None
        self.client: Any = None

    def compose(self) -> ComposeResult:
        yield Static(Text(_("Sync with the district server"), style="bold"), id="sync-title")
        yield Static(id="sync-server")
        # how to set a missing server or token: the Settings screen first, the command line for scripts
        yield Static(id="sync-setup", markup=False)
        yield Static(id="sync-pending")
        yield ProgressBar(total=100, show_eta=False, id="sync-progress")
        yield Static(id="sync-phase")
        yield Static(id="sync-last")
        # why the last attempt failed and what to do, until the next attempt (the toast goes away after 8 s)
        yield Static(id="sync-failure", markup=False)
        yield Static(Text(_("Conflicts and rejected records"), style="bold"), id="issues-title")
        table: DataTable[str | Text] = DataTable(id="issues", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.show()

    def after_rebuild(self) -> None:
        self.show()

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        # the server or token may have been set on the Settings screen meanwhile (Textual also runs the base's handler)
        self.show()

    @on(FieldApp.DataChanged)
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
                "Waiting to sync: {e} enterprises, {v} visits",
                e=counts.get("pending_enterprises", 0),
                v=counts.get("pending_visits", 0),
            )
        )
        self.query_one("#sync-last", Static).update(
            _summary_text(self.last) if self.last is not None else self._remembered()
        )
        failure = self.query_one("#sync-failure", Static)
        failure.display = app.sync_failure is not None
        if app.sync_failure is not None:
            failure.update(_("The last sync failed: {reason}", reason=app.error_text(app.sync_failure)))
        table = self.query_one("#issues", DataTable)
        table.clear(columns=True)
        table.add_column(_("Kind"), key="kind", width=10)
        table.add_column(_("Record"), key="record", width=28)
        table.add_column(_("Problem"), key="problem", width=14)
        table.add_column(_("Details"), key="details")
        lang = language()
        for issue in app.store.sync_issues():
            table.add_row(
                issue.kind_label(lang),
                self._record_name(issue.kind, issue.id),
                issue.status_label(lang),
                issue.describe(lang),
                key=f"{issue.kind}:{issue.id}",
            )

    def _remembered(self) -> str:
        """The last sync's result kept in the store by the sync client."""
        last = self.fapp.store.get_meta("last_sync")
        if not isinstance(last, dict):
            return _("No sync yet.")
        return _summary_text(last) + " " + _("({at})", at=str(last.get("at", ""))[:16].replace("T", " "))

    def _record_name(self, kind: str, record_id: str) -> str:
        store = self.fapp.store
        if kind == "enterprise":
            e = store.get_enterprise(record_id)
            return e.name if e else record_id
        v = store.get_visit(record_id)
        if v is None:
            return record_id
        e = store.get_enterprise(v.enterprise_id)
        return f"{v.visited_on.isoformat()} {e.name if e else ''}".strip()

    # --- running ---------------------------------------------------------------------------------------
    def action_start(self) -> None:
        if self.running:
            return
        self.running = True
        self.fapp.sync_failure = None  # a new attempt: the last one's failure no longer applies
        self.query_one("#sync-failure", Static).display = False
        self.query_one("#sync-progress", ProgressBar).update(total=None, progress=0)
        self._run()

    @work(thread=True, exit_on_error=False, group="sync", exclusive=True)
    def _run(self) -> None:
        app = self.fapp
        try:
            self.client = _client(app)
            summary = self.client.run(progress=lambda p: app.call_from_thread(self._progress, p))
        except Exception as exc:
            done = getattr(exc, "summary", None)
            app.call_from_thread(self._failed, exc, done)
            raise  # the screens' failure handler says why
        finally:
            app.call_from_thread(setattr, self, "running", False)
            # the pull may have changed anything: classify again (this worker thread is a fine place)
            app.reload_index()
        app.call_from_thread(self._finished, summary)

    def action_cancel_sync(self) -> None:
        if self.running and self.client is not None:
            self.client.cancel()

    def _progress(self, progress: Any) -> None:
        bar = self.query_one("#sync-progress", ProgressBar)
        if progress.total is not None:
            bar.update(total=max(progress.total, 1), progress=progress.done if progress.total else 1)
        # a pull has no known total: the phase line counts what arrived
        phase = _("sending") if progress.phase == "push" else _("receiving")
        total = "?" if progress.total is None else progress.total
        self.query_one("#sync-phase", Static).update(f"{phase}: {progress.done}/{total}")

    def _stopped(self) -> None:
        # nothing runs any more: a bar still waiting to learn how much there is to do stops its animation
        bar = self.query_one("#sync-progress", ProgressBar)
        if bar.total is None:
            bar.update(total=1, progress=0)

    def _finished(self, summary: Any) -> None:
        self._stopped()
        bar = self.query_one("#sync-progress", ProgressBar)
        if bar.total is not None and summary.unanswered == 0 and not summary.errors:
            bar.update(progress=bar.total)
        self.last = summary.to_dict()
        self.notify(_("Sync finished.") if summary.ok else _("Sync finished with problems."))
        self.show()

    def _failed(self, error: BaseException, summary: Any) -> None:
        # kept on the screen until the next attempt; the worker's failure handler adds the toast
        self.fapp.sync_failure = error
        if not self.is_attached:  # the cadre left the screen meanwhile: the next Sync screen shows it
            return
        self._stopped()
        if summary is not None:
            self.last = summary.to_dict()
        self.show()

    # --- issues ----------------------------------------------------------------------------------------
    def _selected(self) -> tuple[str, str] | None:
        table = self.query_one("#issues", DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if not key:
            return None
        kind, _sep, record_id = str(key).partition(":")
        return kind, record_id

    def action_resolve(self, choice: str) -> None:
        selected = self._selected()
        if selected is not None:
            self._resolve(selected[0], selected[1], choice)

    @work(thread=True, exit_on_error=False, group="sync-resolve")
    def _resolve(self, kind: str, record_id: str, choice: str) -> None:
        app = self.fapp
        _client(app).resolve(kind, record_id, choice)
        store = app.store
        enterprise_id = record_id
        if kind == "visit":
            visit = store.get_visit(record_id)
            enterprise_id = visit.enterprise_id if visit else record_id
        app.reindex(enterprise_id)
        app.call_from_thread(app.data_changed, enterprise_id)

    def action_edit(self) -> None:
        from fieldapp.tui.screens.enterprise_form import EnterpriseFormScreen
        from fieldapp.tui.screens.visit_form import VisitFormScreen

        selected = self._selected()
        if selected is None:
            return
        kind, record_id = selected
        store = self.fapp.store
        if kind == "enterprise":
            enterprise = store.get_enterprise(record_id)
            if enterprise is not None:
                self.app.push_screen(EnterpriseFormScreen(enterprise))
        else:
            visit = store.get_visit(record_id)
            if visit is not None:
                self.app.push_screen(VisitFormScreen(visit.enterprise_id, visit))
