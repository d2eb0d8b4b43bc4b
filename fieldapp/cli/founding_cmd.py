"""``fieldapp founding start|step|pause|resume|abandon|show|list|due|forms``: the founding of a CĐCS, step by step.

The rules of the steps and their working-day deadlines are the core's (``fieldapp.core.founding``); this module
finds the enterprise, records what the person typed and says what happened. The ``--json`` shapes are in
docs/cli.md.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from fieldapp.cli.context import AppContext, pass_app
from fieldapp.cli.helptext import HelpGroup
from fieldapp.cli.output import CliError, guarded, print_json, print_table, say
from fieldapp.cli.params import CASE_STATE, STEP, STOP_REASON
from fieldapp.core.errors import Problem, RecordError
from fieldapp.core.founding import (
    STEP_FIELDS,
    CaseState,
    FoundingCase,
    Step,
    StepStatus,
    abandon,
    due_steps,
    pause,
    record_step,
    resume,
    schedule,
    start_case,
    unionized,
)
from fieldapp.core.i18n import Lang, gettext
from fieldapp.core.labels import field_label, value_label
from fieldapp.core.records import Enterprise
from fieldapp.core.rules import Rules
from fieldapp.core.text import displayable
from fieldapp.core.workdays import working_days_between

if TYPE_CHECKING:
    from fieldapp.store import Store

__all__ = ["COMMANDS", "founding"]

_DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.group(cls=HelpGroup)
def founding() -> None:
    """Founding a union (thành lập CĐCS), step by step: start, step, pause, resume, abandon, show, list, due,
    forms."""


def _enterprise(store: Store, ref: str) -> Enterprise:
    found = store.find_enterprise(ref)
    if found is None:
        raise CliError("not_found", "enterprise_id", value=ref)
    return found


def _case(store: Store, enterprise: Enterprise) -> FoundingCase:
    case = store.current_founding_case(enterprise.id)
    if case is None:
        raise RecordError([Problem("enterprise_id", "no_founding_case", {"value": enterprise.name})])
    return case


def _day(value: Any) -> str | None:
    return None if value is None else value.date().isoformat()


def _today(value: Any) -> date:
    return date.today() if value is None else value.date()


def _step_name(step: Step | str, lang: Lang) -> str:
    return value_label("step", str(step), lang)


def _next_line(case: FoundingCase, rules: Rules, today: date, lang: Lang) -> str | None:
    """``Tiếp theo: ..., hạn ...`` for an open case, None once recognized."""
    step = case.next_step
    if step is None or case.state is not CaseState.OPEN:
        return None
    status = next(s for s in schedule(case, rules, today) if s.step is step)
    if status.due_on is None:
        return gettext("Next: “{step}”.", lang, step=_step_name(step, lang))
    return gettext(
        "Next: “{step}”, due {due}.", lang, step=_step_name(step, lang), due=status.due_on.isoformat()
    )


# --- start and step ------------------------------------------------------------------------------------
@founding.command("start")
@click.argument("enterprise_ref", metavar="ENT")
@click.option(
    "--date",
    "committee_on",
    type=_DATE,
    required=True,
    help="Date the organising committee (ban vận động) was formed (YYYY-MM-DD).",
)
@click.option(
    "--committee",
    "committee_members",
    type=int,
    default=3,
    show_default=True,
    help="A member of the organising committee.",
)
@click.option("--head", "committee_head", help="Head of the organising committee (optional).")
@click.option("--json", "as_json", is_flag=True, help="Print the new case as JSON.")
@pass_app
@guarded
def start(
    app: AppContext,
    enterprise_ref: str,
    committee_on: Any,
    committee_members: int,
    committee_head: str | None,
    as_json: bool,
) -> None:
    """Start the founding case of an enterprise (ENT: id or tax code): its organising committee (ban vận động)."""
    lang = app.lang
    with app.open_store() as store:
        target = _enterprise(store, enterprise_ref)
        current = store.current_founding_case(target.id)
        if current is not None and current.state is not CaseState.ABANDONED:
            raise RecordError([Problem("enterprise_id", "case_exists", {"value": current.id})])
        case = start_case(
            target.id,
            _day(committee_on) or "",
            committee_members=committee_members,
            committee_head=committee_head,
        )
        store.save_founding_case(case)
    if as_json:
        print_json(case.to_doc())
        return
    click.echo(
        gettext(
            "Started the founding case of “{name}”: organising committee on {date} (case id {id}).",
            lang,
            name=displayable(target.name),
            date=case.committee_on.isoformat(),
            id=case.id,
        )
    )


@founding.command("step")
@click.argument("enterprise_ref", metavar="ENT")
@click.argument("step", type=STEP, metavar="STEP")
@click.option(
    "--date", "day", type=_DATE, help="Date of the step (YYYY-MM-DD); a correction may leave it out."
)
@click.option(
    "--count", "applications", type=int, help="applications: applications to join collected so far."
)
@click.option("--attending", "congress_attending", type=int, help="congress: how many attended the congress.")
@click.option("--bch-size", type=int, help="congress: BCH elected (executive committee).")
@click.option("--inspection-size", type=int, help="congress: inspection committee (Ủy ban kiểm tra) elected.")
@click.option("--decision", "decision_number", help="recognized: the number of the recognition decision.")
@click.option("--members", "members_at_founding", type=int, help="recognized: union members at founding.")
@click.option("--committee", "committee_members", type=int, help="committee (a correction): members.")
@click.option("--head", "committee_head", help="committee (a correction): the head's name.")
@click.option("--json", "as_json", is_flag=True, help="Print the case as JSON.")
@pass_app
@guarded
def step(app: AppContext, enterprise_ref: str, step: str, day: Any, as_json: bool, **options: Any) -> None:
    """Record the next STEP of an enterprise's case, or correct a step already recorded (the old values are kept
    in the case's history).

    STEP: applications, congress, bch_meeting, dossier, recognized (committee for a correction).
    """
    lang = app.lang
    chosen = Step(step)
    fields = {k: v for k, v in options.items() if v is not None}
    if day is not None:
        fields[STEP_FIELDS[chosen][0]] = _day(day)
    with app.open_store() as store:
        target = _enterprise(store, enterprise_ref)
        case = _case(store, target)
        correcting = case.done_on(chosen) is not None
        updated = record_step(case, chosen, app.rules, **fields)  # RecordError names the field at fault
        enterprise = None
        if updated.recognized:
            after = unionized(updated, target)
            enterprise = None if after is target else after
        if updated is not case or enterprise is not None:
            store.save_founding_case(updated, enterprise)
    if as_json:
        print_json(updated.to_doc())
        return
    name, label = displayable(target.name), _step_name(chosen, lang)
    if updated is case:
        say(
            gettext(
                "“{step}” of “{name}” already has these values: nothing was changed.",
                lang,
                step=label,
                name=name,
            )
        )
    elif correcting:
        click.echo(
            gettext(
                "Corrected “{step}” of “{name}”; the old values are kept in the history.",
                lang,
                step=label,
                name=name,
            )
        )
    else:
        click.echo(
            gettext(
                "Recorded “{step}” of “{name}” on {date}.",
                lang,
                step=label,
                name=name,
                date=updated.done_on(chosen),
            )
        )
    if enterprise is not None:
        click.echo(
            gettext(
                "“{name}” now has a grassroots union with {n} members.",
                lang,
                name=name,
                n=enterprise.union_members,
            )
        )
    line = _next_line(updated, app.rules, date.today(), lang)
    if line:
        click.echo(line)


# --- state -------------------------------------------------------------------------------------------------
def _state_said(app: AppContext, target: Enterprise, case: FoundingCase, as_json: bool) -> None:
    if as_json:
        print_json(case.to_doc())
        return
    lang = app.lang
    click.echo(
        gettext(
            "The founding case of “{name}” is now: {state}.",
            lang,
            name=displayable(target.name),
            state=value_label("state", case.state.value, lang),
        )
    )


def _stop_command(name: str, stop: Callable[[FoundingCase, str, str | None], FoundingCase], doc: str) -> None:
    """``founding pause`` and ``founding abandon``: the same options, one core call apart."""

    @founding.command(name, help=doc)
    @click.argument("enterprise_ref", metavar="ENT")
    @click.option("--reason", type=STOP_REASON, required=True, help="Reason (code or label).")
    @click.option("--note", help="Note.")
    @click.option("--json", "as_json", is_flag=True, help="Print the case as JSON.")
    @pass_app
    @guarded
    def command(app: AppContext, enterprise_ref: str, reason: str, note: str | None, as_json: bool) -> None:
        with app.open_store() as store:
            target = _enterprise(store, enterprise_ref)
            case = store.save_founding_case(stop(_case(store, target), reason, note))
        _state_said(app, target, case, as_json)


_stop_command(
    "pause",
    pause,
    "Pause an open case (the employer obstructs, for example); its deadlines stop counting as overdue.",
)
_stop_command(
    "abandon",
    abandon,
    "Abandon an open or paused case. It is kept, with its reason; a new case may then be started.",
)


@founding.command("resume")
@click.argument("enterprise_ref", metavar="ENT")
@click.option("--note", help="Note.")
@click.option("--json", "as_json", is_flag=True, help="Print the case as JSON.")
@pass_app
@guarded
def resume_cmd(app: AppContext, enterprise_ref: str, note: str | None, as_json: bool) -> None:
    """Open a paused or abandoned case again (its history keeps why it stopped)."""
    with app.open_store() as store:
        target = _enterprise(store, enterprise_ref)
        case = store.save_founding_case(resume(_case(store, target), note))
    _state_said(app, target, case, as_json)


# --- show, list, due ---------------------------------------------------------------------------------------
def _status_word(status: StepStatus, lang: Lang) -> str:
    if status.overdue:
        return gettext("overdue", lang)
    if status.due_soon:
        return gettext("due soon", lang)
    if status.late:
        return gettext("done late", lang)
    if status.done_on is not None:
        return gettext("done", lang)
    return ""


def _details(case: FoundingCase, step: Step, lang: Lang) -> str:
    values = case.step_values(step)
    return "; ".join(
        f"{field_label(name, lang)}: {value}" for name, value in list(values.items())[1:] if value is not None
    )


def _show_doc(case: FoundingCase, target: Enterprise, rules: Rules, today: date) -> dict[str, Any]:
    return {
        "enterprise": {"id": target.id, "name": target.name, "tax_code": target.tax_code},
        "today": today.isoformat(),
        "state": case.state.value,
        "stage": case.stage.value,
        "next_step": case.next_step.value if case.next_step else None,
        "steps": [{**s.to_dict(), "fields": case.step_values(s.step)} for s in schedule(case, rules, today)],
        "case": case.to_doc(),
    }


_TODAY_OPTION = click.option(
    "--today", type=_DATE, help="Count deadlines as of this day (YYYY-MM-DD; default: today)."
)


@founding.command("show")
@click.argument("enterprise_ref", metavar="ENT")
@_TODAY_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the case with its schedule as JSON.")
@pass_app
@guarded
def show(app: AppContext, enterprise_ref: str, today: Any, as_json: bool) -> None:
    """An enterprise's founding case: each step with its date, its due date and whether it is overdue."""
    lang, day = app.lang, _today(today)
    with app.open_store(readonly=True) as store:
        target = _enterprise(store, enterprise_ref)
        case = _case(store, target)
    if as_json:
        print_json(_show_doc(case, target, app.rules, day))
        return
    state = value_label("state", case.state.value, lang)
    if case.state_reason is not None:
        state += f" ({value_label('state_reason', case.state_reason.value, lang)})"
    if case.state_note:
        state += f": {case.state_note}"
    rows = [
        [
            _step_name(s.step, lang),
            s.done_on.isoformat() if s.done_on else "",
            s.due_on.isoformat() if s.due_on else "",
            _status_word(s, lang),
            _details(case, s.step, lang),
        ]
        for s in schedule(case, app.rules, day)
    ]
    title = f"{target.name} ({target.tax_code or target.id}) — {state}"
    headers = [
        field_label("step", lang),
        gettext("Date", lang),
        gettext("Due on", lang),
        gettext("Deadline", lang),
        gettext("Details", lang),
    ]
    print_table(headers, rows, title=title)
    if case.history:
        click.echo(
            gettext("{n} earlier value(s) kept in the history (see --json).", lang, n=len(case.history))
        )
    line = _next_line(case, app.rules, day, lang)
    if line:
        click.echo(line)


