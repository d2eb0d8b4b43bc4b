"""Records to stored documents and back.

Documents in the store were validated when they were saved, and the file they come from parsed as a whole
(atomic snapshot) or passed its CRC (log line), so loading does not validate them again: full validation costs
about 12 µs a record (0.8 s for 70,000), the typed rebuild here about 3 µs. It does what pydantic's
``model_construct`` does, with the JSON values turned back into their Python types, so the models are equal
to validated ones and ``content_hash`` is computed from the same values. A document that does not fit
(hand-edited, say) falls back to full validation and, failing that, is reported as corruption.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from fieldapp.core.errors import RecordError
from fieldapp.core.records import Attitude, Enterprise, EnterpriseStatus, Ownership, Record, Visit
from fieldapp.store.errors import StoreCorrupt

__all__ = ["collector_paused", "fits", "from_doc", "stored_content", "synced_copy", "to_doc"]

R = TypeVar("R", bound=Record)


def to_doc(record: Record) -> dict[str, Any]:
    """The stored form of *record*: JSON-ready, without the derived ``content_hash``."""
    doc = record.to_doc()
    doc.pop("content_hash", None)
    return doc


_ENTERPRISE_KEYS = frozenset(Enterprise.model_fields)
_VISIT_KEYS = frozenset(Visit.model_fields)
# plain dict lookups: calling an Enum class costs about 1 µs, a dict lookup 50 ns
_OWNERSHIP = {m.value: m for m in Ownership}
_STATUS = {m.value: m for m in EnterpriseStatus}
_ATTITUDE = {m.value: m for m in Attitude}
_datetime = datetime.fromisoformat
_date = date.fromisoformat
_new = object.__new__
_set = object.__setattr__


def _enterprise_values(doc: dict[str, Any]) -> dict[str, Any]:
    if doc.keys() != _ENTERPRISE_KEYS:
        raise KeyError("fields")
    values = doc.copy()
    values["ownership"] = _OWNERSHIP[values["ownership"]]
    values["status"] = _STATUS[values["status"]]
    return values


def _visit_values(doc: dict[str, Any]) -> dict[str, Any]:
    if doc.keys() != _VISIT_KEYS:
        raise KeyError("fields")
    values = doc.copy()
    values["visited_on"] = _date(values["visited_on"])
    if values["next_visit_on"] is not None:
        values["next_visit_on"] = _date(values["next_visit_on"])
    values["attitude"] = _ATTITUDE[values["attitude"]]
    return values


# Every field is set, and one set object serves all loaded records of a model: a set of 20 names costs
# 2 kB, 150 MB over 70,000 records. Safe to share: frozen models never add to it, and pydantic copies it
# before changing it (model_copy).
_FIELDS_SET: dict[type, set[str]] = {Enterprise: set(_ENTERPRISE_KEYS), Visit: set(_VISIT_KEYS)}

_KEYS: dict[type, frozenset[str]] = {Enterprise: _ENTERPRISE_KEYS, Visit: _VISIT_KEYS}

_CONVERT: dict[type, Callable[[dict[str, Any]], dict[str, Any]]] = {
    Enterprise: _enterprise_values,
    Visit: _visit_values,
}


def fits(model: type[Record], doc: dict[str, Any]) -> bool:
    """True when *doc* has exactly the fields of *model* (so ``from_doc`` can rebuild it without validating)."""
    return doc.keys() == _KEYS[model]


def from_doc(model: type[R], doc: dict[str, Any], source: Path) -> R:
    """The record stored as *doc* (read from *source*, named in the error if the document is unusable)."""
    try:
        values = _CONVERT[model](doc)
        values["created_at"] = _datetime(values["created_at"])
        values["updated_at"] = _datetime(values["updated_at"])
        if values["pending_since"] is not None:
            values["pending_since"] = _datetime(values["pending_since"])
    except (KeyError, ValueError, TypeError):
        try:
            return model.parse(doc)
        except RecordError as exc:
            raise StoreCorrupt(source, f"{doc.get('id')}: {exc.message('en')}") from None
    record: R = _new(model)
    # exactly the attributes pydantic's model_construct sets
    _set(record, "__dict__", values)
    _set(record, "__pydantic_fields_set__", _FIELDS_SET[model])
    _set(record, "__pydantic_extra__", None)
    _set(record, "__pydantic_private__", None)
    return record


def stored_content(record: Record, doc: dict[str, Any]) -> dict[str, Any] | None:
    """``record.content()`` read from *doc*, the stored document of *record*, or None when *doc* does not have
    exactly the fields of its model (a founding case, an older document): the document is that content already
    dumped, so the values are the same without dumping the model again (~9 µs a visit)."""
    keys = _KEYS.get(type(record))
    if keys is None or doc.keys() != keys:
        return None
    return {name: doc[name] for name in record.CONTENT_FIELDS}


def synced_copy(
    record: R, doc: dict[str, Any], server_version: int | None, clear: bool
) -> tuple[R, dict[str, Any]] | None:
    """*record* and its stored document *doc* with only the sync bookkeeping changed: ``server_version`` set, and
    ``pending_since`` cleared when *clear*; None when *doc* is not one this can change in place (a founding case,
    a document without exactly the model's fields), for the caller to rebuild the usual way.

    Marking a pushed batch synced is the laptop's largest cost of a push when each record is copied through
    pydantic and dumped again (its document and hash rebuilt: ~40 µs); the content did not change, so neither
    did its JSON, and both are copied here with the two values replaced (``Record.with_meta`` + ``to_doc``
    give the same: ``tests/store/test_store_sync_marks.py``).
    """
    model = type(record)
    keys = _KEYS.get(model)
    if keys is None or doc.keys() != keys:
        return None
    values = record.__dict__.copy()
    values["server_version"] = server_version
    new_doc = doc.copy()
    new_doc["server_version"] = server_version
    if clear:
        values["pending_since"] = None
        new_doc["pending_since"] = None
    copy: R = _new(model)
    _set(copy, "__dict__", values)
    _set(copy, "__pydantic_fields_set__", record.__pydantic_fields_set__)
    _set(copy, "__pydantic_extra__", None)
    _set(copy, "__pydantic_private__", None)
    return copy, new_doc


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many long-lived records are built.

    Loading allocates hundreds of thousands of dicts and models and frees none of them; the collector would
    scan the growing heap again and again for nothing (measured: half of the time of opening a big store).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
