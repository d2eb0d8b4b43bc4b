"""Compare-and-save: sync writes a server copy only over a record nobody edited since sync looked at it.

The TUI saves from worker threads while a sync runs. The threaded tests force a local edit into the gap between
the store's check and its write (through the test hook the store is opened with), so they fail whenever that check is made outside
the store's lock, without hoping for a lucky race.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from store_factories import enterprise, visit

from fieldapp.core.errors import RecordError
from fieldapp.core.records import Enterprise, Record
from fieldapp.store import Store

#: how long the hook lets a concurrent edit try to land before the store goes on (a bound, not a measurement):
#: with the lock held it cannot land, without it, it lands in far less than this
EDIT_CHANCE = 1.0


def _synced(store: Store, **fields: Any) -> Enterprise:
    saved = store.save_enterprise(enterprise(**fields))
    assert store.mark_synced("enterprise", saved.id, rev=saved.rev, server_version=1)
    found = store.get_enterprise(saved.id)
    assert found is not None and not found.pending
    return found


def _server_copy(local: Record, version: int, **changes: Any) -> Any:
    """What a pull makes of the server's version: the server's content, not pending, the local revision."""
    return type(local).parse({**local.to_doc(), **changes, "server_version": version, "pending_since": None})


def test_an_unchanged_record_takes_the_server_copy_durably(
    store: Store, reopen: Callable[..., Store]
) -> None:
    local = _synced(store)
    new = enterprise(name="Công ty Mới Từ Máy Chủ")
    server = _server_copy(local, 2, name="Tên mới")

    written = store.compare_and_save([(server, local.rev), (new, None)])

    assert written == [server, new]
    store.close()
    again = reopen()
    assert again.get_enterprise(local.id) == server and again.get_enterprise(new.id) == new


def test_a_record_edited_pending_or_created_since_the_look_is_left_alone(store: Store) -> None:
    local = _synced(store)
    edited = store.save_enterprise(local.edit(address="5 Hàng Bài"))  # rev 2, pending
    appeared = store.save_enterprise(enterprise())

    written = store.compare_and_save(
        [(_server_copy(local, 2, name="Tên mới"), local.rev), (_server_copy(appeared, 1), None)]
    )

    assert written == []
    assert store.get_enterprise(local.id) == edited and store.get_enterprise(appeared.id) == appeared
    # a pending record at the expected revision is written only when the caller allows it (a soft merge)
    assert store.compare_and_save([(_server_copy(edited, 3, name="Gộp"), edited.rev)]) == []
    merged = _server_copy(edited, 3, name="Gộp")
    assert store.compare_and_save([(merged, edited.rev)], allow_pending=True) == [merged]
    assert store.get_enterprise(local.id) == merged


def test_all_or_nothing_when_a_record_cannot_be_stored(store: Store) -> None:
    holder = _synced(store, tax_code="0101234567")
    other = _synced(store)
    fine = _server_copy(other, 2, name="Đổi tên")
    clash = _server_copy(enterprise(), 1)
    clash = clash.model_copy(update={"tax_code": holder.tax_code})
    orphan = visit(enterprise().id)  # its enterprise is not in the store

    with pytest.raises(RecordError) as failed:
        store.compare_and_save([(fine, other.rev), (clash, None)])
    assert [p.code for p in failed.value.problems] == ["duplicate_tax_code"]
    with pytest.raises(RecordError) as failed:
        store.compare_and_save([(fine, other.rev), (orphan, None)])
    assert [p.code for p in failed.value.problems] == ["unknown_enterprise"]
    assert store.get_enterprise(other.id) == other and store.get_enterprise(clash.id) is None
    # a visit may name an enterprise written in the same call
    fresh = enterprise()
    assert len(store.compare_and_save([(visit(fresh.id), None), (fresh, None)])) == 2


class Gap:
    """The store's test hook (``Store.open(..., between_check_and_write=gap)``): runs the planned ``edit`` once,
    on another thread, between the store's check and its write, and gives it EDIT_CHANCE to land there."""

    def __init__(self) -> None:
        self.edit: Callable[[], object] | None = None
        self.threads: list[threading.Thread] = []

    def __call__(self) -> None:
        edit, self.edit = self.edit, None
        if edit is None:
            return
        started = threading.Event()

        def run_edit() -> None:
            started.set()
            edit()

        thread = threading.Thread(target=run_edit, name="tui-edit")
        self.threads.append(thread)
        thread.start()
        assert started.wait(timeout=30)
        thread.join(timeout=EDIT_CHANCE)  # the lock is held: the edit waits; it must not land now


@pytest.fixture
def gap() -> Gap:
    return Gap()


@pytest.fixture
def gapped(folder: Path, gap: Gap) -> Iterator[Store]:
    """A store opened with *gap* as its test hook."""
    with Store.open(folder, between_check_and_write=gap) as opened:
        yield opened


def test_a_concurrent_edit_is_never_overwritten_by_the_server_copy(gapped: Store, gap: Gap) -> None:
    store = gapped
    local = _synced(store)
    typed = local.edit(address="7 Phố Huế")
    gap.edit = lambda: store.save_enterprise(typed)

    written = store.compare_and_save([(_server_copy(local, 2, name="Tên của văn phòng"), local.rev)])

    [thread] = gap.threads
    thread.join(timeout=30)
    assert not thread.is_alive()
    # the server copy was written first (the record was untouched when checked), the edit after it
    assert len(written) == 1
    assert store.get_enterprise(local.id) == typed and typed.pending


def test_a_concurrent_edit_keeps_the_record_from_a_server_deletion(gapped: Store, gap: Gap) -> None:
    store = gapped
    local = _synced(store)
    typed = local.edit(address="9 Tràng Tiền")
    gap.edit = lambda: store.save_enterprise(typed)

    outcome = store.delete_if_synced("enterprise", local.id)

    [thread] = gap.threads
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert outcome == "deleted"
    # deleted before the edit could land, then the edit saved it again, as typed: nothing the cadre typed is lost
    assert store.get_enterprise(local.id) == typed


def test_delete_if_synced_keeps_what_is_pending(store: Store) -> None:
    local = _synced(store)
    pending_visit = store.save_visit(visit(local.id))
    assert store.delete_if_synced("enterprise", local.id) == "pending"  # one of its visits is pending
    assert store.delete_if_synced("visit", pending_visit.id) == "pending"
    assert store.mark_synced("visit", pending_visit.id, rev=pending_visit.rev, server_version=1)
    assert store.delete_if_synced("enterprise", local.id) == "deleted"
    assert store.get_enterprise(local.id) is None and store.get_visit(pending_visit.id) is None
    assert store.delete_if_synced("enterprise", local.id) == "absent"
