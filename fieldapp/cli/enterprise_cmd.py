"""``fieldapp enterprise add|list|show|edit|delete``."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

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
    yes_no,
)
from fieldapp.cli.params import CLASS_OR_RECORD_STATUS, OWNERSHIP, STATUS
from fieldapp.cli.visit_table import visit_rows
from fieldapp.core.admin_units import resolve_ward
from fieldapp.core.classify import STATUSES, Classification
from fieldapp.core.contact import phone_display
from fieldapp.core.i18n import gettext
from fieldapp.core.labels import field_label, value_label
from fieldapp.core.reasons import basis_label, priority_label, reason_title, status_label
from fieldapp.core.records import Enterprise, Ownership, fields_of_type
from fieldapp.core.text import displayable

__all__ = ["COMMANDS", "enterprise"]

_CHOICES = fields_of_type(Enterprise, StrEnum)
F = TypeVar("F", bound=Callable[..., Any])


@click.group(cls=HelpGroup)
def enterprise() -> None:
    """Enterprises: add, list, show, edit, delete."""


def _field_options(*, for_edit: bool) -> Callable[[F], F]:
    """The options that set an enterprise's fields: the same for ``add`` and ``edit`` (where none is required and
    an empty text clears an optional field)."""
    clear = " An empty value clears it." if for_edit else ""
    options = [
        click.option("--name", required=not for_edit, help="Enterprise name."),
        click.option("--tax-code", help="Tax code: 10 digits, or 10 + '-' + 3 for a branch." + clear),
        click.option("--address", help="Address."),
        click.option(
            "--ward",
            help="Ward or commune on the 2025 map, accents and unit word optional (stored as the official name)."
            + clear,
        ),
        click.option(
            "--province",
            help="With --ward: the province code on the 2025 map (default: the `province` setting, 01 Hà Nội).",
        ),
        click.option("--district", help="District (old address)."),
        click.option(
            "--ownership", type=OWNERSHIP, help="Kind of enterprise (code or label in either language)."
        ),
        click.option(
            "--household", is_flag=True, help="A household business (hộ kinh doanh): no legal entity."
        ),
        click.option("--status", type=STATUS, help="Status: active, suspended, dissolved."),
        click.option(
            "--legal-entity/--no-legal-entity", default=None, help="Has legal-entity status (default yes)."
        ),
        click.option("--family-business/--no-family-business", default=None, help="A family business."),
        click.option(
            "--has-union/--no-has-union", default=None, help="Already has a grassroots union (CĐCS)."
        ),
        click.option("--union-members", type=int, help="Union members."),
        click.option(
            "--registered-workers", type=int, help="Head count on the list the enterprise came from."
        ),
        click.option("--assigned-to", help="Cadre in charge." + clear),
        click.option("--contact-name", help="Contact person: the person the cadre deals with." + clear),
        click.option("--contact-role", help="Role of the contact person." + clear),
        click.option(
            "--contact-phone",
            help="Phone: a Vietnamese number (0912 345 678, 024 3825 3456, +84...); stored as +84..." + clear,
        ),
        click.option("--contact-email", help="Email of the contact person." + clear),
        click.option("--representative", help="Legal representative." + clear),
    ]

    def decorate(func: F) -> F:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def _fields(options: dict[str, Any], household: bool, app: AppContext) -> dict[str, Any]:
    """The fields the options give (those not given left out), ``--household`` spelled out; ``province`` is
    left for ``_on_the_map``."""
    lang = app.lang
    fields = {k: v for k, v in options.items() if v is not None}
    if "province" in fields and "ward" not in fields:
        raise click.UsageError(gettext("--province goes with --ward", lang))
    if household:
        if fields.get("ownership", Ownership.HOUSEHOLD) != Ownership.HOUSEHOLD:
            raise click.UsageError(gettext("--household and --ownership disagree", lang))
        if fields.get("legal_entity"):
            raise click.UsageError(gettext("--household and --legal-entity disagree", lang))
        fields.update(ownership=Ownership.HOUSEHOLD, legal_entity=False)
    return fields


def _on_the_map(fields: dict[str, Any], app: AppContext) -> dict[str, Any]:
    """*fields* with the ward typed put on the 2025 map: its official name and codes (``resolve_ward``, the rule
    the terminal app's form follows too). RecordError names the closest wards when it is on no map."""
    province = fields.pop("province", None) or app.settings.province
    if "ward" in fields:
        fields.update(resolve_ward(fields["ward"], province))
    return fields


@enterprise.command("add")
@_field_options(for_edit=False)
@click.option("--json", "as_json", is_flag=True, help="Print the new record as JSON.")
@pass_app
@guarded
def add(app: AppContext, household: bool, as_json: bool, **options: Any) -> None:
    """Add an enterprise."""
    fields = _on_the_map(_fields(options, household, app), app)
    record = Enterprise.create(**fields)  # RecordError names each bad field
    with app.open_store() as store:
        same = [e for e in store.find_by_name_ward(record.name, record.ward) if e.id != record.id]
        store.save_enterprise(record)  # RecordError(tax_code, duplicate_tax_code) when taken
    lang = app.lang
    if same:
        say(
            gettext(
                "Note: an enterprise with this name already exists in {ward}: {others}",
                lang,
                ward=record.ward or "-",
                others=", ".join(e.tax_code or e.id for e in same),
            )
        )
    if as_json:
        print_json(record.to_doc())
    else:
        name = displayable(record.name)
        click.echo(gettext("Added enterprise “{name}” (id {id}).", lang, name=name, id=record.id))


@enterprise.command("edit")
@click.argument("id_or_tax_code")
@_field_options(for_edit=True)
@click.option("--yes", "-y", "assume_yes", is_flag=True, help="Save without asking.")
@click.option("--json", "as_json", is_flag=True, help="Print the edited record as JSON.")
@pass_app
@guarded
def edit(
    app: AppContext, id_or_tax_code: str, household: bool, assume_yes: bool, as_json: bool, **options: Any
) -> None:
    """Change fields of an enterprise: only the options given change. Asks before saving, unless --yes."""
    lang = app.lang
    fields = _fields(options, household, app)
    if not fields:
        raise click.UsageError(gettext("Nothing to change: give the fields to change (see --help).", lang))
    with app.open_store() as store:
        record = store.find_enterprise(id_or_tax_code)
        if record is None:
            raise CliError("not_found", "enterprise_id", value=id_or_tax_code)
        edited = record.edit(
            **_on_the_map(fields, app)
        )  # RecordError names each bad field; nothing is written
        if edited is record:
            say(gettext("“{name}” already has these values: nothing was changed.", lang, name=record.name))
        else:
            say(changes_text(record, edited, lang))
            question = gettext(
                "Save these changes to enterprise “{name}” (id {id})?", lang, name=record.name, id=record.id
            )
            if not assume_yes and not confirm(question, lang):
                declined(lang)
            store.save_enterprise(edited)  # pending sync: the next sync sends the edit
    if as_json:
        print_json(edited.to_doc())
    elif edited is not record:
        click.echo(
            gettext("Saved enterprise “{name}” (id {id}).", lang, name=displayable(edited.name), id=edited.id)
        )


@enterprise.command("delete")
@click.argument("id_or_tax_code")
@click.option("--yes", "-y", "assume_yes", is_flag=True, help="Delete without asking.")
@pass_app
@guarded
def delete(app: AppContext, id_or_tax_code: str, assume_yes: bool) -> None:
    """Delete an enterprise and its visits, if the server has never had them. Asks first, unless --yes.

    The laptop cannot send a deletion: a record already synced is deleted by the office, on the server.
    """
    lang = app.lang
    with app.open_store() as store:
        record = store.find_enterprise(id_or_tax_code)
        if record is None:
            raise CliError("not_found", "enterprise_id", value=id_or_tax_code)
        visits = store.visits_of(record.id)
        if record.server_version is not None:
            raise CliError("synced", value=record.name)
        synced = [v for v in visits if v.server_version is not None]
        if synced:
            raise CliError("synced_visits", value=record.name, n=len(synced))
        cases = store.founding_cases_of(record.id)
        if any(case.server_version is not None for case in cases):
            raise CliError("synced_cases", value=record.name)
        question = gettext(
            "Delete enterprise “{name}” (id {id}) and its {n} visit(s)?",
            lang,
            name=record.name,
            id=record.id,
            n=len(visits),
        )
        if cases:  # its founding case goes with it: said, so nobody loses one unknowingly
            question = gettext(
                "Delete enterprise “{name}” (id {id}), its {n} visit(s) and its founding case?",
                lang,
                name=record.name,
                id=record.id,
                n=len(visits),
            )
        if not assume_yes and not confirm(question, lang):
            declined(lang)
        store.delete_enterprise(record.id)
    click.echo(
        gettext(
            "Deleted enterprise “{name}” and its {n} visit(s).",
            lang,
            name=displayable(record.name),
            n=len(visits),
        )
    )


@enterprise.command("list")
@click.option(
    "--search", "search_text", help="Words to find in name, tax code, address or ward (accents optional)."
)
@click.option(
    "--status",
    type=CLASS_OR_RECORD_STATUS,
    help="Keep one classification status (eligible, not_eligible, unionized, unknown) "
    "or one enterprise status (active, suspended, dissolved).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON: a list of records, each with 'classification'."
)
@pass_app
@guarded
def list_(app: AppContext, search_text: str | None, status: str | None, as_json: bool) -> None:
    """List enterprises with their classification."""
    with app.open_store(readonly=True) as store:
        found = store.search_enterprises(search_text) if search_text else store.enterprises()
        classes = app.classify(found, store.visits())
    if status in STATUSES:
        found = [e for e in found if classes[e.id].status == status]
    elif status is not None:
        found = [e for e in found if e.status == status]
    if as_json:
        print_json([{**e.to_doc(), "classification": _summary(classes[e.id])} for e in found])
        return
    lang = app.lang
    headers = [field_label(f, lang) for f in ("tax_code", "name", "ward", "status")]
    headers += [gettext("Classification", lang), gettext("Priority", lang)]
    headers.append(field_label("id", lang))
    rows = [
        (
            e.tax_code or "",
            e.name,
            e.ward,
            value_label("status", e.status, lang),
            status_label(classes[e.id].status, lang),
            priority_label(classes[e.id].priority, lang),
            e.id,
        )
        for e in found
    ]
    print_table(headers, rows, title=gettext("{n} rows", lang, n=len(rows)))


@enterprise.command("show")
@click.argument("id_or_tax_code")
@click.option("--json", "as_json", is_flag=True, help="Print JSON: {enterprise, classification, visits}.")
@pass_app
@guarded
def show(app: AppContext, id_or_tax_code: str, as_json: bool) -> None:
    """Show one enterprise, its classification and its visits."""
    with app.open_store(readonly=True) as store:
        record = store.find_enterprise(id_or_tax_code)
        if record is None:
            raise CliError("not_found", "enterprise_id", value=id_or_tax_code)
        visits = store.visits_of(record.id)
        c = app.classify([record], store.visits())[record.id]
    if as_json:
        print_json(
            {
                "enterprise": record.to_doc(),
                "classification": c.to_dict(),
                "visits": [v.to_doc() for v in visits],
            }
        )
        return
    lang = app.lang
    doc = record.to_doc()
    rows = []
    for name in Enterprise.CONTENT_FIELDS + ("rev", "pending_since", "created_at", "updated_at"):
        value = doc[name]
        if name in _CHOICES:
            value = value_label(name, value, lang)
        elif name == "contact_phone":
            value = phone_display(value)
        elif isinstance(value, bool):
            value = yes_no(value, lang)
        rows.append((field_label(name, lang), value))
    print_table(["", ""], rows, title=record.name, show_header=False)
    verdict = [
        (gettext("Classification", lang), status_label(c.status, lang)),
        (gettext("Basis", lang), basis_label(c.basis, lang)),
        (gettext("Priority", lang), priority_label(c.priority, lang)),
    ]
    verdict += [(reason_title(r.code, lang), r.text(lang)) for r in c.reasons]
    verdict += [("→", s.text(lang)) for s in c.next_steps]
    print_table(["", ""], verdict, show_header=False)
    if visits:
        headers, vrows = visit_rows(visits, {record.id: record}, lang)
        print_table(headers, vrows)


def _summary(c: Classification) -> dict[str, Any]:
    """The short classification listed beside an enterprise: status, basis, reason codes, priority."""
    return {"status": c.status, "basis": c.basis, "reasons": list(c.codes), "priority": c.priority}


COMMANDS: list[click.Command] = [enterprise]
