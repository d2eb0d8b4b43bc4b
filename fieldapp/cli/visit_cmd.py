"""``fieldapp visit add|list``."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from fieldapp.cli.context import AppContext, pass_app
from fieldapp.cli.output import CliError, guarded, print_json, print_table
from fieldapp.cli.params import ATTITUDE
from fieldapp.cli.visit_table import visit_rows
from fieldapp.core.i18n import gettext
from fieldapp.core.records import Visit
from fieldapp.core.text import displayable

__all__ = ["COMMANDS", "visit"]


@click.group()
def visit() -> None:
    """Visits: add, list."""


@visit.command("add")
@click.option(
    "--enterprise", "enterprise_ref", required=True, metavar="ID_OR_TAX_CODE", help="The enterprise visited."
)
@click.option(
    "--date",
    "visited_on",
    metavar="YYYY-MM-DD",
    help="Ngày thăm (not in the future). Default: today, as in the terminal app.",
)
@click.option("--headcount", type=int, required=True, help="Tổng số lao động.")
@click.option(
    "--seasonal",
    type=int,
    default=0,
    show_default=True,
    help="Seasonal, temporary or short-contract workers.",
)
@click.option(
    "--managers", type=int, default=0, show_default=True, help="Owners and managers (may not join)."
)
@click.option(
    "--attitude", type=ATTITUDE, required=True, help="Employer attitude (code or label: ủng hộ, ...)."
)
@click.option(
    "--applications", type=int, default=0, show_default=True, help="Signed applications or members."
)
@click.option("--note", default="", help="Ghi chú.")
@click.option("--next-visit", "next_visit_on", metavar="YYYY-MM-DD", help="Ngày thăm tiếp theo.")
@click.option("--cadre", help="Cán bộ (default: `fieldapp config get cadre`).")
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
