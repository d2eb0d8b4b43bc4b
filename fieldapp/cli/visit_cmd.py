"""``fieldapp visit add|list|edit|delete``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import click

from fieldapp.cli.context import AppContext, pass_app
from fieldapp.cli.helptext import HelpGroup
from fieldapp.cli.output import (
    CliError,
    changes_text,
    confirm,
    declined,
    guarded,
    print_json,
    print_table,
    say,
)
from fieldapp.cli.params import ATTITUDE
from fieldapp.cli.visit_table import visit_rows
from fieldapp.core.i18n import gettext
from fieldapp.core.records import Visit
from fieldapp.core.text import displayable

if TYPE_CHECKING:
    from fieldapp.store import Store

__all__ = ["COMMANDS", "visit"]

F = TypeVar("F", bound=Callable[..., Any])


@click.group(cls=HelpGroup)
def visit() -> None:
    """Visits: add, list, edit, delete."""


def _field_options(*, for_edit: bool) -> Callable[[F], F]:
    """The options that set a visit's fields: the same for ``add`` and ``edit`` (where none has a default and
    none is required)."""

    def default(value: Any) -> dict[str, Any]:
        return {} if for_edit else {"default": value, "show_default": True}

    clear = " An empty value clears it." if for_edit else ""
    date_help = "Visit date (not in the future)." + (
        "" if for_edit else " Default: today, as in the terminal app."
    )
    options = [
        click.option(
            "--enterprise",
            "enterprise_ref",
            required=not for_edit,
            metavar="ID_OR_TAX_CODE",
            help="The enterprise visited.",
        ),
        click.option("--date", "visited_on", metavar="YYYY-MM-DD", help=date_help),
        click.option("--headcount", type=int, required=not for_edit, help="Head count (every worker)."),
        click.option(
            "--seasonal", type=int, **default(0), help="Seasonal, temporary or short-contract workers."
        ),
        click.option("--managers", type=int, **default(0), help="Owners and managers (may not join)."),
        click.option(
            "--attitude",
            type=ATTITUDE,
            required=not for_edit,
            help="Employer attitude (code or label: ủng hộ, ...).",
        ),
        click.option("--applications", type=int, **default(0), help="Signed applications or members."),
        click.option("--note", default=None if for_edit else "", help="Note."),
        click.option(
            "--next-visit",
            "next_visit_on",
            metavar="YYYY-MM-DD",
            help="Next visit date." + (" An empty value clears it." if for_edit else ""),
        ),
        click.option("--cadre", help="Cadre (default: `fieldapp config get cadre`)."),
        click.option("--met-name", help="Who the cadre met." + clear),
        click.option("--met-role", help="Role of the person met." + clear),
        click.option("--next-step", help="The next step agreed." + clear),
    ]

    def decorate(func: F) -> F:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


@visit.command("add")
@_field_options(for_edit=False)
@click.option("--json", "as_json", is_flag=True, help="Print the new record as JSON.")
@pass_app
@guarded
def add(app: AppContext, enterprise_ref: str, cadre: str | None, as_json: bool, **fields: Any) -> None:
    """Record a visit to an enterprise."""
    cadre = cadre or app.settings.cadre
    if not cadre:
        raise CliError("no_cadre", "cadre")
    fields = {k: v for k, v in fields.items() if v is not None}
    fields.setdefault("visited_on", date.today().isoformat())  # the terminal app's default too
    with app.open_store() as store:
        target = store.find_enterprise(enterprise_ref)
        if target is None:
            raise CliError("not_found", "enterprise_id", value=enterprise_ref)
        record = Visit.create(
            enterprise_id=target.id, cadre=cadre, **fields
        )  # RecordError names each bad field
        store.save_visit(record)
    if as_json:
        print_json(record.to_doc())
    else:
        click.echo(
            gettext(
                "Recorded the visit of {date} to “{name}” (id {id}).",
                app.lang,
                date=record.visited_on.isoformat(),
                name=displayable(target.name),
                id=record.id,
            )
        )


#: the shortest start of an id taken for the whole id (a table may show it cut short)
MIN_ID_PREFIX = 8


def _find_visit(store: Store, visit_id: str) -> Visit:
    """The visit with this id, or with the only id that starts with it (at least MIN_ID_PREFIX characters)."""
    text = visit_id.strip().lower().rstrip("…")
    found = store.get_visit(text)
    if found is None and len(text) >= MIN_ID_PREFIX:
        matches = [v for v in store.visits() if v.id.startswith(text)]
        found = matches[0] if len(matches) == 1 else None
    if found is None:
        raise CliError("visit_not_found", "id", value=visit_id)
    return found


def _name_of(store: Store, visit: Visit) -> str:
    owner = store.get_enterprise(visit.enterprise_id)
    return owner.name if owner is not None else visit.enterprise_id


@visit.command("edit")
@click.argument("visit_id")
@_field_options(for_edit=True)
@click.option("--yes", "-y", "assume_yes", is_flag=True, help="Save without asking.")
@click.option("--json", "as_json", is_flag=True, help="Print the edited record as JSON.")
@pass_app
@guarded
def edit(
    app: AppContext,
    visit_id: str,
    enterprise_ref: str | None,
    assume_yes: bool,
    as_json: bool,
    **options: Any,
) -> None:
    """Change fields of a visit (its id is in `visit list --json`): only the options given change. Asks before
    saving, unless --yes."""
    lang = app.lang
    fields = {k: v for k, v in options.items() if v is not None}
    if not fields and enterprise_ref is None:
        raise click.UsageError(gettext("Nothing to change: give the fields to change (see --help).", lang))
    with app.open_store() as store:
        record = _find_visit(store, visit_id)
        if enterprise_ref is not None:
            target = store.find_enterprise(enterprise_ref)
            if target is None:
                raise CliError("not_found", "enterprise_id", value=enterprise_ref)
            fields["enterprise_id"] = target.id
        edited = record.edit(**fields)  # RecordError names each bad field; nothing is written
        name = _name_of(store, edited)
        described = gettext(
            "the visit of {date} to “{name}”", lang, date=record.visited_on.isoformat(), name=name
        )
        if edited is record:
            said = gettext("{visit} already has these values: nothing was changed.", lang, visit=described)
            say(said[:1].upper() + said[1:])
        else:
            say(changes_text(record, edited, lang))
            question = gettext(
                "Save these changes to {visit} (id {id})?", lang, visit=described, id=record.id
            )
            if not assume_yes and not confirm(question, lang):
                declined(lang)
            store.save_visit(edited)  # pending sync: the next sync sends the edit
    if as_json:
        print_json(edited.to_doc())
    elif edited is not record:
        click.echo(gettext("Saved {visit} (id {id}).", lang, visit=displayable(described), id=edited.id))


@visit.command("delete")
@click.argument("visit_id")
@click.option("--yes", "-y", "assume_yes", is_flag=True, help="Delete without asking.")
@pass_app
@guarded
def delete(app: AppContext, visit_id: str, assume_yes: bool) -> None:
    """Delete a visit the server has never had. Asks first, unless --yes.

    The laptop cannot send a deletion: a visit already synced is deleted by the office, on the server.
    """
    lang = app.lang
    with app.open_store() as store:
        record = _find_visit(store, visit_id)
        described = gettext(
            "the visit of {date} to “{name}”",
            lang,
            date=record.visited_on.isoformat(),
            name=_name_of(store, record),
        )
        if record.server_version is not None:
            raise CliError("synced", value=described)
        question = gettext(
            "Delete {visit} by {cadre} (id {id})?", lang, visit=described, cadre=record.cadre, id=record.id
        )
        if not assume_yes and not confirm(question, lang):
            declined(lang)
        store.delete_visit(record.id)
    click.echo(gettext("Deleted {visit}.", lang, visit=displayable(described)))


@visit.command("list")
@click.option(
    "--enterprise", "enterprise_ref", metavar="ID_OR_TAX_CODE", help="Only this enterprise's visits."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: a list of visit records.")
@pass_app
@guarded
def list_(app: AppContext, enterprise_ref: str | None, as_json: bool) -> None:
    """List visits, newest first."""
    with app.open_store(readonly=True) as store:
        if enterprise_ref is not None:
            target = store.find_enterprise(enterprise_ref)
            if target is None:
                raise CliError("not_found", "enterprise_id", value=enterprise_ref)
            visits = store.visits_of(target.id)
            names = {target.id: target}
        else:
            visits = sorted(store.visits(), key=lambda v: (v.visited_on, v.created_at), reverse=True)
            names = {e.id: e for e in store.enterprises()}
    if as_json:
        print_json([v.to_doc() for v in visits])
        return
    headers, rows = visit_rows(visits, names, app.lang)
    print_table(headers, rows, title=gettext("{n} rows", app.lang, n=len(rows)))


COMMANDS: list[click.Command] = [visit]
