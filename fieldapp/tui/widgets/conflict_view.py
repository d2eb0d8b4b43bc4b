"""A conflict side by side: for each field both sides changed, this laptop's value and the server's."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from fieldapp.core.issues import SyncIssue
from fieldapp.core.labels import VALUE_LABELS
from fieldapp.tui.i18n import _, field, value
from fieldapp.tui.shown import shown

__all__ = ["ConflictTable", "conflict_rows", "shown_value"]


def shown_value(name: str, raw: Any) -> str:
    """How one field's value reads in the comparison, whichever side it comes from (the server's copy is JSON:
    a date is a string there, a choice its code)."""
    if raw is None or raw == "":
        return "—"
    if isinstance(raw, bool):
        return _("yes") if raw else _("no")
    if isinstance(raw, Enum):
        raw = raw.value
    if isinstance(raw, datetime | date):
        return raw.isoformat()
    if (name, str(raw)) in VALUE_LABELS:
        return value(name, str(raw))
    return str(raw)


def conflict_rows(issue: SyncIssue, mine: object | None) -> list[tuple[str, str, str]]:
    """(field label, my value, the server's value) for each field of *issue*, *mine* being the local record."""
    server: Mapping[str, Any] = issue.server_record or {}
    return [
        (
            field(name),
            shown_value(name, getattr(mine, name, None)) if mine is not None else "—",
            shown_value(name, server.get(name)),
        )
        for name in issue.fields
    ]


class ConflictTable(DataTable[str | Text]):
    """The selected conflict's fields: label | mine | the server's (filled by ``show``, hidden when empty)."""

    def __init__(self, *, id: str | None = None) -> None:
        # not focusable: the issues table keeps the keys, this one follows its cursor
        super().__init__(id=id, cursor_type="none", zebra_stripes=True)
        self.can_focus = False
        #: what is shown, as plain text (for the confirmation and tests)
        self.shown_rows: list[tuple[str, str, str]] = []

    def show(self, rows: list[tuple[str, str, str]]) -> None:
        """Show *rows*; hide the table when there are none."""
        self.shown_rows = rows
        self.clear(columns=True)
        self.add_column(_("Field"), key="field")
        self.add_column(_("Mine (this laptop)"), key="mine")
        self.add_column(_("The server's"), key="server")
        for label, mine, theirs in rows:
            # values are data: characters only, never markup
            self.add_row(label, shown(mine, no_wrap=True), shown(theirs, no_wrap=True))
        self.display = bool(rows)
