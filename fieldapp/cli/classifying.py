"""Classification as the commands show it: the rules of the data folder, today's date, labels in either language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from fieldapp.core.classify import Classification, classify_all, group_visits
from fieldapp.core.records import Enterprise, Visit
from fieldapp.core.rules import load_rules

if TYPE_CHECKING:
    from pathlib import Path

    from fieldapp.store import Store

__all__ = ["classify_records", "classify_store", "summary"]


def classify_records(
    data_dir: Path | None,
    enterprises: Sequence[Enterprise],
    visits: Sequence[Visit],
    today: date | None = None,
) -> dict[str, Classification]:
    """Classify *enterprises* with their *visits* under the data folder's rules (RulesError when they are bad)."""
    rules = load_rules(data_dir)
    return classify_all(enterprises, group_visits(visits), rules, today or date.today())


def classify_store(
    store: Store, data_dir: Path, enterprises: Sequence[Enterprise] | None = None
) -> dict[str, Classification]:
    """Classify the store's enterprises (or the given ones) with the store's visits."""
    if enterprises is None:
        enterprises = store.enterprises()
    return classify_records(data_dir, enterprises, store.visits())


def summary(c: Classification) -> dict[str, Any]:
    """The short classification shown beside an enterprise: status, basis, reason codes, priority."""
    return {"status": c.status, "basis": c.basis, "reasons": list(c.codes), "priority": c.priority}
