"""Record plumbing shared by push, pull and resolve: kinds, store access by kind, sync issues."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from fieldapp.core.kinds import MODELS, Kind
from fieldapp.core.records import Enterprise, Record, Visit, new_id, utcnow

if TYPE_CHECKING:
    from fieldapp.store import Store

__all__ = ["get_record", "mark_synced_many", "recreate", "save_record", "server_copy"]


def get_record(store: Store, kind: str, record_id: str) -> Record | None:
    """The local record of *kind* with *record_id*, or None."""
    return store.get_enterprise(record_id) if kind == "enterprise" else store.get_visit(record_id)


def save_record(store: Store, record: Record) -> None:
    """Insert or replace *record* in the store (durable on return)."""
    if isinstance(record, Enterprise):
        store.save_enterprise(record)
    else:
        assert isinstance(record, Visit)
        store.save_visit(record)


def server_copy(
    kind: Kind, content: dict[str, Any], server_version: int | None, local: Record | None = None
) -> Record:
    """The server's *content* as a synced local record, keeping *local*'s creation time and revision.

    Raises RecordError when the content is not a valid record on this laptop.
    """
    doc: dict[str, Any] = {}
    if local is not None:
        doc.update({"created_at": local.created_at, "rev": local.rev})
    doc.update(content)
    doc.update({"server_version": server_version, "pending_since": None, "updated_at": utcnow()})
    return MODELS[kind].parse(doc)


def recreate(store: Store, record: Record) -> Record:
    """Keep a record the server deleted: a copy under a fresh id, new to the server and pending; the old one goes.

    An enterprise takes its pending visits along (under fresh ids too: the server deleted the old ones with it).
    Written in an order where a crash leaves a duplicate on the laptop, never a loss.
    """
    now = utcnow()
    fresh = {"id": new_id(), "rev": 1, "server_version": None, "pending_since": now, "updated_at": now}
    copy = type(record).parse({**record.to_doc(), **fresh})
    if isinstance(record, Visit):
        store.save_visit(copy)  # type: ignore[arg-type]
        store.delete_visit(record.id)
        return copy
    assert isinstance(record, Enterprise)
    kept = [v for v in store.visits_of(record.id) if v.pending]
    if record.tax_code:  # the copy takes the tax code, which the store keeps unique
        store.save_enterprise(record.model_copy(update={"tax_code": None}))
    store.save_enterprise(copy)  # type: ignore[arg-type]
    store.save_visits(
        Visit.parse({**v.to_doc(), **fresh, "id": new_id(), "enterprise_id": copy.id}) for v in kept
    )
    store.delete_enterprise(record.id)
    return copy


def mark_synced_many(store: Store, marks: Iterable[tuple[Kind, str, int, int | None]]) -> int:
    """``store.mark_synced`` for each (kind, id, rev, server_version); the number of records cleared.

    Uses the store's bulk form when it has one (one durable write for a whole batch instead of one per record).
    """
    marks = list(marks)
    bulk = getattr(store, "mark_synced_many", None)
    if bulk is not None:
        return int(bulk(marks))
    cleared = 0
    for kind, record_id, rev, version in marks:
        cleared += bool(store.mark_synced(kind, record_id, rev=rev, server_version=version))
    return cleared
