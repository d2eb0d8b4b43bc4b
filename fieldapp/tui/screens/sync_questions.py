"""The Sync screen's questions before it changes a record: each names the record and what will change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fieldapp.core.issues import SyncIssue
from fieldapp.tui.i18n import _, field

if TYPE_CHECKING:
    from sync.client import Discard, Resolution

__all__ = ["discard_question", "resolve_question"]


def _fields(issue: SyncIssue) -> str:
    return ", ".join(field(name) for name in issue.fields)


def resolve_question(issue: SyncIssue, name: str, choice: Resolution) -> str:
    """What "Keep mine" or "Take server's" will do to the record named *name*, as a question."""
    if issue.status == "deleted":
        if choice == "mine":
            return _(
                "Keep “{name}” on this laptop and send it to the server again as a new record?", name=name
            )
        return _("Delete “{name}” from this laptop too, as on the server?", name=name)
    if issue.fields and choice == "mine":
        return _(
            "Keep this laptop's values for “{name}”? The next sync replaces the server's {fields} with them.",
            name=name,
            fields=_fields(issue),
        )
    if issue.fields:
        return _(
            "Take the server's values for “{name}”? On this laptop {fields} change to the server's; "
            "nothing else changes.",
            name=name,
            fields=_fields(issue),
        )
    if choice == "mine":
        return _("Keep this laptop's “{name}” and send it to the server again?", name=name)
    return _("Replace this laptop's “{name}” with the server's copy?", name=name)


def discard_question(plan: Discard) -> str:
    """What discarding will remove (``sync.client.plan_discard``), as a question."""
    if plan.kind == "enterprise":
        question = _(
            "Discard the enterprise “{name}” from this laptop, with its {n} visits? This cannot be undone.",
            name=plan.label,
            n=plan.visits,
        )
    elif plan.kind == "founding_case":
        question = _(
            "Discard the founding case “{name}” from this laptop? This cannot be undone.", name=plan.label
        )
    else:
        question = _("Discard the visit “{name}” from this laptop? This cannot be undone.", name=plan.label)
    if plan.on_server:
        question += " " + _("The server's copy comes back with the next sync.")
    return question
