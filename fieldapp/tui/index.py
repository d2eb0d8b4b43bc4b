"""The home table's data: one row per enterprise with its cached classification, searched, filtered and sorted in memory.

Everything is classified once when the app starts (in a worker); after a save only the enterprise that changed is
classified again. Searching 20,000 rows is a scan of pre-folded strings; sorting keeps a name-ordered base list and
sorts it once per sort column, so a keystroke only filters.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from fieldapp.core.classify import PRIORITIES, STATUSES, Classification, classify, classify_all, group_visits
from fieldapp.core.records import Enterprise, Visit
from fieldapp.core.rules import Rules
from fieldapp.core.search import query_words, search_text, select
from fieldapp.core.text import fold, fold_many

__all__ = ["COLUMNS", "PRIORITIES", "STATUSES", "EnterpriseIndex", "Query", "Row"]

#: the sortable columns, in table order
COLUMNS: tuple[str, ...] = (
    "status",
    "name",
    "tax_code",
    "ward",
    "priority",
    "stable",
    "seasonal_share",
    "attitude",
    "last_visit",
    "next_due",
    "pending",
)
_ATTITUDES = ("supportive", "neutral", "reluctant", "hostile")


@dataclass(slots=True)
class Row:
    """What the home table shows of one enterprise."""

    id: str
    name: str
    tax_code: str
    ward: str
    status: str
    priority: str
    stable: int | None
    seasonal_share: float | None
    attitude: str | None
    last_visit: date | None
    next_due: date | None
    pending: bool
    #: the enterprise shown (its searched text is made from it on first need: see prepare_search())
    enterprise: Enterprise | None = None
    #: ``fieldapp.core.search.search_text`` of the enterprise, once prepared
    haystack: str = ""
    name_key: str = ""


@dataclass(frozen=True, slots=True)
class Query:
    """What the cadre asked the home table for."""

    text: str = ""
    status: str | None = None
    priority: str | None = None
    ward: str | None = None
    due_only: bool = False
    sort: str = "name"
    descending: bool = False

    def but(self, **changes: Any) -> Query:
        """A copy with *changes*."""
        return replace(self, **changes)

    def due_first(self) -> Query:
        """Only the follow-ups due, soonest (most overdue) first: the order they are worked through in (the
        home key ``d`` and the palette's filter both)."""
        return replace(self, due_only=True, sort="next_due", descending=False)


def _sort_key(column: str) -> Callable[[Row], Any]:
    # (missing?, value): rows without a value go last in ascending order
    if column == "status":
        return lambda r: STATUSES.index(r.status) if r.status in STATUSES else len(STATUSES)
    if column == "priority":
        return lambda r: PRIORITIES.index(r.priority) if r.priority in PRIORITIES else len(PRIORITIES)
    if column == "attitude":
        return lambda r: _ATTITUDES.index(r.attitude) if r.attitude in _ATTITUDES else len(_ATTITUDES)
    if column == "name":
        return lambda r: r.name_key
    if column in ("tax_code", "ward"):
        return lambda r: (getattr(r, column) == "", fold(getattr(r, column)))
    if column == "pending":
        return lambda r: not r.pending
    if column in ("stable", "seasonal_share"):
        return lambda r: (getattr(r, column) is None, getattr(r, column) or 0)
    if column in ("last_visit", "next_due"):
        return lambda r: (getattr(r, column) is None, getattr(r, column) or date.min)
    raise ValueError(column)


def _row(e: Enterprise, c: Classification, pending: bool, name_key: str | None = None) -> Row:
    tax = e.tax_code or ""
    return Row(
        id=e.id,
        name=e.name,
        tax_code=tax,
        ward=e.ward,
        status=c.status,
        priority=c.priority,
        stable=c.stable,
        seasonal_share=c.seasonal_share,
        attitude=c.attitude,
        last_visit=c.last_visit_on,
        next_due=c.next_visit_on,
        pending=pending,
        enterprise=e,
        name_key=fold(e.name) if name_key is None else name_key,
    )


@dataclass
class EnterpriseIndex:
    """All enterprises as rows, with their classifications, ready to search, filter and sort."""

    rules: Rules
    today: date
    rows: dict[str, Row] = field(default_factory=dict)
    classes: dict[str, Classification] = field(default_factory=dict)
    _by_name: list[Row] | None = None
    _sorted: dict[tuple[str, bool], list[Row]] = field(default_factory=dict)
    #: the searched texts of a cached order, position for position (a keystroke scans them at C speed)
    _texts: dict[tuple[str, bool], list[str]] = field(default_factory=dict)
    #: the last query, its rows and their texts: one more letter filters these
    _last: tuple[Query, list[Row], list[str]] | None = None
    _counts: Counter[str] | None = None

    # --- building --------------------------------------------------------------------------------------
    def load(self, enterprises: Iterable[Enterprise], visits: Iterable[Visit]) -> None:
        """Classify every enterprise (one pass over the visits)."""
        enterprises = list(enterprises)
        grouped = group_visits(visits)
        classes = classify_all(enterprises, grouped, self.rules, self.today)
        rows: dict[str, Row] = {}
        for e, name_key in zip(enterprises, fold_many([e.name for e in enterprises]), strict=True):
            pending = e.pending or any(v.pending for v in grouped.get(e.id, ()))
            rows[e.id] = _row(e, classes[e.id], pending, name_key)
        self.rows, self.classes = rows, classes
        self._invalidate()

    def use_rows(self, rows: dict[str, Row]) -> None:
        """Show *rows* (a trusted view's, ``home_view``) until ``load`` classifies the store itself."""
        self.rows, self.classes = rows, {}
        self._invalidate()

    def update(self, enterprise: Enterprise, visits: list[Visit]) -> Row:
        """Classify one enterprise again after it or its visits changed; returns its new row.

        The row object is updated in place, so the cached orders stay valid unless this row's place in one of
        them changed; only those are sorted again (a save costs microseconds, not a 20,000-row sort).
        """
        self.classes[enterprise.id] = c = classify(enterprise, visits, self.rules, today=self.today)
        pending = enterprise.pending or any(v.pending for v in visits)
        new = _row(enterprise, c, pending)
        old = self.rows.get(enterprise.id)
        self._last = None
        self._texts.clear()  # this row's searched text may have changed
        self._counts = None
        if old is None:
            self.rows[enterprise.id] = new
            self._invalidate()
            return new
        if new.name_key != old.name_key:
            self._by_name = None
            self._sorted.clear()
        for column, descending in list(self._sorted):
            key = _sort_key(column)
            if key(new) != key(old):
                del self._sorted[(column, descending)]
        for name in Row.__slots__:  # type: ignore[attr-defined]
            setattr(old, name, getattr(new, name))
        return old

    def remove(self, enterprise_id: str) -> None:
        """Forget a deleted enterprise."""
        self.rows.pop(enterprise_id, None)
        self.classes.pop(enterprise_id, None)
        self._invalidate()

    def _invalidate(self) -> None:
        self._by_name = None
        self._sorted.clear()
        self._texts.clear()
        self._last = None
        self._counts = None

    # --- asking ----------------------------------------------------------------------------------------
    def prepare_search(self) -> None:
        """Fold the searched text of every row not folded yet (the app does it right after the first paint)."""
        for row in list(self.rows.values()):
            if not row.haystack and row.enterprise is not None:
                row.haystack = search_text(row.enterprise)

    def __len__(self) -> int:
        return len(self.rows)

    def ordered(self, column: str, descending: bool) -> list[Row]:
        """Every row sorted by *column* (ties by name), cached until the data changes."""
        key = (column, descending)
        cached = self._sorted.get(key)
        if cached is None:
            if self._by_name is None:
                self._by_name = sorted(self.rows.values(), key=lambda r: (r.name_key, r.id))
            # Python's sort is stable, also with reverse=True: equal keys keep the name order
            cached = self._sorted[key] = sorted(self._by_name, key=_sort_key(column), reverse=descending)
        return cached

    def query(self, q: Query) -> list[Row]:
        """The rows matching *q*, in its order."""
        last = self._last
        words = query_words(q.text)
        if last is not None and _narrows(last[0], q):
            # typing one more letter only narrows the previous answer: filter that instead of everything
            source, texts = last[1], last[2]
        else:
            source = self.ordered(q.sort, q.descending)
            texts = self._ordered_texts(q.sort, q.descending) if words else []
        if words:
            # one C-speed substring test per text and word (core.search.select), not a Python call per row
            hits = select(texts, words)
            result, texts = [source[i] for i in hits], [texts[i] for i in hits]
        else:
            result = list(source)
        if q.status or q.priority or q.ward or q.due_only:
            kept = [i for i, r in enumerate(result) if _passes(r, q, self.today)]
            result = [result[i] for i in kept]
            texts = [texts[i] for i in kept] if words else []
        self._last = (q, result, texts) if words else None
        return result

    def _ordered_texts(self, column: str, descending: bool) -> list[str]:
        key = (column, descending)
        texts = self._texts.get(key)
        if texts is None:
            self.prepare_search()
            texts = self._texts[key] = [r.haystack for r in self.ordered(column, descending)]
        return texts

    def counts(self) -> Counter[str]:
        """How many enterprises have each status (all of them, whatever the filters), cached until the data
        changes."""
        if self._counts is None:
            self._counts = Counter(r.status for r in self.rows.values())
        return Counter(self._counts)

    def wards(self) -> list[str]:
        """Every ward named by an enterprise, in folded alphabetical order."""
        return sorted({r.ward for r in self.rows.values() if r.ward}, key=fold)

    def due(self, until: date) -> list[Row]:
        """Rows whose next visit is due on or before *until*."""
        return [r for r in self.ordered("next_due", False) if r.next_due is not None and r.next_due <= until]


def _narrows(old: Query, new: Query) -> bool:
    same_rest = old.but(text="") == new.but(text="")
    old_text = fold(old.text)
    return same_rest and bool(old_text) and fold(new.text).startswith(old_text)


def _passes(r: Row, q: Query, today: date) -> bool:
    """The quick filters (the search words are tested apart)."""
    if q.status is not None and r.status != q.status:
        return False
    if q.priority is not None and r.priority != q.priority:
        return False
    if q.ward is not None and r.ward != q.ward:
        return False
    return not (q.due_only and (r.next_due is None or r.next_due > today))
