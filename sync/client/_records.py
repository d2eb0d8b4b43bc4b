"""Record plumbing shared by push, pull and resolve: kinds, store access by kind, sync issues."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fieldapp.core.founding import FoundingCase
from fieldapp.core.kinds import MODELS, Kind
from fieldapp.core.records import Enterprise, Record, Visit, new_id, utcnow

if TYPE_CHECKING:
    from fieldapp.store import Store

__all__ = ["get_record", "record_label", "recreate", "server_copy"]


def get_record(store: Store, kind: str, record_id: str) -> Record | None:
    """The local record of *kind* with *record_id*, or None."""
    if kind == "enterprise":
        return store.get_enterprise(record_id)
    if kind == "visit":
        return store.get_visit(record_id)
    return store.get_founding_case(record_id)


def record_label(store: Store, kind: str, record_id: str) -> str:
    """How a person knows the record: an enterprise's name; a visit's or a founding case's enterprise and date (the
    visit's, the committee's); empty when the record is not on this laptop."""
    if kind == "enterprise":
        firm = store.get_enterprise(record_id)
        return firm.name if firm is not None else ""
    record = get_record(store, kind, record_id)
    if isinstance(record, Visit):
        day = record.visited_on
    elif isinstance(record, FoundingCase):
        day = record.committee_on
    else:
        return ""
    owner = store.get_enterprise(record.enterprise_id)
    return f"{owner.name if owner is not None else '?'}, {day.isoformat()}"


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

    An enterprise takes its pending visits and founding cases along (under fresh ids too: the server deleted the
    old ones with it).
    Written in an order where a crash leaves a duplicate on the laptop, never a loss.
    """
    now = utcnow()
    fresh = {"id": new_id(), "rev": 1, "server_version": None, "pending_since": now, "updated_at": now}
    copy = type(record).parse({**record.to_doc(), **fresh})
    if isinstance(record, Visit):
        store.save_visit(copy)  # type: ignore[arg-type]
        store.delete_visit(record.id)
        return copy
    if isinstance(record, FoundingCase):
        store.save_founding_case(copy)  # type: ignore[arg-type]
        store.delete_founding_case(record.id)
        return copy
    assert isinstance(record, Enterprise)
    kept = [v for v in store.visits_of(record.id) if v.pending]
    cases = [c for c in store.founding_cases_of(record.id) if c.pending]
    if record.tax_code:  # the copy takes the tax code, which the store keeps unique
        store.save_enterprise(record.model_copy(update={"tax_code": None}))
    store.save_enterprise(copy)  # type: ignore[arg-type]
    store.save_visits(
        Visit.parse({**v.to_doc(), **fresh, "id": new_id(), "enterprise_id": copy.id}) for v in kept
    )
    for case in cases:
        store.save_founding_case(
            FoundingCase.parse({**case.to_doc(), **fresh, "id": new_id(), "enterprise_id": copy.id})
        )
    store.delete_enterprise(record.id)
    return copy
