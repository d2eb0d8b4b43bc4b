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
from fieldapp.core.i18n import N_, Lang, gettext, pgettext
from fieldapp.core.issues import SyncIssue

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


@click.command("sync")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON (no progress bar).")
@click.option(
    "--insecure",
    is_flag=True,
    help="Allow a plain http:// server on another machine for this sync (the token travels unencrypted).",
)
@pass_app
def sync(app: AppContext, as_json: bool, insecure: bool) -> None:
    """Push pending records to the central server and pull its changes.

    Configure first: `fieldapp config set server URL` and `fieldapp config set token TOKEN`.
    """
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


COMMANDS: list[click.Command] = [sync]
