"""``fieldapp visit add|list``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from click.testing import Result

Run = Callable[..., Result]


@pytest.fixture
def enterprise(add_enterprise: Callable[..., Any]) -> dict[str, Any]:
    return add_enterprise("Công ty TNHH Minh Phát", "--tax-code", "0101234567")


def _visit(*extra: str) -> list[str]:
    base = [
        "visit",
        "add",
        "--enterprise",
        "0101234567",
        "--date",
        "2026-03-02",
        "--headcount",
        "20",
        "--seasonal",
        "4",
    ]
    return [*base, "--attitude", "ủng hộ", *extra]


def test_add_with_configured_cadre(
    run: Run, run_json: Callable[..., Any], enterprise: dict[str, Any], stored: Callable[..., Any]
) -> None:
    assert run("config", "set", "cadre", "Lê Thị Hồng Nhung").exit_code == 0
    record = run_json(
        *_visit(
            "--managers",
            "2",
            "--applications",
            "6",
            "--note",
            "Giám đốc ủng hộ.",
            "--next-visit",
            "2026-04-01",
            "--json",
        )
    )
    assert record["enterprise_id"] == enterprise["id"]
    assert record["cadre"] == "Lê Thị Hồng Nhung"
    assert (record["headcount"], record["seasonal"], record["managers"], record["applications"]) == (
        20,
        4,
        2,
        6,
    )
    assert (record["attitude"], record["note"], record["next_visit_on"]) == (
        "supportive",
        "Giám đốc ủng hộ.",
        "2026-04-01",
    )
    _, (saved,) = stored()
    assert saved.to_doc() == record
    plain = run(*_visit("--cadre", "Phạm Quốc Huy"))
    assert plain.exit_code == 0 and "Công ty TNHH Minh Phát" in plain.stdout


def test_no_cadre_configured(run: Run, enterprise: dict[str, Any], stored: Callable[..., Any]) -> None:
    result = run(*_visit())
    assert result.exit_code == 1
    assert "cadre" in result.stderr and "fieldapp config set cadre" in result.stderr
    assert stored()[1] == []


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        (["--seasonal", "25"], "seasonal", 1),  # seasonal > headcount
        (["--managers", "17"], "managers", 1),  # seasonal + managers > headcount
        (["--applications", "21"], "applications", 1),
        (["--headcount", "-1"], "headcount", 1),
        (["--date", (date.today() + timedelta(days=1)).isoformat()], "visited_on", 1),
        (["--date", "02/03/2026"], "visited_on", 1),
        (["--next-visit", "2026-01-01"], "next_visit_on", 1),
        (["--attitude", "vui vẻ"], "--attitude", 2),
        (["--headcount", "hai mươi"], "--headcount", 2),
    ],
)
def test_bad_values_name_the_field_and_write_nothing(
    run: Run, enterprise: dict[str, Any], stored: Callable[..., Any], change: list[str], field: str, code: int
) -> None:
    result = run(*_replace(_visit("--cadre", "Phạm Quốc Huy"), change))
    assert result.exit_code == code, result.output
    assert field in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 or code == 2
    assert stored()[1] == []


def _replace(args: list[str], change: list[str]) -> list[str]:
    option, value = change
    if option in args:
        args = list(args)
        args[args.index(option) + 1] = value
        return args
    return [*args, option, value]


def test_unknown_enterprise(run: Run, stored: Callable[..., Any]) -> None:
    result = run(*_visit("--cadre", "A"))
    assert result.exit_code == 1 and "0101234567" in result.stderr
    assert stored() == ([], [])


def test_list_newest_first_and_by_enterprise(
    run: Run, run_json: Callable[..., Any], add_enterprise: Callable[..., Any]
) -> None:
    add_enterprise("Công ty A", "--tax-code", "0101234567")
    add_enterprise("Công ty B", "--tax-code", "0107654321")
    for code, day in (
        ("0101234567", "2026-01-10"),
        ("0107654321", "2026-02-10"),
        ("0101234567", "2026-03-10"),
    ):
        result = run("visit", "add", "--enterprise", code, "--date", day, "--headcount", "9", "--seasonal", "0",
                     "--attitude", "neutral", "--cadre", "Trần Văn Minh")  # fmt: skip
        assert result.exit_code == 0, result.output
    assert [v["visited_on"] for v in run_json("visit", "list", "--json")] == [
        "2026-03-10",
        "2026-02-10",
        "2026-01-10",
    ]
    assert [v["visited_on"] for v in run_json("visit", "list", "--enterprise", "0101234567", "--json")] == [
        "2026-03-10",
        "2026-01-10",
    ]
    table = run("visit", "list")
    assert "Công ty B" in table.stdout and "Trung lập" in table.stdout
    assert run("visit", "list", "--enterprise", "nope").exit_code == 1


def test_add_defaults_date_to_today_and_seasonal_to_zero(
    run: Run, run_json: Callable[..., Any], enterprise: dict[str, Any]
) -> None:
    record = run_json(
        "visit", "add", "--enterprise", "0101234567", "--headcount", "12", "--attitude", "neutral",
        "--cadre", "Hoa", "--json",
    )  # fmt: skip
    assert record["visited_on"] == date.today().isoformat()
    assert record["seasonal"] == 0


def test_help_says_the_defaults(run: Run) -> None:
    result = run("--lang", "en", "visit", "add", "--help")
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "Default: today" in text
    assert "--seasonal INTEGER" in text and "[default: 0]" in text.split("--seasonal", 1)[1].split("--", 1)[0]
    vi = " ".join(run("visit", "add", "--help").stdout.split())  # Vietnamese, the default
    assert "Mặc định: hôm nay" in vi
    assert "[mặc định: 0]" in vi.split("--seasonal", 1)[1].split("--", 1)[0]
