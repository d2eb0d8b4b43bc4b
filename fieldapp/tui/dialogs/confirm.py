"""A question with two or three answers, e.g. "leave without saving?"."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from fieldapp.tui.i18n import N_
from fieldapp.tui.screens.base import BaseModal
from fieldapp.tui.shown import shown

__all__ = ["Confirm"]


class Confirm(BaseModal[str]):
    """Ask *question*; dismisses with the id of the chosen answer ("cancel" on Escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "choose('cancel')", N_("Cancel"), id="confirm.cancel"),
    ]

    def __init__(self, question: str, answers: list[tuple[str, str]], *, danger: str | None = None) -> None:
        super().__init__()
        self.question = question
        #: (id, label) pairs, the first is focused
        self.answers = answers
        self.danger = danger

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(shown(self.question), id="question")  # it may name a record
            with Horizontal(id="answers"):
                for answer_id, text in self.answers:
                    danger = answer_id == self.danger
                    yield Button(
                        text, id=f"answer-{answer_id}", variant="error" if danger else "default", compact=True
                    )

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "answer-cancel").removeprefix("answer-"))

    def action_choose(self, answer: str) -> None:
        self.dismiss(answer)
