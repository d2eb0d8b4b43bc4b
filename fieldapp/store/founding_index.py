"""The founding cases of a store, by id and by enterprise (a few per enterprise at most, so plain dicts)."""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter

from fieldapp.core.founding import FoundingCase

__all__ = ["FoundingIndex"]

_newest_first = attrgetter("committee_on", "created_at", "id")


class FoundingIndex:
    """Founding cases by id (in first-saved order) and by enterprise."""

    def __init__(self) -> None:
        self.cases: dict[str, FoundingCase] = {}
        self._of: dict[str, set[str]] = {}
        self.pending: set[str] = set()

    def load(self, cases: Iterable[FoundingCase]) -> None:
        for case in cases:
            self.put(case)

    def __len__(self) -> int:
        return len(self.cases)

    def __contains__(self, case_id: object) -> bool:
        return case_id in self.cases

    def get(self, case_id: str) -> FoundingCase | None:
        return self.cases.get(case_id)

    def put(self, case: FoundingCase) -> None:
        """Add or replace *case*."""
        old = self.cases.get(case.id)
        if old is not None and old.enterprise_id != case.enterprise_id:
            self._of[old.enterprise_id].discard(case.id)
        self.cases[case.id] = case
        self._of.setdefault(case.enterprise_id, set()).add(case.id)
        if case.pending_since is not None:
            self.pending.add(case.id)
        else:
            self.pending.discard(case.id)

    def remove(self, case_id: str) -> None:
        case = self.cases.pop(case_id, None)
        if case is None:
            return
        owned = self._of.get(case.enterprise_id)
        if owned is not None:
            owned.discard(case_id)
            if not owned:
                del self._of[case.enterprise_id]
        self.pending.discard(case_id)

    def ids_of(self, enterprise_id: str) -> list[str]:
        return sorted(self._of.get(enterprise_id, ()))

    def of(self, enterprise_id: str) -> list[FoundingCase]:
        """The enterprise's cases, newest first (committee date, then when recorded)."""
        found = [self.cases[cid] for cid in self._of.get(enterprise_id, ())]
        return sorted(found, key=_newest_first, reverse=True)

    def all(self) -> list[FoundingCase]:
        return list(self.cases.values())
