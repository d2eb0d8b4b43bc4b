"""``fieldapp founding start|step|pause|resume|abandon|show|list|due``: the real command line on a real store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from fieldapp.store import Store

Run = Callable[..., Result]
TAX = "0101234567"
CONGRESS = ["--attending", "7", "--bch-size", "3", "--inspection-size", "1"]


@pytest.fixture
def enterprise(add_enterprise: Callable[..., Any]) -> dict[str, Any]:
    return add_enterprise("Công ty TNHH Minh Phát", "--tax-code", TAX)


@pytest.fixture
def congress_held(run: Run, enterprise: dict[str, Any]) -> dict[str, Any]:
    """A case through its founding congress on Thursday 1 October 2026."""
    for args in (
        ["start", TAX, "--date", "2026-09-14", "--committee", "4", "--head", "Lê Văn Tám"],
        ["step", TAX, "applications", "--date", "2026-09-21", "--count", "7"],
        ["step", TAX, "congress", "--date", "2026-10-01", *CONGRESS],
    ):
        result = run("founding", *args)
        assert result.exit_code == 0, result.output
    return enterprise


def cases(data_dir: Path) -> list[Any]:
    with Store.open(data_dir, readonly=True) as store:
        return store.founding_cases()


def wal(data_dir: Path) -> bytes:
    return (data_dir / "store.wal").read_bytes()


# --- start -------------------------------------------------------------------------------------------------
def test_start_records_the_committee(
    run: Run, run_json: Callable[..., Any], enterprise: dict[str, Any]
) -> None:
    case = run_json(
        "founding", "start", TAX, "--date", "2026-09-14", "--committee", "5", "--head", "Lê Văn Tám", "--json"
    )
    assert (case["enterprise_id"], case["committee_on"], case["committee_members"]) == (
        enterprise["id"],
        "2026-09-14",
        5,
    )
    assert case["committee_head"] == "Lê Văn Tám" and case["state"] == "open"
    assert case["pending_since"] is not None


def test_start_by_id_speaks_vietnamese(run: Run, enterprise: dict[str, Any], data_dir: Path) -> None:
    result = run("founding", "start", enterprise["id"], "--date", "2026-09-14")
    assert result.exit_code == 0, result.output
    assert "Đã mở hồ sơ thành lập CĐCS của “Công ty TNHH Minh Phát”" in result.stdout
    assert cases(data_dir)[0].committee_members == 3


def test_start_refuses_an_unknown_enterprise_a_second_case_and_a_future_date(
    run: Run, enterprise: dict[str, Any], data_dir: Path
) -> None:
    result = run("founding", "start", "0109999999", "--date", "2026-09-14")
    assert result.exit_code == 1 and "0109999999" in result.stderr
    result = run("founding", "start", TAX, "--date", "2099-01-01")
    assert result.exit_code == 1 and "Ngày lập ban vận động (committee_on)" in result.stderr
    assert cases(data_dir) == []
    assert run("founding", "start", TAX, "--date", "2026-09-14").exit_code == 0
    before = wal(data_dir)
    result = run("founding", "start", TAX, "--date", "2026-09-15", lang="en")
    assert result.exit_code == 1 and "already has a founding case" in result.stderr
    assert wal(data_dir) == before


def test_a_bad_date_is_a_usage_error(run: Run, enterprise: dict[str, Any]) -> None:
    result = run("founding", "start", TAX, "--date", "14/09/2026")
    assert result.exit_code == 2 and "--date" in result.stderr


# --- step --------------------------------------------------------------------------------------------------
def test_steps_in_order_up_to_recognition_unionize_the_enterprise(
    run: Run, run_json: Callable[..., Any], congress_held: dict[str, Any], data_dir: Path
) -> None:
    result = run("founding", "step", TAX, "bch_meeting", "--date", "2026-10-08")
    assert result.exit_code == 0, result.output
    assert "Đã ghi bước “Họp BCH phiên thứ nhất”" in result.stdout
    assert run("founding", "step", TAX, "dossier", "--date", "2026-10-12").exit_code == 0
    case = run_json(
        "founding",
        "step",
        TAX,
        "recognized",
        "--date",
        "2026-10-20",
        "--decision",
        "15/QĐ-LĐLĐ",
        "--members",
        "9",
        "--json",
    )
    assert (case["recognized_on"], case["decision_number"], case["members_at_founding"]) == (
        "2026-10-20",
        "15/QĐ-LĐLĐ",
        9,
    )
    with Store.open(data_dir, readonly=True) as store:
        e = store.find_enterprise(TAX)
        assert e is not None and (e.has_union, e.union_members) == (True, 9)
    verdict = run_json("classify", "--format", "json")
    assert verdict[0]["status"] == "unionized"


def test_the_recognition_message_says_the_union_exists(run: Run, congress_held: dict[str, Any]) -> None:
    for args in (["bch_meeting", "--date", "2026-10-08"], ["dossier", "--date", "2026-10-12"]):
        assert run("founding", "step", TAX, *args).exit_code == 0
    result = run(
        "founding",
        "step",
        TAX,
        "recognized",
        "--date",
        "2026-10-20",
        "--decision",
        "15/QĐ",
        "--members",
        "9",
        lang="en",
    )
    assert "now has a grassroots union with 9 members" in result.stdout


def test_a_step_out_of_order_is_refused_and_nothing_written(
    run: Run, congress_held: dict[str, Any], data_dir: Path
) -> None:
    before = wal(data_dir)
    result = run("founding", "step", TAX, "dossier", "--date", "2026-10-12")
    assert result.exit_code == 1
    assert (
        "Ngày gửi hồ sơ (dossier_on): sai thứ tự các bước: cần ghi bước “Họp BCH phiên thứ nhất” trước"
        in result.stderr
    )
    assert wal(data_dir) == before


def test_a_date_before_the_previous_step_is_refused(
    run: Run, congress_held: dict[str, Any], data_dir: Path
) -> None:
    before = wal(data_dir)
    result = run("founding", "step", TAX, "bch_meeting", "--date", "2026-09-30", lang="en")
    assert result.exit_code == 1
    assert "BCH first meeting date (bch_meeting_on): must not be before the previous step" in result.stderr
    assert wal(data_dir) == before


def test_a_congress_with_too_few_applications_is_refused(
    run: Run, enterprise: dict[str, Any], data_dir: Path
) -> None:
    assert run("founding", "start", TAX, "--date", "2026-09-14").exit_code == 0
    assert run("founding", "step", TAX, "applications", "--date", "2026-09-21", "--count", "4").exit_code == 0
    before = wal(data_dir)
    result = run("founding", "step", TAX, "congress", "--date", "2026-10-01", *CONGRESS)
    assert result.exit_code == 1
    assert "(applications): đại hội thành lập cần ít nhất 5 đơn gia nhập" in result.stderr
    assert wal(data_dir) == before
    # a federation that asks for 4 (its rules.toml) lets it through
    (data_dir / "rules.toml").write_text("min_members = 4\n", encoding="utf-8")
    assert run("founding", "step", TAX, "congress", "--date", "2026-10-01", *CONGRESS).exit_code == 0


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        (["--decision", "   ", "--members", "9"], "decision_number"),
        (["--decision", "15/QĐ", "--members", "3"], "members_at_founding"),
    ],
)
def test_a_bad_recognition_is_refused(
    run: Run, congress_held: dict[str, Any], data_dir: Path, extra: list[str], field: str
) -> None:
    for args in (["bch_meeting", "--date", "2026-10-08"], ["dossier", "--date", "2026-10-12"]):
        assert run("founding", "step", TAX, *args).exit_code == 0
    before = wal(data_dir)
    result = run("founding", "step", TAX, "recognized", "--date", "2026-10-20", *extra)
    assert result.exit_code == 1 and f"({field})" in result.stderr
    assert wal(data_dir) == before


def test_an_option_of_another_step_is_refused(run: Run, congress_held: dict[str, Any]) -> None:
    result = run("founding", "step", TAX, "bch_meeting", "--date", "2026-10-08", "--members", "9")
    assert result.exit_code == 1 and "(members_at_founding)" in result.stderr


def test_an_unknown_step_is_a_usage_error(run: Run, congress_held: dict[str, Any]) -> None:
    result = run("founding", "step", TAX, "party", "--date", "2026-10-08")
    assert result.exit_code == 2


def test_a_correction_keeps_the_old_values(
    run: Run, run_json: Callable[..., Any], congress_held: dict[str, Any]
) -> None:
    result = run("founding", "step", TAX, "congress", "--date", "2026-09-30", "--bch-size", "5")
    assert result.exit_code == 0, result.output
    assert "giá trị cũ được giữ trong lịch sử" in result.stdout
    shown = run_json("founding", "show", TAX, "--json")
    assert shown["case"]["congress_on"] == "2026-09-30" and shown["case"]["bch_size"] == 5
    assert shown["case"]["history"][-1]["step"] == "congress"
    assert shown["case"]["history"][-1]["before"] == {"congress_on": "2026-10-01", "bch_size": 3}
    again = run("founding", "step", TAX, "congress", "--bch-size", "5")
    assert again.exit_code == 0 and "không có gì thay đổi" in again.stderr


def test_step_without_a_case_says_how_to_start_one(run: Run, enterprise: dict[str, Any]) -> None:
    result = run("founding", "step", TAX, "applications", "--date", "2026-09-21", "--count", "5")
    assert result.exit_code == 1 and "fieldapp founding start" in result.stderr


# --- pause, resume, abandon -------------------------------------------------------------------------------
def test_pause_resume_abandon(run: Run, run_json: Callable[..., Any], congress_held: dict[str, Any]) -> None:
    case = run_json(
        "founding",
        "pause",
        TAX,
        "--reason",
        "chủ doanh nghiệp cản trở",
        "--note",
        "GĐ không cho họp",
        "--json",
    )
    assert (case["state"], case["state_reason"], case["state_note"]) == (
        "paused",
        "employer_obstruction",
        "GĐ không cho họp",
    )
    result = run("founding", "step", TAX, "bch_meeting", "--date", "2026-10-08")
    assert result.exit_code == 1 and "Tạm dừng" in result.stderr
    result = run("founding", "resume", TAX)
    assert result.exit_code == 0 and "Đang tiến hành" in result.stdout
    case = run_json("founding", "abandon", TAX, "--reason", "workers_withdrew", "--json")
    assert case["state"] == "abandoned"
    assert [h["before"]["state"] for h in case["history"]] == ["open", "paused", "open"]
    # the abandoned case stays; a new one may start
    assert run("founding", "start", TAX, "--date", "2026-11-02").exit_code == 0
    assert len(run_json("founding", "list", "--json")) == 2


def test_pause_needs_a_known_reason(run: Run, congress_held: dict[str, Any]) -> None:
    assert run("founding", "pause", TAX).exit_code == 2
    result = run("founding", "pause", TAX, "--reason", "tired")
    assert result.exit_code == 2 and "employer_obstruction" not in result.stderr  # said in Vietnamese labels
    assert "chủ doanh nghiệp cản trở" in result.stderr
    assert run("founding", "resume", TAX).exit_code == 1  # an open case cannot be resumed


# --- show, list, due ------------------------------------------------------------------------------------------
def test_show_gives_each_step_its_due_date(
    run: Run, run_json: Callable[..., Any], congress_held: dict[str, Any]
) -> None:
    # congress Thursday 1/10/2026: BCH meeting within 10 working days (15/10), dossier within 15 (22/10);
    # on Monday 19/10 the first is overdue and the second 3 working days away
    shown = run_json("founding", "show", TAX, "--today", "2026-10-19", "--json")
    assert shown["enterprise"] == {
        "id": congress_held["id"],
        "name": "Công ty TNHH Minh Phát",
        "tax_code": TAX,
    }
    assert (shown["state"], shown["stage"], shown["next_step"], shown["today"]) == (
        "open",
        "congress",
        "bch_meeting",
        "2026-10-19",
    )
    steps = {s["step"]: s for s in shown["steps"]}
    assert list(steps) == ["committee", "applications", "congress", "bch_meeting", "dossier", "recognized"]
    assert steps["bch_meeting"] == {
        "step": "bch_meeting",
        "done_on": None,
        "due_on": "2026-10-15",
        "overdue": True,
        "due_soon": False,
        "late": False,
        "fields": {"bch_meeting_on": None},
    }
    assert steps["dossier"]["due_on"] == "2026-10-22" and steps["dossier"]["due_soon"]
    assert steps["congress"]["fields"] == {
        "congress_on": "2026-10-01",
        "congress_attending": 7,
        "bch_size": 3,
        "inspection_size": 1,
    }
    assert steps["recognized"]["due_on"] is None


def test_show_as_a_table(run: Run, congress_held: dict[str, Any]) -> None:
    result = run("founding", "show", TAX, "--today", "2026-10-16")
    assert result.exit_code == 0
    assert "quá hạn" in result.stdout and "2026-10-15" in result.stdout and "Lê Văn Tám" in result.stdout
    assert "Tiếp theo: “Họp BCH phiên thứ nhất”, hạn 2026-10-15." in result.stdout


def test_show_of_an_enterprise_without_a_case(run: Run, enterprise: dict[str, Any]) -> None:
    result = run("founding", "show", TAX)
    assert result.exit_code == 1 and "chưa có hồ sơ" in result.stderr


def test_list_filters_by_stage_state_and_due(
    run: Run, run_json: Callable[..., Any], congress_held: dict[str, Any], add_enterprise: Callable[..., Any]
) -> None:
    other = add_enterprise("HTX Đồng Tâm", "--tax-code", "0102345678")
    assert run("founding", "start", "0102345678", "--date", "2026-08-03").exit_code == 0
    rows = run_json("founding", "list", "--today", "2026-10-13", "--json")
    assert [r["name"] for r in rows] == ["HTX Đồng Tâm", "Công ty TNHH Minh Phát"]  # oldest first
    assert rows[1] == {
        "case_id": rows[1]["case_id"],
        "enterprise_id": congress_held["id"],
        "name": "Công ty TNHH Minh Phát",
        "tax_code": TAX,
        "state": "open",
        "state_reason": None,
        "stage": "congress",
        "started_on": "2026-09-14",
        "next_step": "bch_meeting",
        "next_due_on": "2026-10-15",
        "overdue": False,
        "due_soon": True,
    }
    assert rows[0]["enterprise_id"] == other["id"] and rows[0]["next_due_on"] is None
    assert [r["tax_code"] for r in run_json("founding", "list", "--stage", "committee", "--json")] == [
        "0102345678"
    ]
    assert [
        r["tax_code"] for r in run_json("founding", "list", "--due", "--today", "2026-10-13", "--json")
    ] == [TAX]
    assert run_json("founding", "list", "--due", "--today", "2026-10-02", "--json") == []
    assert run("founding", "pause", "0102345678", "--reason", "other").exit_code == 0
    assert [r["tax_code"] for r in run_json("founding", "list", "--state", "paused", "--json")] == [
        "0102345678"
    ]
    table = run("founding", "list", "--today", "2026-10-13", lang="en")
    assert "due soon" in table.stdout and "Founding congress" in table.stdout


def test_list_when_empty(run: Run, enterprise: dict[str, Any]) -> None:
    result = run("founding", "list")
    assert result.exit_code == 0 and "Không có hồ sơ" in result.stderr


def test_due_lists_overdue_and_soon_steps_most_urgent_first(
    run: Run, run_json: Callable[..., Any], congress_held: dict[str, Any]
) -> None:
    rows = run_json("founding", "due", "--today", "2026-10-19", "--json")
    assert rows == [
        {
            "case_id": rows[0]["case_id"],
            "enterprise_id": congress_held["id"],
            "name": "Công ty TNHH Minh Phát",
            "tax_code": TAX,
            "step": "bch_meeting",
            "due_on": "2026-10-15",
            "overdue": True,
            "working_days_left": -2,
        },
        {
            "case_id": rows[0]["case_id"],
            "enterprise_id": congress_held["id"],
            "name": "Công ty TNHH Minh Phát",
            "tax_code": TAX,
            "step": "dossier",
            "due_on": "2026-10-22",
            "overdue": False,
            "working_days_left": 3,
        },
    ]
    assert run_json("founding", "due", "--today", "2026-10-02", "--json") == []
    table = run("founding", "due", "--today", "2026-10-19")
    assert "quá hạn" in table.stdout and "Gửi hồ sơ đề nghị công nhận" in table.stdout
    assert run("founding", "pause", TAX, "--reason", "other").exit_code == 0
    assert run_json("founding", "due", "--today", "2026-10-19", "--json") == []


def test_extra_days_off_in_the_rules_move_the_deadlines(
    run: Run, run_json: Callable[..., Any], congress_held: dict[str, Any], data_dir: Path
) -> None:
    (data_dir / "rules.toml").write_text(
        "extra_days_off = [2026-10-05, 2026-10-06]\nbch_meeting_days = 5\n", encoding="utf-8"
    )
    shown = run_json("founding", "show", TAX, "--today", "2026-10-02", "--json")
    assert {s["step"]: s["due_on"] for s in shown["steps"]}["bch_meeting"] == "2026-10-12"


def test_help_lists_the_founding_commands(run: Run) -> None:
    result = run("founding", "--help")
    assert result.exit_code == 0
    for name in ("start", "step", "pause", "resume", "abandon", "show", "list", "due"):
        assert name in result.stdout
    assert "founding" in run("--help").stdout


def test_a_step_may_be_named_by_its_vietnamese_label(
    run: Run, run_json: Callable[..., Any], congress_held: dict[str, Any]
) -> None:
    case = run_json("founding", "step", TAX, "họp bch phiên thứ nhất", "--date", "2026-10-08", "--json")
    assert case["bch_meeting_on"] == "2026-10-08"
    fixed = run_json(
        "founding", "step", TAX, "committee", "--date", "2026-09-15", "--head", "Phạm Thu", "--json"
    )
    assert (fixed["committee_on"], fixed["committee_head"]) == ("2026-09-15", "Phạm Thu")
    assert fixed["history"][-1]["before"] == {"committee_on": "2026-09-14", "committee_head": "Lê Văn Tám"}
