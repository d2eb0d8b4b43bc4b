"""``fieldapp enterprise edit|delete`` and ``fieldapp visit edit|delete``: a confirmation naming the record (or
``--yes``), the records' own validation, messages in both languages, exit codes 0/1/2, and the sync bookkeeping
(an edit is pending; a record the server has is not deleted on the laptop)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from support.hostile import HOSTILE

from fieldapp.store import Store

Run = Callable[..., Result]

TAX = "0101234567"


@pytest.fixture
def enterprise(add_enterprise: Callable[..., Any]) -> dict[str, Any]:
    return add_enterprise("Công ty TNHH Minh Phát", "--tax-code", TAX, "--ward", "Bồ Đề")


@pytest.fixture
def visit(run_json: Callable[..., Any], enterprise: dict[str, Any]) -> dict[str, Any]:
    return run_json(  # type: ignore[no-any-return]
        "visit", "add", "--enterprise", TAX, "--date", "2026-03-02", "--headcount", "20", "--seasonal", "4",
        "--attitude", "neutral", "--cadre", "Hoa", "--json",
    )  # fmt: skip


def _synced(data_dir: Path, kind: str, record_id: str) -> None:
    """Mark a record as the server has it, as a sync does after a push."""
    with Store.open(data_dir) as store:
        record = {
            "enterprise": store.get_enterprise,
            "visit": store.get_visit,
            "founding_case": store.get_founding_case,
        }[kind](record_id)
        assert record is not None
        assert store.mark_synced(kind, record_id, rev=record.rev, server_version=3)  # type: ignore[arg-type]


# --- enterprise edit -------------------------------------------------------------------------------------------
def test_edit_asks_naming_the_record_and_saves_on_yes(
    run: Run, enterprise: dict[str, Any], stored: Callable[..., Any]
) -> None:
    result = run("enterprise", "edit", TAX, "--ward", "Long Biên", "--status", "tạm ngừng", input="c\n")
    assert result.exit_code == 0, result.output
    assert (
        "Phường/Xã: Phường Bồ Đề → Phường Long Biên; Trạng thái: Đang hoạt động → Tạm ngừng" in result.stderr
    )
    assert (
        f"Lưu các thay đổi này cho doanh nghiệp “Công ty TNHH Minh Phát” (mã {enterprise['id']})?"
        in result.stderr
    )
    assert "Đã lưu doanh nghiệp" in result.stdout
    (saved,), _ = stored()
    assert (saved.ward, saved.status, saved.rev) == ("Phường Long Biên", "suspended", enterprise["rev"] + 1)
    assert saved.pending and saved.name == "Công ty TNHH Minh Phát"  # the fields not given are kept


@pytest.mark.parametrize("answer", ["\n", "k\n", "không\n", "n\n", ""])
def test_edit_declined_changes_nothing(
    run: Run, enterprise: dict[str, Any], stored: Callable[..., Any], answer: str
) -> None:
    before = stored()
    result = run("enterprise", "edit", TAX, "--ward", "Long Biên", input=answer)
    assert result.exit_code == 1 and "Lỗi: Không thay đổi gì." in result.stderr
    assert stored() == before


def test_edit_in_english_with_yes_and_json(run: Run, enterprise: dict[str, Any]) -> None:
    result = run("enterprise", "edit", enterprise["id"], "--registered-workers", "45", "--household", "--yes",
                 lang="en")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (
        "Registered workers" in result.stderr and "Saved enterprise “Công ty TNHH Minh Phát”" in result.stdout
    )
    as_json = run("enterprise", "edit", TAX, "--ward", "phuc loi", "--yes", "--json")
    assert as_json.exit_code == 0 and '"ward": "Phường Phúc Lợi"' in as_json.stdout


def test_edit_validates_like_add_and_writes_nothing(
    run: Run, add_enterprise: Callable[..., Any], enterprise: dict[str, Any], stored: Callable[..., Any]
) -> None:
    add_enterprise("Công ty Khác", "--tax-code", "0107654321")
    before = stored()
    bad = run("enterprise", "edit", TAX, "--tax-code", "123", "--yes")
    assert bad.exit_code == 1 and "Mã số thuế (tax_code)" in bad.stderr
    taken = run("enterprise", "edit", TAX, "--tax-code", "0107654321", "--yes", lang="en")
    assert taken.exit_code == 1 and "Công ty Khác" in taken.stderr
    negative = run("enterprise", "edit", TAX, "--union-members", "-1", "--yes")
    assert negative.exit_code == 1 and "(union_members)" in negative.stderr
    assert stored() == before


def test_edit_usage_and_unknown_records(run: Run, enterprise: dict[str, Any]) -> None:
    nothing = run("enterprise", "edit", TAX)
    assert nothing.exit_code == 2 and "Không có gì để sửa" in nothing.stderr
    assert run("enterprise", "edit", TAX, lang="en").stderr.count("Nothing to change") == 1
    unknown = run("enterprise", "edit", "0109999999", "--ward", "X", "--yes")
    assert unknown.exit_code == 1 and "0109999999" in unknown.stderr
    clash = run("enterprise", "edit", TAX, "--household", "--ownership", "fdi", "--yes")
    assert clash.exit_code == 2 and "mâu thuẫn" in clash.stderr


def test_edit_to_the_same_values_is_not_an_edit(
    run: Run, enterprise: dict[str, Any], stored: Callable[..., Any]
) -> None:
    before = stored()
    result = run("enterprise", "edit", TAX, "--ward", "Bồ Đề")
    assert result.exit_code == 0 and "không thay đổi gì" in result.stderr
    assert stored() == before


def test_edit_of_a_synced_record_is_pending_for_the_next_sync(
    run: Run, data_dir: Path, enterprise: dict[str, Any], stored: Callable[..., Any]
) -> None:
    _synced(data_dir, "enterprise", enterprise["id"])
    assert not stored()[0][0].pending
    assert run("enterprise", "edit", TAX, "--ward", "Long Biên", "--yes").exit_code == 0
    (saved,), _ = stored()
    assert saved.pending and saved.server_version == 3  # the base version the next push names
    with Store.open(data_dir, readonly=True) as store:
        assert [e.id for e in store.pending_enterprises()] == [enterprise["id"]]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_names_are_stored_as_valid_records_or_refused(
    run: Run, enterprise: dict[str, Any], text: str
) -> None:
    result = run("enterprise", "edit", TAX, "--name", text, "--yes")
    assert result.exit_code in (0, 1), result.output
    assert "\x1b" not in result.stdout + result.stderr and "\x9b" not in result.stdout + result.stderr


# --- enterprise delete -----------------------------------------------------------------------------------------
def test_delete_a_never_synced_enterprise_with_its_visits(
    run: Run, enterprise: dict[str, Any], visit: dict[str, Any], stored: Callable[..., Any]
) -> None:
    declined = run("enterprise", "delete", TAX, input="\n")
    assert declined.exit_code == 1
    assert (
        f"Xóa doanh nghiệp “Công ty TNHH Minh Phát” (mã {enterprise['id']}) cùng 1 lần thăm"
        in declined.stderr
    )
    assert len(stored()[0]) == 1
    result = run("enterprise", "delete", TAX, input="có\n")
    assert (
        result.exit_code == 0
        and "Đã xóa doanh nghiệp “Công ty TNHH Minh Phát” cùng 1 lần thăm." in result.stdout
    )
    assert stored() == ([], [])


def test_a_synced_enterprise_is_not_deleted_on_the_laptop(
    run: Run, data_dir: Path, enterprise: dict[str, Any], stored: Callable[..., Any]
) -> None:
    _synced(data_dir, "enterprise", enterprise["id"])
    before = stored()
    result = run("enterprise", "delete", TAX, "--yes")
    assert result.exit_code == 1 and "hãy nhờ văn phòng xóa trên máy chủ" in result.stderr
    english = run("enterprise", "delete", TAX, "--yes", lang="en")
    assert english.exit_code == 1 and "ask the office to delete it on the server" in english.stderr
    assert stored() == before


def test_an_enterprise_whose_visit_is_synced_is_not_deleted(
    run: Run, data_dir: Path, visit: dict[str, Any], stored: Callable[..., Any]
) -> None:
    _synced(data_dir, "visit", visit["id"])
    before = stored()
    result = run("enterprise", "delete", TAX, "--yes")
    assert result.exit_code == 1 and "có 1 lần thăm đã lên máy chủ" in result.stderr
    assert stored() == before


def test_an_enterprise_with_a_founding_case_says_so_and_a_synced_case_stops_the_delete(
    run: Run, data_dir: Path, enterprise: dict[str, Any], stored: Callable[..., Any]
) -> None:
    started = run("founding", "start", TAX, "--date", "2026-11-02", "--committee", "3")
    assert started.exit_code == 0, started.stderr
    with Store.open(data_dir) as store:
        (case,) = store.founding_cases_of(enterprise["id"])
    declined = run("enterprise", "delete", TAX, input="\n")  # the question names the case that goes with it
    assert declined.exit_code == 1 and "cùng 0 lần thăm và hồ sơ thành lập CĐCS của nó?" in declined.stderr
    _synced(data_dir, "founding_case", case.id)
    before = stored()
    result = run("enterprise", "delete", TAX, "--yes")
    assert result.exit_code == 1 and "có hồ sơ thành lập CĐCS đã lên máy chủ" in result.stderr
    assert stored() == before
    with Store.open(data_dir) as store:
        assert [c.id for c in store.founding_cases_of(enterprise["id"])] == [case.id]


# --- visits ----------------------------------------------------------------------------------------------------
def test_visit_edit_by_id_or_its_start(
    run: Run, add_enterprise: Callable[..., Any], visit: dict[str, Any], stored: Callable[..., Any]
) -> None:
    other = add_enterprise("Công ty Khác", "--tax-code", "0107654321")
    result = run(
        "visit", "edit", visit["id"][:8], "--headcount", "25", "--note", "Đã gặp công đoàn.", input="c\n"
    )
    assert result.exit_code == 0, result.output
    assert "Tổng số lao động: 20 → 25" in result.stderr
    assert "lần thăm ngày 2026-03-02 tới “Công ty TNHH Minh Phát”" in result.stderr
    moved = run("visit", "edit", visit["id"], "--enterprise", "0107654321", "--yes", lang="en")
    assert moved.exit_code == 0 and "Saved the visit of 2026-03-02 to “Công ty Khác”" in moved.stdout
    _, (saved,) = stored()
    assert (saved.headcount, saved.note, saved.enterprise_id, saved.rev) == (
        25, "Đã gặp công đoàn.", other["id"], visit["rev"] + 2,
    )  # fmt: skip
    assert saved.seasonal == 4 and saved.pending  # the fields not given are kept


def test_visit_edit_validates_and_writes_nothing(
    run: Run, visit: dict[str, Any], stored: Callable[..., Any]
) -> None:
    before = stored()
    too_many = run("visit", "edit", visit["id"], "--seasonal", "30", "--yes")
    assert too_many.exit_code == 1 and "(seasonal)" in too_many.stderr
    future = run("visit", "edit", visit["id"], "--date", "2999-01-01", "--yes")
    assert future.exit_code == 1 and "(visited_on)" in future.stderr
    unknown = run("visit", "edit", "00000000-0000-0000-0000-000000000000", "--headcount", "3", "--yes")
    assert unknown.exit_code == 1 and "không có lần thăm nào" in unknown.stderr
    usage = run("visit", "edit", visit["id"])
    assert usage.exit_code == 2
    assert stored() == before


def test_visit_delete(run: Run, data_dir: Path, visit: dict[str, Any], stored: Callable[..., Any]) -> None:
    asked = run("visit", "delete", visit["id"], input="\n", lang="en")
    assert asked.exit_code == 1
    assert (
        f"Delete the visit of 2026-03-02 to “Công ty TNHH Minh Phát” by Hoa (id {visit['id']})?"
        in asked.stderr
    )
    assert len(stored()[1]) == 1
    result = run("visit", "delete", visit["id"], "--yes")
    assert result.exit_code == 0 and "Đã xóa lần thăm ngày 2026-03-02" in result.stdout
    assert len(stored()[0]) == 1 and stored()[1] == []


def test_a_synced_visit_is_not_deleted_on_the_laptop(
    run: Run, data_dir: Path, visit: dict[str, Any], stored: Callable[..., Any]
) -> None:
    _synced(data_dir, "visit", visit["id"])
    before = stored()
    result = run("visit", "delete", visit["id"], "--yes")
    assert result.exit_code == 1 and "hãy nhờ văn phòng" in result.stderr
    assert stored() == before


def test_visit_list_shows_the_id_that_edit_takes(run: Run, visit: dict[str, Any]) -> None:
    assert visit["id"][:8] in run("visit", "list").stdout
