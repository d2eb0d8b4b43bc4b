"""``fieldapp sync``: push pending records to the central server, pull its changes, print a summary.

Exit codes: 0 every pending record was accepted, a duplicate or merged automatically by the server (a soft
conflict: nothing left to do); 1 hard conflicts, rejections, or the server could not be reached (after retries),
was too slow (``sync_deadline``, ``request_deadline``) or refused the token; 2 no server or token configured, or a
plain http:// server on another machine without ``--insecure`` (nothing is sent).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import click
import orjson
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from fieldapp.cli.context import AppContext, pass_app
from fieldapp.cli.helptext import HelpGroup
from fieldapp.cli.output import CliError, guarded, print_json, say
from fieldapp.core.i18n import N_, Lang, gettext, pgettext
from fieldapp.core.issues import SyncIssue
from fieldapp.core.kinds import Kind
from fieldapp.core.text import displayable

if TYPE_CHECKING:
    from sync.client import SyncSummary

__all__ = ["COMMANDS", "sync"]

# summary key -> its row label, in the table's order
_ROWS: dict[str, str] = {
    "pushed": N_("Pushed"),
    "accepted": N_("Accepted"),
    "duplicates": N_("Duplicates (already there)"),
    "conflicts": N_("Conflicts"),
    "merged": N_("  of which merged automatically"),
    "rejected": N_("Rejected"),
    "pulled": N_("Pulled from the server"),
    "pull_failed": N_("Could not be applied"),
    "left_area": N_("Removed: no longer in your area"),
}
#: rows shown only when their count is not 0
_IF_ANY = ("merged", "pull_failed", "left_area")
# the progress bar's phases (SyncProgress.phase) -> their labels
_PHASES: dict[str, str] = {"push": N_("Pushing"), "pull": N_("Pulling")}
_SHOWN_ISSUES = 10


@click.group("sync", cls=HelpGroup, invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON (no progress bar).")
@click.option(
    "--insecure",
    is_flag=True,
    help="Allow a plain http:// server on another machine for this sync (the token travels unencrypted).",
)
@pass_app
@click.pass_context
def sync(ctx: click.Context, app: AppContext, as_json: bool, insecure: bool) -> None:
    """Push pending records to the central server and pull its changes.

    Configure first: `fieldapp config set server URL` and `fieldapp config set token TOKEN`.
    `fieldapp sync issues` lists what is stuck; `fieldapp sync discard ID` drops a rejected record.
    """
    if ctx.invoked_subcommand is not None:
        return
    from fieldapp.store import StoreError
    from sync.client import SyncClient, SyncConfigError, SyncError, SyncProgress

    lang = app.lang
    err = Console(stderr=True)
    settings = app.settings
    try:
        store = app.open_store()
    except StoreError as exc:
        err.print(exc.message(lang), markup=False, highlight=False)
        sys.exit(1)
    with store:
        client = SyncClient(store, settings, insecure=insecure)
        summary: SyncSummary | None
        error: SyncError | None = None
        try:
            warning = settings.insecure_warning(lang, insecure=insecure)
            if warning:  # every sync, on stderr
                err.print(warning, markup=False, highlight=False, style="bold yellow")
            if as_json:
                summary = client.run()
            else:
                with _progress_bar(err, lang) as (bar, tasks):

                    def report(p: SyncProgress) -> None:
                        bar.update(tasks[p.phase], completed=p.done, total=p.total, visible=True)

                    summary = client.run(progress=report)
                    for task in bar.tasks:  # the pull's length is known only now: show it finished
                        bar.update(task.id, total=task.completed)
        except SyncConfigError as exc:
            err.print(exc.message(lang), markup=False, highlight=False)
            sys.exit(1 if exc.code == "demo_folder" else 2)  # a demo folder is no usage mistake
        except SyncError as exc:
            error, summary = exc, exc.summary
        issues = store.sync_issues()
    _remember_identity(app, summary)
    if as_json:
        data: dict[str, Any] = summary.to_dict() if summary is not None else {"ok": False}
        if summary is not None and summary.server_changed:  # the laptop started over with another database
            data["notice"] = summary.notice(lang)
        if error is not None:
            data["ok"] = False
            data["error"] = {"type": type(error).__name__, "message": error.message(lang)}
        data["issues"] = [issue.to_doc() for issue in issues]
        click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
    else:
        out = Console(highlight=False)
        if summary is not None:
            out.print(_table(summary.to_dict(), lang))
            if summary.rules_changed:
                out.print(gettext("The federation's rules changed: classification now follows them.", lang))
            notice = summary.notice(lang)  # the laptop started over with another database
            if notice:
                out.print(notice, markup=False, style="bold yellow")
        _print_issues(out, issues, lang)
        if error is not None:
            err.print(error.message(lang), markup=False, highlight=False)
        elif summary is not None:
            out.print(_verdict(summary.ok, lang), markup=False)
    sys.exit(0 if error is None and summary is not None and summary.ok else 1)


def _remember_identity(app: AppContext, summary: SyncSummary | None) -> None:
    """Keep who the server says the token is: visits carry that name from now on (see sync/client/_identity.py)."""
    identity = summary.identity if summary is not None else None
    settings = app.settings
    if not identity or (identity["name"], identity["full_name"], identity["role"]) == (
        settings.cadre,
        settings.full_name,
        settings.role,
    ):
        return
    app.save_settings(settings.with_identity(identity["name"], identity["full_name"], identity["role"]))


@contextlib.contextmanager
def _progress_bar(console: Console, lang: Lang) -> Iterator[tuple[Progress, dict[str, TaskID]]]:
    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )
    tasks = {
        phase: bar.add_task(gettext(label, lang), total=None, visible=False)
        for phase, label in _PHASES.items()
    }
    with bar:
        yield bar, tasks


def _table(data: dict[str, Any], lang: Lang) -> Table:
    table = Table(title=gettext("Sync with {server}", lang, server=data.get("server", "")), show_header=False)
    table.add_column()
    table.add_column(justify="right")
    for key, label in _ROWS.items():
        if key in _IF_ANY and not data.get(key):
            continue
        table.add_row(gettext(label, lang), _count(data.get(key, 0), lang))
    return table


def _count(n: int, lang: Lang) -> str:
    """*n* with its thousands grouped as *lang* writes them (1.234 in Vietnamese, 1,234 in English)."""
    return f"{n:,}".replace(",", pgettext("thousands separator", ",", lang))


def _verdict(ok: bool, lang: Lang) -> str:
    if ok:
        return gettext("Sync complete: the server has every record.", lang)
    return gettext(
        "Some records are not synced yet. Open the Sync screen in `fieldapp` to settle each one.", lang
    )


def _print_issues(out: Console, issues: list[SyncIssue], lang: Lang) -> None:
    if not issues:
        return
    out.print(gettext("To settle", lang) + ":", markup=False)
    for issue in issues[:_SHOWN_ISSUES]:
        line = f"  {issue.kind_label(lang)} {issue.id}: {issue.status_label(lang)}"
        details = issue.describe(lang)
        if details:
            line += f": {details}"
        out.print(line, markup=False)
    if len(issues) > _SHOWN_ISSUES:
        out.print(gettext("… and {n} more", lang, n=len(issues) - _SHOWN_ISSUES), markup=False)


@sync.command("issues")
@click.option("--json", "as_json", is_flag=True, help="Print the issues as JSON.")
@pass_app
@guarded
def issues_cmd(app: AppContext, as_json: bool) -> None:
    """List what the last syncs could not settle: conflicts, rejections, server changes not applied."""
    with app.open_store(readonly=True) as store:
        issues = store.sync_issues()
        names = {i.id: _record_label(store, i.kind, i.id) for i in issues}
    if as_json:
        print_json([{**issue.to_doc(), "label": names[issue.id]} for issue in issues])
        return
    if not issues:
        click.echo(gettext("Nothing to settle.", app.lang))
        return
    for issue in issues:
        line = f"{issue.kind_label(app.lang)} {issue.id} ({displayable(names[issue.id])}): {issue.status_label(app.lang)}"
        details = issue.describe(app.lang)
        click.echo(line + (f": {displayable(details)}" if details else ""))


@sync.command("discard")
@click.argument("record_id", metavar="ID")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@pass_app
@guarded
def discard_cmd(app: AppContext, record_id: str, yes: bool) -> None:
    """Drop a record the server rejected (an enterprise goes with its visits), after a confirmation naming it."""
    from sync.client import discard, plan_discard

    lang = app.lang
    with app.open_store() as store:
        kind = _kind_of(store, record_id)
        issue = store.sync_issue(kind, record_id)
        try:
            planned = plan_discard(store, kind, record_id)
        except ValueError:
            raise CliError("not_discardable", value=record_id) from None
        assert issue is not None
        what = issue.kind_label(lang)
        question = gettext(
            "Discard {kind} “{label}” from this laptop{visits}? It cannot be undone.",
            lang,
            kind=what,
            label=displayable(planned.label),
            visits=gettext(" with its {n} visits", lang, n=planned.visits) if planned.visits else "",
        )
        if not yes and not click.confirm(question, default=False, err=True):
            say(gettext("Nothing was discarded.", lang))
            raise click.exceptions.Exit(1)
        discard(store, kind, record_id)
    click.echo(
        gettext(
            "Discarded {kind} “{label}”.",
            lang,
            kind=what,
            label=displayable(planned.label),
        )
    )
    if planned.on_server:
        click.echo(gettext("The server's copy comes back with the next sync.", lang))


def _kind_of(store: Any, record_id: str) -> Kind:
    """The kind of the record with this id on the laptop (a visit when none has it: the issue may outlive it)."""
    if store.get_enterprise(record_id) is not None:
        return "enterprise"
    if store.get_founding_case(record_id) is not None:
        return "founding_case"
    issue = next((i for i in store.sync_issues() if i.id == record_id), None)
    return issue.kind if issue is not None else "visit"


def _record_label(store: Any, kind: str, record_id: str) -> str:
    from sync.client import record_label

    return record_label(store, kind, record_id)


COMMANDS: list[click.Command] = [sync]
