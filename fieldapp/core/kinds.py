"""The kinds of record fieldapp keeps and syncs, each with its model: the one registry from kind to model.

The store, the sync client, the wire protocol and the server all look kinds up here, so a new kind of record (the
founding case, for one) is one entry in ``Kind`` and ``MODELS``.
"""

from __future__ import annotations

from typing import Literal, get_args

from fieldapp.core.founding import FoundingCase
from fieldapp.core.records import Enterprise, Record, Visit

__all__ = ["KINDS", "MODELS", "Kind", "kind_of"]

#: in dependency order: a record comes after the kinds it names (a visit and a founding case name their enterprise)
Kind = Literal["enterprise", "visit", "founding_case"]
KINDS: tuple[Kind, ...] = get_args(Kind)
MODELS: dict[Kind, type[Record]] = {"enterprise": Enterprise, "visit": Visit, "founding_case": FoundingCase}
assert tuple(MODELS) == KINDS, "every kind has its model, in the same order"


def kind_of(record: Record) -> Kind:
    """The kind of *record*."""
    for kind, model in MODELS.items():
        if isinstance(record, model):
            return kind
    raise TypeError(f"not a record fieldapp keeps: {type(record).__name__}")
