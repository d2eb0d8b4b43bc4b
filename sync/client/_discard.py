"""Dropping a record the server refused for good (a demo visit, an enterprise outside the cadre's area).

Only records with a ``rejected`` or ``unappliable`` sync issue can be discarded (a conflict is settled with
``resolve``). An enterprise goes with its visits and founding cases. When the server holds a version of the record, the laptop's
next sync pulls its area again from the start, so the server's copy comes back instead of the discarded edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fieldapp.core.kinds import Kind
from sync.client._pull import SCOPE_KEY
from sync.client._records import get_record, record_label

if TYPE_CHECKING:
    from fieldapp.store import Store

__all__ = ["DISCARDABLE", "Discard", "discard", "plan_discard"]

#: the sync issues whose record may be dropped from the laptop
DISCARDABLE = frozenset({"rejected", "unappliable"})


@dataclass(frozen=True, slots=True)
class Discard:
    """What discarding one record removes (for the confirmation that names it)."""

    kind: Kind
    id: str
    #: the enterprise's name, or the visited enterprise's name and the visit's date (the case's: the date its
    #: committee formed)
    label: str
    #: an enterprise's visits, removed with it
    visits: int
    #: the server has a version of it: the next sync brings that back
    on_server: bool


def plan_discard(store: Store, kind: Kind, record_id: str) -> Discard:
    """What discarding would remove; ValueError when the record has no sync issue that allows it."""
    issue = store.sync_issue(kind, record_id)
    if issue is None or issue.status not in DISCARDABLE:
        raise ValueError(f"{kind} {record_id} has no rejected sync issue")
    record = get_record(store, kind, record_id)
    if kind == "enterprise":
        enterprise = store.get_enterprise(record_id)
        label = enterprise.name if enterprise is not None else record_id
        visits = len(store.visits_of(record_id))
    else:
        label = record_label(store, kind, record_id) or record_id
        visits = 0
    on_server = record is not None and record.server_version is not None
    return Discard(kind, record_id, label, visits, on_server)


def discard(store: Store, kind: Kind, record_id: str) -> Discard:
    """Remove the record (an enterprise with its visits and cases) and its sync issue; what was removed."""
    planned = plan_discard(store, kind, record_id)
    store.delete_record(kind, record_id)
    store.clear_sync_issue(kind, record_id)
    if planned.on_server:
        store.set_meta(SCOPE_KEY, None)  # pull the area again: the server's copy comes back
    return planned
