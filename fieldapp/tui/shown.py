"""The one place record data becomes widget content.

Names, wards, notes and a server's words are data: they may hold a terminal escape (``\\x1b[2J`` clears the screen,
``\\x1b]0;…`` sets the window title) or text that looks like markup (``[bold]``, ``[link=…]``). Whatever shows data
takes it through here: a rich ``Text`` (never parsed as markup) whose control characters are made visible by the
core's ``displayable``. A message that names data is built first (``_("… {name}", name=e.name)``) and shown through
here as a whole: the template is ours, so nothing of it changes.
"""

from __future__ import annotations

from rich.console import JustifyMethod, OverflowMethod
from rich.highlighter import Highlighter
from rich.text import Text
from textual.markup import escape

from fieldapp.core.text import displayable

__all__ = ["VisibleControls", "as_markup", "plain", "shown"]


def plain(value: object, *, newlines: bool = False) -> str:
    """*value* as a str safe for a widget that takes one (an input, a toast without markup, a palette hit):
    every control character shown as U+FFFD, a newline kept only when *newlines* (else a space)."""
    return "" if value is None else displayable(str(value), newlines=newlines)


def shown(
    value: object,
    *,
    style: str = "",
    newlines: bool = False,
    justify: JustifyMethod | None = None,
    no_wrap: bool | None = None,
    overflow: OverflowMethod | None = None,
) -> Text:
    """*value* as widget content: characters only, never markup, never a control character (None shows as "")."""
    return Text(
        plain(value, newlines=newlines), style=style, justify=justify, no_wrap=no_wrap, overflow=overflow
    )


def as_markup(value: object) -> str:
    """*value* for the few widgets that read every str as markup (the command palette's help line): its
    brackets escaped, so it still shows as typed."""
    return escape(plain(value))


class VisibleControls(Highlighter):
    """An input's highlighter: what was typed or pasted shows its control characters as U+FFFD. The value keeps
    them, so the record rules refuse it with a message under the field instead of the form changing it unseen."""

    def highlight(self, text: Text) -> None:
        text.plain = displayable(text.plain)  # one character for one: the cursor and the selection stay put
