"""The ward picker: about 40 wards are too many to cycle one key at a time, so type a few letters and pick."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from fieldapp.core.text import fold
from fieldapp.tui.i18n import N_, _
from fieldapp.tui.screens.base import BaseModal
from fieldapp.tui.shown import VisibleControls, shown

__all__ = ["ALL_WARDS", "WardPicker"]

#: what the picker returns for "every ward" (no ward is named by the empty string: the index leaves it out)
ALL_WARDS = ""


class WardPicker(BaseModal[str | None]):
    """Choose one ward (or every ward): the ward, ALL_WARDS, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="ward_picker.cancel"),
        # the search box keeps the focus: the arrows move through the list under it
        Binding("down", "down", N_("Next ward"), id="ward_picker.down", show=False),
        Binding("up", "up", N_("Previous ward"), id="ward_picker.up", show=False),
    ]

    AUTO_FOCUS = "#ward-search"

    def __init__(self, wards: list[str], current: str | None) -> None:
        super().__init__()
        self.wards = wards
        self.current = current
        #: each ward's folded name, once: typing only compares
        self._folded = [fold(w) for w in wards]

    def compose(self) -> ComposeResult:
        with Vertical(id="ward-dialog"):
            yield Static(_("Ward: type to search (accents optional), Enter to pick, Esc to cancel"))
            yield Input(
                placeholder=_("Ward name"), id="ward-search", compact=True, highlighter=VisibleControls()
            )
            yield OptionList(id="wards")

    def on_mount(self) -> None:
        self.refill("")

    def refill(self, text: str) -> None:
        wanted = fold(text).split()
        options = self.query_one("#wards", OptionList)
        options.clear_options()
        if not wanted:
            options.add_option(Option(_("(all wards)"), id="all"))
        for i, (ward, folded) in enumerate(zip(self.wards, self._folded, strict=True)):
            if all(word in folded for word in wanted):
                options.add_option(Option(shown(ward), id=f"w{i}"))
        if options.option_count:
            chosen = 0
            if not wanted and self.current in self.wards:
                chosen = self.wards.index(self.current) + 1
            options.highlighted = chosen

    @on(Input.Changed, "#ward-search")
    def _typed(self, event: Input.Changed) -> None:
        self.refill(event.value)

    @on(Input.Submitted, "#ward-search")
    def _submitted(self) -> None:
        options = self.query_one("#wards", OptionList)
        if options.highlighted is not None:
            self._pick(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected, "#wards")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._pick(event.option.id)

    def _pick(self, option_id: str | None) -> None:
        if option_id == "all":
            self.dismiss(ALL_WARDS)
        elif option_id is not None:
            self.dismiss(self.wards[int(option_id[1:])])

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_down(self) -> None:
        self.query_one("#wards", OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one("#wards", OptionList).action_cursor_up()
