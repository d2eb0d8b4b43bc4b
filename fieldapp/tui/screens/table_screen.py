"""The skeleton of a screen that is one table under a title and a count line: the founding pipeline (F5) and the
follow-ups (F2).

What it shows is fetched (from the store and the index) when the screen is mounted and when the data changed
(``DataChanged``); a resize, a language switch or a change of what is filtered only lays out again what was
fetched, so dragging the edge of a terminal reads nothing from the store.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Footer, Static

from fieldapp.tui.messages import DataChanged
from fieldapp.tui.screens.base import BaseScreen

__all__ = ["TableScreen"]

D = TypeVar("D")


class TableScreen(BaseScreen[None], Generic[D]):
    """A title, a count line and a table of rows fetched as *D*; Enter on a row opens its enterprise.

    A screen names its widgets (``TABLE_ID``; the title is ``TABLE_ID-title``; ``COUNT_ID``) and says what its
    title is, how its data is fetched, how it is drawn at the current size and which enterprise a row opens."""

    #: the table's id (the title line's is this with ``-title``) and the count line's id: screens.tcss styles them
    TABLE_ID = ""
    COUNT_ID = ""

    def __init__(self) -> None:
        super().__init__()
        self._data: D | None = None
        self._fetched = False

    def compose(self) -> ComposeResult:
        yield Static(self.title_text(), id=f"{self.TABLE_ID}-title")
        yield Static(id=self.COUNT_ID)
        table: DataTable[str | Text] = DataTable(id=self.TABLE_ID, cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer(compact=True)

    # --- what a screen says --------------------------------------------------------------------------------
    def title_text(self) -> Text:
        """The title line."""
        raise NotImplementedError

    def fetch(self) -> D:
        """Read what the table shows (the only place the screen reads the store)."""
        raise NotImplementedError

    def draw(self, table: DataTable[str | Text], data: D) -> None:
        """Lay *data* out in *table* (columns included) at the screen's current size, and the count line."""
        raise NotImplementedError

    def enterprise_of(self, key: str) -> str | None:
        """The enterprise a row's *key* opens (None: a heading or a placeholder row)."""
        return key

    # --- when -----------------------------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.refill()

    def on_resize(self) -> None:
        self.lay_out()

    def after_rebuild(self) -> None:
        self.lay_out()

    @on(DataChanged)
    def _data_changed(self) -> None:
        self.refill()

    def refill(self) -> None:
        """Fetch again, then lay out."""
        self._data, self._fetched = self.fetch(), True
        self.lay_out()

    def lay_out(self) -> None:
        """Lay out what was fetched (fetching first if nothing was yet)."""
        if not self._fetched:
            self.refill()
            return
        self.draw(self.table, self._data)  # type: ignore[arg-type]  # fetched: a D, which may itself be None

    # --- the table ------------------------------------------------------------------------------------------
    @property
    def table(self) -> DataTable[str | Text]:
        table: DataTable[str | Text] = self.query_one(f"#{self.TABLE_ID}", DataTable)
        return table

    def selected_key(self) -> str | None:
        """The key of the row under the cursor."""
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return None if key is None else str(key)

    def selected(self) -> str | None:
        """The enterprise of the row under the cursor, if it has one."""
        key = self.selected_key()
        return None if key is None else self.enterprise_of(key)

    @on(DataTable.RowSelected)
    def _open(self) -> None:
        selected = self.selected()
        if selected is not None:
            self.fapp.open_enterprise(selected)
