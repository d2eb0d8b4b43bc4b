"""Form pieces: a labelled input with its message underneath, the attitude picker, and the validator that asks
the core's record rules (so every rule lives in one place: ``Visit.parse`` / ``Enterprise.parse``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Input, Label, Static, TextArea

from fieldapp.core.admin_units import completion
from fieldapp.core.records import Attitude
from fieldapp.tui.i18n import N_, field, value
from fieldapp.tui.localise import localise_bindings
from fieldapp.tui.shown import VisibleControls, plain, shown

__all__ = ["ATTITUDES", "AttitudePicker", "FieldBox", "NoteArea", "WardSuggester", "make_input"]

ATTITUDES: tuple[str, ...] = tuple(a.value for a in Attitude)


class FieldBox(Vertical):
    """A field's label, its input and the messages under it: an error (the value is refused) and a warning (the
    value is kept but looks wrong, e.g. a tax code whose check digit does not match); each hidden when empty."""

    def __init__(self, name: str, widget: Widget, *, label: str | None = None) -> None:
        super().__init__(classes="fieldbox", id=f"box-{name}")
        self.field_name = name
        self.widget = widget
        self.label_text = label or field(name)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="fieldrow"):
            yield Label(self.label_text, classes="fieldlabel")
            yield self.widget
        yield Static("", classes="error", id=f"error-{self.field_name}")
        yield Static("", classes="warning", id=f"warning-{self.field_name}")

    def show_problem(self, message: str | None) -> None:
        """Show *message* under the field (or nothing)."""
        error = self.query_one(".error", Static)
        error.update(shown(message))  # it may quote what was typed
        error.display = bool(message)
        self.set_class(bool(message), "-invalid")
        # the field is red with its message, never before: the form decides when (RecordForm.check), so the
        # input has no validator of its own that would judge it on mount or at the first key
        self.widget.set_class(bool(message), "-invalid")

    def show_warning(self, message: str | None) -> None:
        """Show *message* under the field as a warning, which does not stop a save (or nothing)."""
        warning = self.query_one(".warning", Static)
        warning.update(shown("⚠ " + message if message else ""))
        warning.display = bool(message)


def make_input(name: str, raw: str, **kwargs: object) -> Input:
    """A compact input for field *name* (the form validates it with the record rules: ``RecordForm.check``)."""
    return Input(
        value=raw,
        id=f"input-{name}",
        compact=True,
        validate_on=[],  # Input's own validation would mark it valid on blur, over the form's judgement
        highlighter=VisibleControls(),
        **kwargs,  # type: ignore[arg-type]
    )


class WardSuggester(Suggester):
    """Completes a ward typed without accents with its official name on the 2025 map, spelled the way it was
    begun ("bach m" → "Bạch Mai", "phuong bach m" → "Phường Bạch Mai"); → accepts it. *province* is asked at
    each key, so a change of the setting applies at once."""

    def __init__(self, province: Callable[[], str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self.province = province

    async def get_suggestion(self, value: str) -> str | None:
        return completion(value, self.province())


class NoteArea(TextArea):
    """A multi-line field whose control characters, typed or pasted, show as U+FFFD (the text keeps them, so the
    record rules refuse it with a message under the field, as ``VisibleControls`` does for an input)."""

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        line.plain = plain(line.plain)  # one character for one: the cursor and the selection stay put
        return line


class AttitudePicker(Widget, can_focus=True):
    """The employer's attitude: one key per choice (1–4), or ←/→, or a click."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose(0)", N_("Choose this attitude"), id="attitude.1", show=False),
        Binding("2", "choose(1)", N_("Choose this attitude"), id="attitude.2", show=False),
        Binding("3", "choose(2)", N_("Choose this attitude"), id="attitude.3", show=False),
        Binding("4", "choose(3)", N_("Choose this attitude"), id="attitude.4", show=False),
        Binding("left", "step(-1)", N_("Previous choice"), id="attitude.left", show=False),
        Binding("right", "step(1)", N_("Next choice"), id="attitude.right", show=False),
    ]

    chosen: reactive[str | None] = reactive(None)

    class Changed(Message):
        """The choice changed."""

        def __init__(self, picker: AttitudePicker, chosen: str | None) -> None:
            self.picker = picker
            self.chosen = chosen
            super().__init__()

    def __init__(self, chosen: str | None, *, id: str | None = None) -> None:
        super().__init__(id=id)
        localise_bindings(self)
        self.set_reactive(AttitudePicker.chosen, chosen)
        self._spans: list[tuple[int, int]] = []

    def render(self) -> Text:
        text = Text()
        self._spans = []
        for i, attitude in enumerate(ATTITUDES):
            start = len(text)
            piece = f"{i + 1} {value('attitude', attitude)}"
            if attitude == self.chosen:
                text.append(f"[{piece}]", style="bold reverse")
            else:
                text.append(f" {piece} ")
            self._spans.append((start, len(text)))
        # no gap besides each choice's own blanks: the four fit 80 columns inside the field's edges
        return text

    def watch_chosen(self, chosen: str | None) -> None:
        self.post_message(self.Changed(self, chosen))

    def action_choose(self, index: int) -> None:
        self.chosen = ATTITUDES[index]

    def action_step(self, delta: int) -> None:
        current = ATTITUDES.index(self.chosen) if self.chosen in ATTITUDES else -1
        self.chosen = ATTITUDES[(current + delta) % len(ATTITUDES)]

    def on_click(self, event: events.Click) -> None:
        for i, (start, end) in enumerate(self._spans):
            if start <= event.x < end:
                self.chosen = ATTITUDES[i]
                return
