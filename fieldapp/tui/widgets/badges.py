"""How statuses, priorities and values look: the one place that maps a status to its colour and formats cells."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import App
from textual.color import Color

from fieldapp.core import reasons
from fieldapp.tui.i18n import language, value

__all__ = [
    "STATUS_COLOURS",
    "THEMES",
    "attitude_text",
    "date_text",
    "priority_label",
    "priority_text",
    "share_text",
    "status_badge",
    "status_label",
]

#: the themes the app offers (Textual's built-in ones), dark first; the colours below are read from them
THEMES: tuple[str, ...] = ("textual-dark", "textual-light")
#: status -> theme colour variable; the theme decides the shade, so light and dark both read well
STATUS_COLOURS: dict[str, str] = {
    "eligible": "success",
    "not_eligible": "error",
    "unionized": "primary",
    "unknown": "warning",
}
_PRIORITY_STYLES: dict[str, str] = {"high": "bold", "normal": "", "low": "dim"}
_FALLBACK = {"success": "#4EBF71", "error": "#BA3C5B", "primary": "#0178D4", "warning": "#FFA62B"}


def status_label(status: str) -> str:
    """The classifier's label of *status* in the current language."""
    return reasons.status_label(status, language())


def priority_label(priority: str) -> str:
    """The classifier's label of *priority* in the current language."""
    return reasons.priority_label(priority, language())


def _colour(app: App[object] | None, variable: str) -> str:
    if app is not None:
        found = app.theme_variables.get(variable)
        if found:
            # Rich styles take no alpha channel
            return Color.parse(found).hex6
    return _FALLBACK.get(variable, "#888888")


def status_badge(app: App[object] | None, status: str, width: int | None = None) -> Text:
    """A coloured badge with the status label, padded to *width* cells when given."""
    background = _colour(app, STATUS_COLOURS.get(status, "warning"))
    foreground = Color.parse(background).get_contrast_text(1.0).hex
    text = f" {status_label(status)} "
    if width is not None:
        text = text[:width].ljust(width)
    return Text(text, style=f"bold {foreground} on {background}")


def priority_text(app: App[object] | None, priority: str) -> Text:
    """The priority label, highlighted when high."""
    style = _PRIORITY_STYLES.get(priority, "")
    if priority == "high":
        style += " " + _colour(app, "warning")
    return Text(priority_label(priority), style=style)


def date_text(day: date | None, today: date | None = None) -> Text:
    """An ISO date, in bold when it is on or before *today* (overdue); a dash when missing."""
    if day is None:
        return Text("—", style="dim")
    overdue = today is not None and day <= today
    return Text(day.isoformat(), style="bold" if overdue else "")


def share_text(share: float | None) -> str:
    """A share as a whole percentage."""
    return "—" if share is None else f"{round(share * 100)}%"


def attitude_text(attitude: str | None) -> str:
    """The employer attitude's label (from fieldapp.core.labels)."""
    return "—" if attitude is None else value("attitude", attitude)
