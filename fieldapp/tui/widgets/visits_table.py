"""The visits of one enterprise as a table that fits its width: short titles, the note gets what is left."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import DataTable

from fieldapp.core.records import Visit, fields_of_type
from fieldapp.tui.i18n import _, field
from fieldapp.tui.shown import shown
from fieldapp.tui.widgets.badges import attitude_text

__all__ = ["NOTE_MIN_WIDTH", "VisitsTable", "visit_titles"]

#: the figures of a visit, right-aligned
_FIGURES = fields_of_type(Visit, int)
#: a narrower note says nothing: on a small terminal the table scrolls sideways instead
NOTE_MIN_WIDTH = 12


def visit_titles() -> dict[str, str]:
    """Short column titles in the current language (the visit form, opened with Enter, has the full labels)."""
    return {
        "visited_on": _("Visited"),
        "headcount": _("Workers"),
        "seasonal": _("Seasonal"),
        "managers": _("Managers"),
        "applications": _("Applications"),
        "attitude": _("Attitude"),
        "next_visit_on": _("Next visit"),
        "note": field("note"),
    }


class VisitsTable(DataTable[str | Text]):
    """Visits, newest first; each row's key is the visit id. The note is cut with “…” to the room left."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.visits: list[Visit] = []
        #: the name this laptop's visits carry: those show as "me", a colleague's by name
        self.me: str | None = None
        self._note_width = 0

    def fill(self, visits: list[Visit], me: str | None = None) -> None:
        """Show *visits* (already in order), the cursor on the first; *me* is this laptop's cadre."""
        self.visits = list(visits)
        self.me = me
        self._build(self._note_width or NOTE_MIN_WIDTH)
        self._fit()

    def _build(self, note_width: int) -> None:
        self._note_width = note_width
        self.clear(columns=True)
        titles = visit_titles()
        for name in ("visited_on", *_FIGURES, "attitude", "next_visit_on", "cadre"):
            self.add_column(titles.get(name) or field(name), key=name)
        self.add_column(titles["note"], key="note", width=note_width)
        for v in self.visits:
            self.add_row(
                v.visited_on.isoformat(),
                *(Text(str(getattr(v, n)), justify="right") for n in _FIGURES),
                attitude_text(v.attitude.value),
                v.next_visit_on.isoformat() if v.next_visit_on else "—",
                # who logged it: colleagues' visits arrive with their area, and are read only
                _("me") if self.me and v.cadre == self.me else shown(v.cadre, no_wrap=True),
                shown(v.note, no_wrap=True, overflow="ellipsis"),  # one line: newlines shown as spaces
                key=v.id,
            )

    def _room_for_note(self) -> int:
        """The note's width: what the other columns (sized to their cells) leave of the visible width."""
        others = sum(c.get_render_width(self) for key, c in self.columns.items() if key.value != "note")
        return max(NOTE_MIN_WIDTH, self.scrollable_content_region.width - others - 2 * self.cell_padding)

    def _fit(self) -> None:
        room = self._room_for_note()
        if room != self._note_width:
            row = self.cursor_row
            self._build(room)
            if self.visits:
                self.move_cursor(row=min(row, len(self.visits) - 1), animate=False)

    def on_resize(self, _event: events.Resize) -> None:
        # only the note's width follows the table's: refill when it changes
        self._fit()
