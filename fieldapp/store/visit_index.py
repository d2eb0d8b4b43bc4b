"""The visits of a store, indexed by id and by enterprise, with their models built on first use.

Visits are most of a store (50,000 of 70,000 records in the benchmark) and most commands touch a few of them,
so opening reads only what the indexes need of each stored visit (id, enterprise, pending or not) and builds a
Visit model the first time someone asks for it (``loader``). From a snapshot whose checksum vouched for it, that
much was kept apart by the snapshot itself (``load_columns``): the visits' documents are not even parsed until one
is needed. Otherwise (``load_docs``) a document that does not have exactly the fields of a Visit (hand-edited,
older) is built, and so validated, at once, so damage is still reported when the store opens. The visits of each
enterprise are grouped the first time a group is asked for.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from itertools import compress
from operator import attrgetter
from typing import Any

from fieldapp.core.records import Visit
from fieldapp.store.codec import collector_paused, fits

__all__ = ["VisitIndex"]

_order = attrgetter("visited_on", "created_at", "id")


class VisitIndex:
    """Visits by id and by enterprise; ``loader(id)`` builds the model of a visit not built yet."""

    def __init__(self, loader: Callable[[str], Visit], after_bulk: Callable[[], None] = lambda: None):
        self._loader = loader
        self._after_bulk = after_bulk
        self.owner: dict[str, str] = {}  # visit id -> enterprise id, for every visit, in first-saved order
        self._models: dict[str, Visit] = {}
        self._groups: (
            dict[str, set[str]] | None
        ) = {}  # enterprise id -> its visit ids (None: not grouped yet)
        self._sorted: dict[str, list[Visit]] = {}  # enterprise id -> its visits OLDEST first, once asked for
        self.pending: set[str] = set()

    def load_docs(self, docs: Iterable[dict[str, Any]]) -> None:
        """Index stored visit documents (models come later, except for documents that need validating)."""
        owner, groups, pending = self.owner, self._grouped(), self.pending
        for doc in docs:
            if not fits(Visit, doc):
                model = self._loader(doc["id"])  # validates it (StoreCorrupt when it is not a visit)
                doc = {
                    "id": model.id,
                    "enterprise_id": model.enterprise_id,
                    "pending_since": model.pending_since,
                }
                self._models[model.id] = model
            vid, eid = doc["id"], doc["enterprise_id"]
            owner[vid] = eid
            if eid in groups:
                groups[eid].add(vid)
            else:
                groups[eid] = {vid}
            if doc["pending_since"] is not None:
                pending.add(vid)

    def load_columns(self, ids: list[str], owners: list[str], pending: list[bool]) -> None:
        """Index visits from what the snapshot kept of them (ids, enterprise ids, pending or not), in the table's
        order, into an empty index: their documents are parsed, and their models built, on first use."""
        self.owner = dict(zip(ids, owners, strict=True))
        self.pending = set(compress(ids, pending))
        self._groups = None

    def _grouped(self) -> dict[str, set[str]]:
        groups = self._groups
        if groups is None:
            groups = self._groups = {}
            for vid, eid in self.owner.items():
                if eid in groups:
                    groups[eid].add(vid)
                else:
                    groups[eid] = {vid}
        return groups

    def __len__(self) -> int:
        return len(self.owner)

    def __contains__(self, vid: object) -> bool:
        return vid in self.owner

    def get(self, vid: str) -> Visit | None:
        """The visit with this id, or None."""
        return self.model(vid) if vid in self.owner else None

    def model(self, vid: str) -> Visit:
        """The visit with this id, which must be in the index (built now if nobody asked for it before)."""
        model = self._models.get(vid)
        if model is None:
            model = self._models[vid] = self._loader(vid)
        return model

    def all(self) -> list[Visit]:
        """Every visit, in the order they were first saved."""
        if len(self._models) == len(self.owner):
            return [self._models[vid] for vid in self.owner]
        with collector_paused():  # building them all at once: see codec.collector_paused
            models = [self.model(vid) for vid in self.owner]
        self._after_bulk()
        return models

    def ids_of(self, eid: str) -> list[str]:
        """Ids of the enterprise's visits (any order)."""
        return list(self._grouped().get(eid, ()))

    def _group(self, eid: str) -> list[Visit]:
        group = self._sorted.get(eid)
        if group is None:
            group = sorted((self.model(vid) for vid in self._grouped().get(eid, ())), key=_order)
            if group:
                self._sorted[eid] = group
        return group

    def of(self, eid: str) -> list[Visit]:
        """The enterprise's visits, newest first (visited_on, then created_at, then id, descending)."""
        return self._group(eid)[::-1]

    def latest(self, eid: str) -> Visit | None:
        """The enterprise's newest visit, or None."""
        group = self._group(eid)
        return group[-1] if group else None

    def put(self, visit: Visit) -> None:
        """Add or replace *visit*."""
        if visit.id in self.owner:
            self.remove(visit.id)
        vid, eid = visit.id, visit.enterprise_id
        self.owner[vid] = eid
        self._models[vid] = visit
        if self._groups is not None:
            self._groups.setdefault(eid, set()).add(vid)
        if eid in self._sorted:
            bisect.insort(self._sorted[eid], visit, key=_order)
        if visit.pending_since is not None:
            self.pending.add(vid)

    def put_meta(self, visit: Visit) -> None:
        """Replace a stored visit by a copy with the same content (only its sync bookkeeping changed): it keeps
        its enterprise and its place in the order."""
        vid = visit.id
        self._models[vid] = visit
        if visit.pending_since is None:
            self.pending.discard(vid)
        else:
            self.pending.add(vid)
        ordered = self._sorted.get(visit.enterprise_id)
        if ordered is not None:
            at = bisect.bisect_left(ordered, _order(visit), key=_order)
            ordered[at] = visit

    def remove(self, vid: str) -> None:
        """Drop visit *vid* (nothing happens when there is none)."""
        eid = self.owner.pop(vid, None)
        if eid is None:
            return
        self._models.pop(vid, None)
        self.pending.discard(vid)
        groups = self._groups
        group = None if groups is None else groups.get(eid)
        if groups is not None and group is not None:
            group.discard(vid)
            if not group:
                del groups[eid]
        ordered = self._sorted.get(eid)
        if ordered is not None:
            ordered[:] = [v for v in ordered if v.id != vid]
            if not ordered:
                del self._sorted[eid]

    def remove_enterprise(self, eid: str) -> None:
        """Drop every visit of enterprise *eid*."""
        for vid in self.ids_of(eid):
            self.remove(vid)
