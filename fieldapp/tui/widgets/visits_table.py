"""The visits of one enterprise as a table that fits its width: short titles, the note gets what is left.

On a narrow terminal the note would get a few cells: the columns a cadre needs least move after it, a sideways
scroll away, until it has ``NOTE_WANTED`` (docs/tui.md)."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import DataTable

from fieldapp.core.records import Visit, fields_of_type
from fieldapp.tui.i18n import _, field
from fieldapp.tui.shown import shown
from fieldapp.tui.widgets.badges import attitude_text

__all__ = ["NOTE_MIN_WIDTH", "NOTE_WANTED", "VisitsTable", "visit_titles"]

#: the figures of a visit, right-aligned
_FIGURES = fields_of_type(Visit, int)
#: a narrower note says nothing: on a small terminal the table scrolls sideways instead
NOTE_MIN_WIDTH = 12
#: the note's width on screen before any sideways scroll, when the columns in _MOVABLE can make room for it
NOTE_WANTED = 30
#: the columns that move after the note, in this order, until it gets NOTE_WANTED: the visit's own next date
#: (the enterprise's next visit is on the home table), then the figures the verdict above already sums up
_MOVABLE = ("next_visit_on", "managers", "seasonal", "applications")
_COLUMNS = ("visited_on", *_FIGURES, "attitude", "next_visit_on", "cadre")


def _cell_len(cell: str | Text) -> int:
    return cell.cell_len if isinstance(cell, Text) else cell_len(cell)


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
        self._widths: dict[str, int] = {}
        #: the columns after the note (a sideways scroll away), from _MOVABLE, in the table's order
        self.after_note: tuple[str, ...] = ()

    def fill(self, visits: list[Visit], me: str | None = None) -> None:
        """Show *visits* (already in order), the cursor on the first; *me* is this laptop's cadre."""
        self.visits = list(visits)
        self.me = me
        self._build(self._note_width or NOTE_MIN_WIDTH, self.after_note)
        self._fit()

    def _build(self, note_width: int, after_note: tuple[str, ...]) -> None:
        self._note_width, self.after_note = note_width, after_note
        self.clear(columns=True)
        titles = visit_titles()
        rows = [self._cells(v) for v in self.visits]
        # each column's width, measured here: the table measures its cells only once it is idle, too late for
        # the note's share of the width
        self._widths = {
            name: max([cell_len(titles.get(name) or field(name))] + [_cell_len(row[name]) for row in rows])
            + 2 * self.cell_padding
            for name in _COLUMNS
        }
        order = [name for name in _COLUMNS if name not in after_note] + ["note", *after_note]
        for name in order:
            label = titles.get(name) or field(name)
            self.add_column(label, key=name, width=note_width if name == "note" else None)
        for v, row in zip(self.visits, rows, strict=True):
            self.add_row(*(row[name] for name in order), key=v.id)

    def _cells(self, v: Visit) -> dict[str, str | Text]:
        return {
            "visited_on": v.visited_on.isoformat(),
            **{n: Text(str(getattr(v, n)), justify="right") for n in _FIGURES},
            "attitude": attitude_text(v.attitude.value),
            "next_visit_on": v.next_visit_on.isoformat() if v.next_visit_on else "—",
            # who logged it: colleagues' visits arrive with their area, and are read only
            "cadre": _("me") if self.me and v.cadre == self.me else shown(v.cadre, no_wrap=True),
            "note": shown(v.note, no_wrap=True, overflow="ellipsis"),  # one line: newlines shown as spaces
        }

    def _layout(self) -> tuple[int, tuple[str, ...]]:
        """The note's width and the columns after it: the note gets what the others (sized to their cells) leave
        of the visible width; while that is under NOTE_WANTED, the next of _MOVABLE goes after it."""
        room = self.scrollable_content_region.width - sum(self._widths.values()) - 2 * self.cell_padding
        after: list[str] = []
        for name in _MOVABLE:
            if room >= NOTE_WANTED:
                break
            after.append(name)
            room += self._widths[name]
        return max(NOTE_MIN_WIDTH, room), tuple(name for name in _COLUMNS if name in after)  # in their order

    def _fit(self) -> None:
        layout = self._layout()
        if layout != (self._note_width, self.after_note):
            row = self.cursor_row
            self._build(*layout)
            if self.visits:
                self.move_cursor(row=min(row, len(self.visits) - 1), animate=False)

    def on_resize(self, _event: events.Resize) -> None:
        # only the note's width follows the table's: refill when it changes
        self._fit()
