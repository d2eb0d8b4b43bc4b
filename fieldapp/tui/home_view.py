"""The home table's rows kept beside the store, so that the app paints its first screen before the store is read.

A big district takes about a second to open and classify; the first screen only needs what the home table shows.
After every full load the app keeps the rows (``save_home_view``) as the store's view ``home``
(``fieldapp.store.views``): it is trusted only while the store is in the state it was made from, for the same day and
the same rules. At start (``load_home_view``) a trusted view fills the table at once, the store opens and everything
is classified in a worker, and the real rows then replace the view's. A stale, damaged or foreign view is ignored:
the app shows "Loading…" and loads everything, as without a view. What the rows say never comes from anywhere else
than a classification of the exact stored state.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from fieldapp.core.rules import Rules
from fieldapp.core.search import search_text
from fieldapp.store import read_view
from fieldapp.store.codec import collector_paused
from fieldapp.tui.index import Row

if TYPE_CHECKING:
    from fieldapp.store import Store

__all__ = ["VIEW", "HomeView", "load_home_view", "save_home_view", "view_payload"]

VIEW = "home"
_FORMAT = 1
#: what each row keeps, in order (``Row``'s fields but the enterprise model)
_FIELDS = (
    "id",
    "name",
    "tax_code",
    "ward",
    "status",
    "priority",
    "stable",
    "seasonal_share",
    "attitude",
    "last_visit",
    "next_due",
    "pending",
    "haystack",
)
_SEP = " | "  # the first field of the searched text is the folded name (``fieldapp.core.search``)


class HomeView:
    """Rows for the home table, and the number of records waiting to be synced, from a trusted view."""

    def __init__(self, rows: dict[str, Row], pending: int):
        self.rows = rows
        self.pending = pending


def _rows(table: list[list[Any]]) -> dict[str, Row] | None:
    rows: dict[str, Row] = {}
    iso = date.fromisoformat
    for v in table:
        if len(v) != len(_FIELDS) or not isinstance(v[12], str):
            return None
        last, due = iso(v[9]) if v[9] else None, iso(v[10]) if v[10] else None
        name_key = v[12].split(_SEP, 1)[0]
        rows[v[0]] = Row(
            id=v[0],
            name=v[1],
            tax_code=v[2],
            ward=v[3],
            status=v[4],
            priority=v[5],
            stable=v[6],
            seasonal_share=v[7],
            attitude=v[8],
            last_visit=last,
            next_due=due,
            pending=v[11],
            haystack=v[12],
            name_key=name_key,
        )
    return rows


def rules_key(rules: Rules) -> str:
    """What the rules decide with, as one short text (a view made under other rules is not used)."""
    return hashlib.sha256(orjson.dumps(rules.values(), option=orjson.OPT_SORT_KEYS)).hexdigest()


def view_payload(rows: list[Row], pending: int, rules: Rules, today: date) -> dict[str, Any]:
    """The JSON-ready view of *rows* (classified under *rules* on *today*)."""
    table = []
    for row in rows:
        haystack = row.haystack or (search_text(row.enterprise) if row.enterprise is not None else "")
        table.append(
            [
                row.id,
                row.name,
                row.tax_code,
                row.ward,
                row.status,
                row.priority,
                row.stable,
                row.seasonal_share,
                row.attitude,
                row.last_visit.isoformat() if row.last_visit else None,
                row.next_due.isoformat() if row.next_due else None,
                row.pending,
                haystack,
            ]
        )
    return {
        "format": _FORMAT,
        "today": today.isoformat(),
        "rules": rules_key(rules),
        "pending": pending,
        "rows": table,
    }


def save_home_view(
    store: Store, stamp: str | None, rows: list[Row], pending: int, rules: Rules, today: date
) -> bool:
    """Keep *rows*, made from the store's state *stamp* (``Store.state_stamp`` taken before the data was read),
    unless the store changed since; True when kept. Call from a worker thread."""
    if stamp is None:
        return False
    payload = view_payload(rows, pending, rules, today)
    if store.state_stamp() != stamp:
        return (
            False  # a save landed meanwhile: these rows may not show it (the next full load keeps new ones)
        )
    store.write_view(VIEW, stamp, payload)
    return True


def load_home_view(data_dir: Path, rules: Rules, today: date) -> HomeView | None:
    """The rows of a trusted home view of the store in *data_dir*, or None (none, stale, damaged, another day or
    other rules)."""
    payload = read_view(data_dir, VIEW)
    try:
        if (
            not isinstance(payload, dict)
            or payload.get("format") != _FORMAT
            or payload.get("today") != today.isoformat()
            or payload.get("rules") != rules_key(rules)
        ):
            return None
        with collector_paused():  # 20,000 rows and nothing to collect among them
            rows = _rows(payload["rows"])
        if rows is None:
            return None
        return HomeView(rows, int(payload["pending"]))
    except (KeyError, TypeError, ValueError):
        return None
