"""The client's public API: ``__all__`` complete, the documented exception tree, batching bounds."""

from __future__ import annotations

import inspect
import string
from collections.abc import Callable
from typing import Protocol, get_type_hints, runtime_checkable

import pytest

import sync.client
from fieldapp.core.kinds import Kind
from fieldapp.core.records import Record
from sync.client import (
    Resolution,
    SyncAuthError,
    SyncCancelled,
    SyncClient,
    SyncConfigError,
    SyncError,
    SyncNetworkError,
    SyncProgress,
    SyncProtocolError,
    SyncSummary,
)
from sync.client._push import batches
from sync.protocol import PushItem


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


ERRORS = (SyncError, SyncConfigError, SyncAuthError, SyncNetworkError, SyncProtocolError, SyncCancelled)


@pytest.mark.parametrize(
    ("error", "code"), [(error, code) for error in ERRORS for code in error.MESSAGES], ids=lambda x: str(x)
)
def test_every_error_code_is_worded_in_vietnamese_from_the_catalog(error: type[SyncError], code: str) -> None:
    template = error.MESSAGES[code]
    names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
    params: dict[str, object] = {name: f"<{name}>" for name in names}
    if issubclass(error, SyncAuthError):
        params["status_code"] = 401
    raised = error(code, **params)
    assert str(raised) == raised.message("en") == template.format(**params)  # English for logs
    assert raised.message("vi") != raised.message("en")  # translated, not the English fallback
    assert all(f"<{name}>" in raised.message("vi") for name in names)  # no parameter dropped
    assert not hasattr(raised, "vi") and not hasattr(raised, "en")


def test_a_missing_setting_is_named_in_the_language_of_the_message() -> None:
    both = SyncConfigError.missing(server=True, token=True)
    assert both.message("vi").startswith("Chưa cấu hình máy chủ và mã truy cập.")
    assert both.message("en").startswith("No server and token configured.")
    assert (
        SyncConfigError.missing(server=False, token=True)
        .message("vi")
        .startswith("Chưa cấu hình mã truy cập.")
    )
    assert SyncConfigError.missing(server=True, token=False).message("en").startswith("No server configured.")


def test_a_refusal_keeps_the_servers_code_and_problems_apart_from_its_own_code() -> None:
    problem = {"field": "items.0.record.cadre", "code": "forged_cadre", "vi": "…", "en": "…"}
    refused = SyncAuthError(
        "forbidden", status_code=403, server_code="forged_cadre", detail="no", problems=[problem]
    )
    assert (refused.code, refused.server_code, refused.status_code) == ("forbidden", "forged_cadre", 403)
    assert refused.problems == [problem] and refused.summary is None
    assert SyncNetworkError("unreachable", server="s", attempts=3, cause="c").server_code == ""


@runtime_checkable
class _SyncRunner(Protocol):
    """What the TUI asks of its sync client (it declares its own Protocol; this one pins the client to it)."""

    def run(self, progress: Callable[[SyncProgress], None] | None = None) -> SyncSummary: ...

    def cancel(self) -> None: ...

    def resolve(self, kind: Kind, record_id: str, choice: Resolution) -> Record | None: ...


def test_the_client_fits_the_seam_the_tui_declares() -> None:
    assert issubclass(SyncClient, _SyncRunner)
    hints = get_type_hints(SyncClient.resolve)
    assert hints["choice"] == Resolution and hints["kind"] == Kind
    assert get_type_hints(SyncClient.run)["return"] is SyncSummary
    assert not hasattr(SyncClient, "close") and not hasattr(SyncClient, "__enter__")


def test_batches_hold_at_most_max_items_in_order() -> None:
    items = [PushItem(kind="visit", id=str(i), rev=1, record={}) for i in range(130)]
    cut = list(batches(items, max_items=64))
    assert [item for batch in cut for item in batch] == items  # nothing lost, nothing reordered
    assert [len(b) for b in cut] == [64, 64, 2]
    assert list(batches([], max_items=64)) == []


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
