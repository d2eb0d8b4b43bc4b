"""The sync bookkeeping of founding cases in the store: pending, marked synced by revision, written only if still
as read, kept with their enterprise while they hold unsent work, deleted by kind; all of it durable."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from store_factories import enterprise

from fieldapp.core.founding import FoundingCase, record_step, start_case
from fieldapp.core.rules import default_rules
from fieldapp.store import Store

TODAY = date(2027, 6, 1)


def _case(enterprise_id: str) -> FoundingCase:
    return start_case(enterprise_id, "2027-01-04", committee_members=4, today=TODAY)


def test_a_case_is_pending_until_marked_synced_at_its_revision(
    store: Store, reopen: Callable[..., Store]
) -> None:
    firm = store.save_enterprise(enterprise())
    case = store.save_founding_case(_case(firm.id))
    assert store.pending_founding_cases() == [case]
    assert store.counts()["pending_founding_cases"] == 1

    edited = store.save_founding_case(
        record_step(
            case, "applications", default_rules(), today=TODAY, applications_on="2027-01-11", applications=6
        )
    )
    # the answer for the first revision arrives after the edit: the version is kept, the case stays pending
    assert (
        store.mark_synced_many(
            [("founding_case", case.id, case.rev, 1), ("enterprise", firm.id, firm.rev, 1)]
        )
        == 1
    )
    kept = store.get_founding_case(case.id)
    assert kept is not None and kept.server_version == 1 and kept.pending and kept.rev == edited.rev
    assert store.mark_synced("founding_case", case.id, rev=edited.rev, server_version=2)

    store.close()
    again = reopen()
    synced = again.get_founding_case(case.id)
    assert synced is not None and not synced.pending and synced.server_version == 2
    assert again.pending_founding_cases() == [] and again.counts()["pending_founding_cases"] == 0


def test_compare_and_save_writes_a_pulled_case_only_if_it_is_still_as_read(store: Store) -> None:
    firm = store.save_enterprise(enterprise())
    case = store.save_founding_case(_case(firm.id))
    store.mark_synced("founding_case", case.id, rev=case.rev, server_version=1)
    read = store.get_founding_case(case.id)
    assert read is not None
    server = read.model_copy(update={"committee_members": 9, "server_version": 2})

    # a local edit saved after the pull looked: the pulled copy is not written over it
    local = store.save_founding_case(read.edit(committee_head="Lê Thị Hồng"))
    assert store.compare_and_save([(server, read.rev)]) == []
    assert store.get_founding_case(case.id) == local

    # still as read: written
    assert store.compare_and_save([(server.with_meta(rev=local.rev), local.rev)], allow_pending=True) != []
    stored = store.get_founding_case(case.id)
    assert stored is not None and stored.committee_members == 9 and stored.server_version == 2


def test_an_enterprise_with_a_pending_case_is_not_deleted_by_sync(store: Store) -> None:
    firm = store.save_enterprise(enterprise())
    store.mark_synced("enterprise", firm.id, rev=firm.rev, server_version=1)
    case = store.save_founding_case(_case(firm.id))

    assert store.delete_if_synced("enterprise", firm.id) == "pending"
    assert store.get_enterprise(firm.id) is not None and store.get_founding_case(case.id) is not None

    store.mark_synced("founding_case", case.id, rev=case.rev, server_version=1)
    assert store.delete_if_synced("enterprise", firm.id) == "deleted"
    assert store.get_founding_case(case.id) is None  # gone with its enterprise


def test_delete_record_by_kind_removes_a_case_and_its_issue(
    store: Store, reopen: Callable[..., Store]
) -> None:
    from fieldapp.core.issues import SyncIssue

    firm = store.save_enterprise(enterprise())
    case = store.save_founding_case(_case(firm.id))
    store.set_sync_issue(SyncIssue(kind="founding_case", id=case.id, status="rejected"))

    store.delete_record("founding_case", case.id)

    assert store.get_founding_case(case.id) is None and store.sync_issues() == []
    assert store.get_enterprise(firm.id) is not None
    store.close()
    assert reopen().founding_cases() == []
