"""The home screen's search box: the table follows a keystroke in the frame that shows the typed letter."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widgets import Input

__all__ = ["SearchBox"]


class SearchBox(Input):
    """An ``Input`` that hands its new value to *follow* at once, while the key is being handled.

    ``Input.Changed`` reaches the screen as a message, after Textual may already have painted a frame with just
    the typed letter; the table's frame then waited for the next frame slot (up to 1/60 s). Called from the
    value's watcher, the refill lands in the same frame as the letter (issue 12). ``Input.Changed`` is still sent.
    """

    def __init__(self, follow: Callable[[str], None], **kwargs: Any) -> None:
        self._follow = follow  # first: Input's own __init__ sets the value
        super().__init__(**kwargs)

    def watch_value(self, value: str) -> None:
        self._follow(value)
