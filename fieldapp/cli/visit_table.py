"""The table of visits that ``visit list`` and ``enterprise show`` print."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from fieldapp.core.i18n import Lang
from fieldapp.core.labels import field_label, value_label
from fieldapp.core.records import Enterprise, Visit

__all__ = ["visit_rows"]

#: the table's columns: the visit's content in the record's order, but the date first, then the long note, and the
#: id last (what `visit edit` and `visit delete` take)
_COLUMNS = (
    "visited_on",
    *(f for f in Visit.CONTENT_FIELDS if f not in ("id", "visited_on", "note")),
    "note",
    "id",
)


def visit_rows(
    visits: Sequence[Visit], enterprises: Mapping[str, Enterprise], lang: Lang
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Headers and rows of a visit table (the enterprise shown by name when *enterprises* has it)."""
    headers = [field_label(f, lang) for f in _COLUMNS]
    rows = [tuple(_cell(v, name, enterprises, lang) for name in _COLUMNS) for v in visits]
    return headers, rows


def _cell(v: Visit, name: str, enterprises: Mapping[str, Enterprise], lang: Lang) -> Any:
    if name == "enterprise_id":
        owner = enterprises.get(v.enterprise_id)
        return owner.name if owner else v.enterprise_id
    if name == "attitude":
        return value_label("attitude", v.attitude, lang)
    raw = getattr(v, name)
    if isinstance(raw, date):
        return raw.isoformat()
    return "" if raw is None else raw
