"""The client's public API: ``__all__`` complete, the documented exception tree, batching bounds."""

from __future__ import annotations

import inspect

import orjson

import sync.client
from sync.client import (
    SyncAuthError,
    SyncCancelled,
    SyncConfigError,
    SyncError,
    SyncNetworkError,
    SyncProtocolError,
    SyncSummary,
)
from sync.client._push import batches


def test_all_names_everything_public_and_nothing_else() -> None:
    exported = set(sync.client.__all__)
    assert all(hasattr(sync.client, name) for name in exported)
    public = {
        name
        for name, obj in vars(sync.client).items()
        if not name.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and (obj.__module__.startswith("sync.") and obj.__module__ != "sync.protocol")
    }
    assert public <= exported
    assert {"SyncClient", "SyncProgress", "SyncSummary", "SyncError"} <= exported


def test_the_exception_tree_is_the_documented_one() -> None:
    for error in (SyncConfigError, SyncAuthError, SyncNetworkError, SyncProtocolError, SyncCancelled):
        assert issubclass(error, SyncError)
        assert error.__name__ in (sync.client.__doc__ or "")


def test_batches_respect_the_item_and_byte_bounds() -> None:
    items = [{"kind": "visit", "id": str(i), "record": {"note": "x" * (i % 50)}} for i in range(1000)]
    cut = list(batches(items, max_items=64, max_bytes=2000))
    assert [item for batch in cut for item in batch] == items  # nothing lost, nothing reordered
    assert all(len(b) <= 64 and sum(len(orjson.dumps(i)) + 1 for i in b) <= 2000 for b in cut)
    assert [len(b) for b in batches(items, max_items=1000, max_bytes=10**9)] == [1000]


def test_ok_means_every_pushed_record_was_accepted_a_duplicate_or_merged() -> None:
    assert SyncSummary(pushed=3, accepted=2, duplicates=1).ok
    # a soft conflict, merged automatically, leaves nothing for a person: success
    assert SyncSummary(pushed=3, accepted=2, conflicts=1, merged=1).ok
    assert not SyncSummary(pushed=3, accepted=1, conflicts=2, merged=1).ok  # one hard conflict
    assert not SyncSummary(pushed=3, accepted=1, conflicts=1, merged=1, rejected=1).ok
    assert not SyncSummary(pushed=0, errors=["network"]).ok
    assert not SyncSummary(pushed=0, pull_failed=1).ok
    data = SyncSummary(pushed=2, accepted=1, conflicts=1, merged=1).to_dict()
    assert (data["ok"], data["merged"], data["conflicts"]) == (True, 1, 1)
