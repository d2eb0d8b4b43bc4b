"""``fieldapp demo``: fill an empty data folder with a realistic synthetic district."""

from __future__ import annotations

import click

from fieldapp.cli.context import AppContext, pass_app
from fieldapp.cli.helptext import HelpCommand
from fieldapp.cli.output import CliError, guarded
from fieldapp.core.i18n import gettext
from fieldapp.io.demo import generate_demo
from fieldapp.io.demo_founding import demo_founding_cases
from sync.client import DEMO_KEY

__all__ = ["COMMANDS", "demo"]


@click.command("demo", cls=HelpCommand)
@click.option("--enterprises", type=click.IntRange(0, 200_000), default=300, show_default=True)
@click.option("--visits", type=click.IntRange(0, 1_000_000), default=700, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same district.")
@pass_app
@guarded
def demo(app: AppContext, enterprises: int, visits: int, seed: int) -> None:
    """Write demo enterprises, visits and founding cases into the data folder (refused when it already holds
    data)."""
    if visits and not enterprises:
        raise click.UsageError("--visits needs --enterprises of at least 1")
    with app.open_store() as store:
        counts = store.counts()
        if counts["enterprises"] or counts["visits"]:
            raise CliError("not_empty", value=app.data_dir, e=counts["enterprises"], v=counts["visits"])
        made, made_visits = generate_demo(enterprises=enterprises, visits=visits, seed=seed)
        store.save_enterprises(made)
        store.save_visits(made_visits)
        cases = demo_founding_cases(made, made_visits, seed=seed, rules=app.rules)
        for case, unionized in cases:  # a recognized case with its enterprise, now has_union
            store.save_founding_case(case, unionized)
        store.set_meta(DEMO_KEY, True)  # invented data: `fieldapp sync` refuses this folder
    click.echo(
        gettext(
            "Demo data written: {e} enterprises and {v} visits in {dir}.",
            app.lang,
            e=len(made),
            v=len(made_visits),
            dir=app.data_dir,
        )
    )
    if cases:
        click.echo(gettext("Founding cases: {n}, at every stage, some overdue.", app.lang, n=len(cases)))


COMMANDS: list[click.Command] = [demo]
