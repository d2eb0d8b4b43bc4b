"""Founding cases in the store: saved durably through the same log as every record, found by enterprise, saved
with the enterprise recognition unionizes in one change, and absent from older files without a migration."""

from __future__ import annotations

import errno
import os
from datetime import date
from pathlib import Path

import orjson
import pytest
from store_factories import enterprise

from fieldapp.core.errors import RecordError
from fieldapp.core.founding import CaseState, FoundingCase, Step, abandon, record_step, start_case, unionized
from fieldapp.core.records import SCHEMA_VERSION
from fieldapp.core.rules import default_rules
from fieldapp.store import Store, StoreCorrupt
from fieldapp.store.errors import StoreIOError

TODAY = date(2027, 6, 1)
RULES = default_rules()


def case_of(enterprise_id: str, committee_on: str = "2027-01-04") -> FoundingCase:
    return start_case(enterprise_id, committee_on, committee_head="Trần Văn Nam", today=TODAY)


def recognized(enterprise_id: str) -> FoundingCase:
    case = case_of(enterprise_id)
    steps = [
        (Step.APPLICATIONS, {"applications_on": "2027-01-15", "applications": 8}),
        (
            Step.CONGRESS,
            {"congress_on": "2027-01-29", "congress_attending": 8, "bch_size": 3, "inspection_size": 1},
        ),
        (Step.BCH_MEETING, {"bch_meeting_on": "2027-02-12"}),
        (Step.DOSSIER, {"dossier_on": "2027-02-19"}),
        (
            Step.RECOGNIZED,
            {"recognized_on": "2027-03-05", "decision_number": "7/QĐ-LĐLĐ", "members_at_founding": 8},
        ),
    ]
    for step, fields in steps:
        case = record_step(case, step, RULES, today=TODAY, **fields)
    return case


def test_a_case_is_saved_found_and_kept_across_reopening(folder: Path) -> None:
    with Store.open(folder) as store:
        e = store.save_enterprise(enterprise())
        case = store.save_founding_case(case_of(e.id))
        assert store.get_founding_case(case.id) == case
        assert store.founding_cases() == [case] == store.founding_cases_of(e.id)
        assert store.pending_founding_cases() == [case]
    with Store.open(folder) as store:
        assert store.get_founding_case(case.id) == case
        store.snapshot()  # and from the snapshot, not only the log
    with Store.open(folder, readonly=True) as store:
        assert store.founding_cases_of(e.id) == [case]
        assert store.current_founding_case(e.id) == case


def test_an_edit_replaces_the_case_and_its_history_is_kept_on_disk(folder: Path) -> None:
    with Store.open(folder) as store:
        e = store.save_enterprise(enterprise())
        case = store.save_founding_case(case_of(e.id))
        fixed = store.save_founding_case(
            record_step(case, "committee", RULES, today=TODAY, committee_members=4)
        )
        assert store.founding_cases() == [fixed]
    with Store.open(folder) as store:
        back = store.get_founding_case(case.id)
        assert back is not None and back.committee_members == 4 and back.rev == 2
        assert back.history[0].before == {"committee_members": 3}


def test_a_case_of_an_unknown_enterprise_is_refused_and_nothing_written(folder: Path) -> None:
    with Store.open(folder) as store:
        size = (folder / "store.wal").stat().st_size
        with pytest.raises(RecordError) as caught:
            store.save_founding_case(case_of("0b8f8f7e-3c2a-4d55-9a54-0d6c8b1f7a10"))
        assert caught.value.fields == ["enterprise_id"]
        assert store.founding_cases() == []
        assert (folder / "store.wal").stat().st_size == size


def test_recognition_saves_the_case_and_the_unionized_enterprise_in_one_change(folder: Path) -> None:
    with Store.open(folder) as store:
        e = store.save_enterprise(enterprise())
        case = recognized(e.id)
        store.save_founding_case(case, unionized(case, e))
        lines = (folder / "store.wal").read_bytes().count(b"\n")
    with Store.open(folder) as store:
        after = store.get_enterprise(e.id)
        assert after is not None and (after.has_union, after.union_members) == (True, 8)
        assert store.get_founding_case(case.id) == case
    assert lines == 2  # the enterprise, then the case and the enterprise together


def test_a_failed_write_saves_neither_the_case_nor_the_enterprise(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(folder) as store:
        e = store.save_enterprise(enterprise())
        case = recognized(e.id)

        def disk_full(fd: int, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "write", disk_full)
        with pytest.raises(StoreIOError):
            store.save_founding_case(case, unionized(case, e))
        monkeypatch.undo()
        assert store.founding_cases() == [] and store.get_enterprise(e.id) == e
    with Store.open(folder) as store:
        assert store.founding_cases() == [] and store.get_enterprise(e.id) == e


def test_the_current_case_is_the_one_not_abandoned(folder: Path) -> None:
    with Store.open(folder) as store:
        e = store.save_enterprise(enterprise())
        old = store.save_founding_case(abandon(case_of(e.id, "2026-03-02"), "workers_withdrew"))
        new = store.save_founding_case(case_of(e.id, "2026-02-02"))
        assert store.current_founding_case(e.id) == new
        assert {c.id for c in store.founding_cases_of(e.id)} == {old.id, new.id}
        assert store.founding_cases_of(e.id)[0] == old  # newest committee date first
        assert new.state is CaseState.OPEN


def test_deleting_the_enterprise_deletes_its_cases(folder: Path) -> None:
    with Store.open(folder) as store:
        e = store.save_enterprise(enterprise())
        other = store.save_enterprise(enterprise(name="Công ty CP Sông Hồng"))
        store.save_founding_case(case_of(e.id))
        kept = store.save_founding_case(case_of(other.id))
        store.delete_enterprise(e.id)
        assert store.founding_cases() == [kept]
    with Store.open(folder) as store:
        assert store.founding_cases() == [kept]


def test_a_file_without_the_founding_table_opens_with_no_cases(folder: Path) -> None:
    # every store written before founding cases existed: no table, no migration (founding cases came with no new
    # schema version; version 2 is the 2025 map's ward codes)
    with Store.open(folder) as store:
        e = store.save_enterprise(enterprise())
        store.snapshot()
    data = orjson.loads((folder / "store.json").read_bytes())
    assert "founding_cases" not in data and data["_store"]["1"]["schema_version"] == SCHEMA_VERSION
    with Store.open(folder) as store:
        assert store.founding_cases() == [] and store.get_enterprise(e.id) == e
        store.save_founding_case(case_of(e.id))
    with Store.open(folder) as store:
        assert len(store.founding_cases()) == 1


def test_a_damaged_case_on_disk_is_refused_by_name(folder: Path) -> None:
    with Store.open(folder) as store:
        e = store.save_enterprise(enterprise())
        case = store.save_founding_case(case_of(e.id))
        store.snapshot()
    snapshot = folder / "store.json"
    data = orjson.loads(snapshot.read_bytes())
    del data["_checksum"]
    next(iter(data["founding_cases"].values()))["dossier_on"] = "2027-02-01"  # a step out of order
    snapshot.write_bytes(orjson.dumps(data))
    with pytest.raises(StoreCorrupt) as caught:
        Store.open(folder, readonly=True)
    assert case.id in caught.value.message("en") and "dossier_on" in caught.value.message("en")
