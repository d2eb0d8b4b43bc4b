"""A one-line title: a record's name, cut with “…” to the width, followed by badges that are always whole."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

__all__ = ["NAME_MIN", "TitleLine"]

#: the fewest cells the name keeps, however long the badges after it
NAME_MIN = 12


class TitleLine(Static):
    """One line, never wrapped: the name gives way to the badges after it (a status badge and "Priority: High"
    cut in two read as nonsense; a long name cut with “…” is still recognisable, and whole elsewhere). Give it
    ``height: 1`` in the screen's CSS."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._main = Text()
        self._badges = Text()

    def show(self, name: Text, tail: Text | None = None) -> None:
        """Show *name* (characters only: build it with ``shown``) and then *tail*, kept whole."""
        self._main, self._badges = name, tail or Text()
        self.refresh()

    def render(self) -> Text:
        width = self.content_size.width
        name = self._main.copy()
        room = max(NAME_MIN, width - self._badges.cell_len) if width else name.cell_len
        if name.cell_len > room:
            name.truncate(max(1, room - 1))
            name.rstrip()
            name.append("…")
        line = name + self._badges
        line.no_wrap = True
        line.overflow = "crop"
        return line
