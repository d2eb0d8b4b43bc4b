"""``fieldapp wards unmatched``: the enterprises whose ward is not on the 2025 map yet, with the wards to choose.

A ward stays off the map when the store's migration or an import could not place it without a doubt: an old ward
split between several 2025 wards, or a name on no map. ``fieldapp enterprise edit ID --ward NAME`` (or the
terminal app's form) then puts it on the map.
"""

from __future__ import annotations

import click

from fieldapp.cli.context import AppContext, pass_app
from fieldapp.cli.helptext import HelpGroup
from fieldapp.cli.output import guarded, print_json, print_table, say
from fieldapp.core.i18n import gettext
from fieldapp.core.old_map import Placed, place_ward

__all__ = ["COMMANDS", "wards"]


@click.group(cls=HelpGroup)
def wards() -> None:
    """Wards on the 2025 map: the enterprises not on it yet."""


@wards.command("unmatched")
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON: [{id, name, ward, district, how, candidates}]."
)
@pass_app
@guarded
def unmatched(app: AppContext, as_json: bool) -> None:
    """List the enterprises whose ward has no code on the 2025 map, with the wards it may be now."""
    lang = app.lang
    with app.open_store(readonly=True) as store:
        found = [e for e in store.enterprises() if e.ward and e.ward_code is None]
    rows = []
    for e in found:
        placement = place_ward(e.ward, e.district, default_province=app.settings.province)
        # a ward placed now (the setting changed since, say) is offered as its one candidate
        candidates = [placement.unit] if placement.unit is not None else list(placement.candidates)
        how = placement.how if placement.unit is None else Placed.MATCHED
        rows.append((e, how, [u.name for u in candidates]))
    if as_json:
        print_json(
            [
                {"id": e.id, "name": e.name, "ward": e.ward, "district": e.district, "how": how.value,
                 "candidates": names}
                for e, how, names in rows
            ]
        )  # fmt: skip
        return
    if not rows:
        say(gettext("Every enterprise's ward is on the 2025 map.", lang))
        return
    headers = [gettext("Enterprise", lang), gettext("Ward", lang), gettext("District", lang),
               gettext("Wards to choose from", lang), "id"]  # fmt: skip
    print_table(
        headers,
        [(e.name, e.ward, e.district, ", ".join(names) or "—", e.id) for e, _how, names in rows],
        title=gettext("{n} enterprises whose ward is not on the 2025 map", lang, n=len(rows)),
    )
    say(gettext("Choose with: fieldapp enterprise edit ID --ward NAME", lang))


COMMANDS: list[click.Command] = [wards]