def _row(case: FoundingCase, target: Enterprise | None, rules: Rules, today: date) -> dict[str, Any]:
    nxt = case.next_step
    status = next((s for s in schedule(case, rules, today) if s.step is nxt), None)
    return {
        "case_id": case.id,
        "enterprise_id": case.enterprise_id,
        "name": target.name if target else None,
        "tax_code": target.tax_code if target else None,
        "state": case.state.value,
        "state_reason": case.state_reason.value if case.state_reason else None,
        "stage": case.stage.value,
        "started_on": case.committee_on.isoformat(),
        "next_step": nxt.value if nxt else None,
        "next_due_on": status.due_on.isoformat() if status and status.due_on else None,
        "overdue": bool(status and status.overdue),
        "due_soon": bool(status and status.due_soon),
    }


@founding.command("list")
@click.option("--stage", type=STEP, help="Only cases at this stage (the last step recorded).")
@click.option("--state", type=CASE_STATE, help="Only cases in this state: open, paused, abandoned.")
@click.option("--due", "only_due", is_flag=True, help="Only open cases with a step overdue or due soon.")
@_TODAY_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@pass_app
@guarded
def list_cmd(
    app: AppContext, stage: str | None, state: str | None, only_due: bool, today: Any, as_json: bool
) -> None:
    """Every founding case, oldest first (by the organising committee's date)."""
    lang, day = app.lang, _today(today)
    with app.open_store(readonly=True) as store:
        cases = sorted(store.founding_cases(), key=lambda c: (c.committee_on, c.created_at, c.id))
        rows = [
            _row(c, store.get_enterprise(c.enterprise_id), app.rules, day)
            for c in cases
            if (stage is None or c.stage.value == stage)
            and (state is None or c.state.value == state)
            and (not only_due or due_steps(c, app.rules, day))
        ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        say(gettext("No founding case matches.", lang))
        return
    headers = [
        field_label("enterprise_id", lang),
        field_label("tax_code", lang),
        gettext("Stage", lang),
        field_label("state", lang),
        gettext("Next step", lang),
        gettext("Due on", lang),
        gettext("Deadline", lang),
    ]
    print_table(
        headers,
        [
            [
                r["name"],
                r["tax_code"] or "",
                _step_name(r["stage"], lang),
                value_label("state", r["state"], lang),
                _step_name(r["next_step"], lang) if r["next_step"] else "",
                r["next_due_on"] or "",
                gettext("overdue", lang)
                if r["overdue"]
                else gettext("due soon", lang)
                if r["due_soon"]
                else "",
            ]
            for r in rows
        ],
    )


@founding.command("due")
@_TODAY_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@pass_app
@guarded
def due(app: AppContext, today: Any, as_json: bool) -> None:
    """The steps of open cases that are overdue or due within 3 working days, the most urgent first."""
    lang, day = app.lang, _today(today)
    rows: list[dict[str, Any]] = []
    with app.open_store(readonly=True) as store:
        for case in store.founding_cases():
            for status in due_steps(case, app.rules, day):
                assert status.due_on is not None
                target = store.get_enterprise(case.enterprise_id)
                rows.append(
                    {
                        "case_id": case.id,
                        "enterprise_id": case.enterprise_id,
                        "name": target.name if target else None,
                        "tax_code": target.tax_code if target else None,
                        "step": status.step.value,
                        "due_on": status.due_on.isoformat(),
                        "overdue": status.overdue,
                        "working_days_left": working_days_between(
                            day, status.due_on, app.rules.extra_days_off
                        ),
                    }
                )
    rows.sort(key=lambda r: (r["due_on"], r["name"] or "", r["step"]))
    if as_json:
        print_json(rows)
        return
    if not rows:
        say(gettext("No step is overdue or due within 3 working days.", lang))
        return
    headers = [
        field_label("enterprise_id", lang),
        field_label("tax_code", lang),
        field_label("step", lang),
        gettext("Due on", lang),
        gettext("Working days left", lang),
    ]
    print_table(
        headers,
        [
            [
                r["name"],
                r["tax_code"] or "",
                _step_name(r["step"], lang),
                r["due_on"],
                gettext("overdue", lang) if r["overdue"] else r["working_days_left"],
            ]
            for r in rows
        ],
    )


# --- forms -------------------------------------------------------------------------------------------------
@founding.command("forms")
@click.argument("enterprise_ref", metavar="ENT")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the .docx files to (made if missing).",
)
@click.option("--force", is_flag=True, help="Replace forms of this enterprise already in the folder.")
@click.option("--json", "as_json", is_flag=True, help="Print the paths written as JSON.")
@pass_app
@guarded
def forms(app: AppContext, enterprise_ref: str, output: Path, force: bool, as_json: bool) -> None:
    """Write the forms of the founding case as .docx (application to join, applicant list, congress minutes,
    request for recognition), filled in with the enterprise and the dates known so far; workers' names are
    left blank."""
    # imported here: python-docx and lxml take 60 ms that no other command should pay
    from fieldapp.io.founding_forms import write_forms

    with app.open_store(readonly=True) as store:
        target = _enterprise(store, enterprise_ref)
        case = _case(store, target)
    paths = write_forms(case, target, output, overwrite=force)  # FileProblem: exists, unwritable
    if as_json:
        print_json([str(p) for p in paths])
        return
    click.echo(
        gettext(
            "Wrote {n} forms for “{name}” to {dir}:",
            app.lang,
            n=len(paths),
            name=displayable(target.name),
            dir=output,
        )
    )
    for path in paths:
        click.echo(displayable(str(path)))


COMMANDS = [founding]
