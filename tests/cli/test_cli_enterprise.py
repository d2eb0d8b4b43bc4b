"""``fieldapp enterprise add|list|show``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from click.testing import Result

Run = Callable[..., Result]


def test_add_with_every_field(run_json: Callable[..., Any], stored: Callable[..., Any]) -> None:
    record = run_json(
        "enterprise", "add", "--name", "Công ty TNHH  Hoa Sen", "--tax-code", "0101234567001", "--address", "Số 5 Ngọc Lâm",
        "--ward", "bo de", "--district", "Long Biên", "--ownership", "FDI", "--status", "tạm ngừng",
        "--family-business", "--has-union", "--union-members", "7", "--registered-workers", "40",
        "--assigned-to", "Trần Văn Minh", "--json",
    )  # fmt: skip
    assert record["name"] == "Công ty TNHH Hoa Sen"
    assert record["tax_code"] == "0101234567-001"
    assert (record["ownership"], record["status"], record["legal_entity"]) == ("fdi", "suspended", True)
    assert (record["family_business"], record["has_union"], record["union_members"]) == (True, True, 7)
    assert record["registered_workers"] == 40 and record["assigned_to"] == "Trần Văn Minh"
    # the ward typed without accents is stored as the official unit of the 2025 map, with its codes
    assert (record["ward"], record["ward_code"], record["province_code"]) == ("Phường Bồ Đề", "00130", "01")
    (saved,), _ = stored()
    assert saved.to_doc() == record


def test_household(run_json: Callable[..., Any]) -> None:
    record = run_json("enterprise", "add", "--name", "Hộ kinh doanh Lê Văn Tám", "--household", "--json")
    assert (record["ownership"], record["legal_entity"]) == ("household", False)


def test_household_and_other_ownership_is_a_usage_error(run: Run, stored: Callable[..., Any]) -> None:
    result = run("enterprise", "add", "--name", "X", "--household", "--ownership", "fdi")
    assert result.exit_code == 2
    assert stored() == ([], [])


def test_duplicate_tax_code_is_refused_naming_the_field(
    run: Run, add_enterprise: Callable[..., Any], stored: Callable[..., Any]
) -> None:
    add_enterprise("Công ty A", "--tax-code", "0101234567")
    result = run("enterprise", "add", "--name", "Công ty B", "--tax-code", "0101234567")
    assert result.exit_code == 1
    assert "Mã số thuế (tax_code)" in result.stderr and "Công ty A" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert [e.name for e in stored()[0]] == ["Công ty A"]


def test_bad_values_name_the_field_and_write_nothing(run: Run, stored: Callable[..., Any]) -> None:
    cases = [
        (["--name", "A", "--tax-code", "12345"], "tax_code", 1),
        (["--name", "   "], "name", 1),
        (["--name", "A", "--union-members", "-1"], "union_members", 1),
        (["--name", "A", "--registered-workers", "many"], "--registered-workers", 2),
        (["--name", "A", "--ownership", "tập đoàn"], "--ownership", 2),
        (["--tax-code", "0101234567"], "--name", 2),
    ]
    for args, named, code in cases:
        result = run("enterprise", "add", *args)
        assert result.exit_code == code, (args, result.output)
        assert named in result.stderr, (args, result.stderr)
    assert stored() == ([], [])


def test_english_messages(run: Run) -> None:
    result = run("enterprise", "add", "--name", "A", "--tax-code", "12", lang="en")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Tax code (tax_code): must be 10 digits")


def test_list_search_status_and_json(
    run: Run, run_json: Callable[..., Any], add_enterprise: Callable[..., Any]
) -> None:
    add_enterprise("Công ty Long Biên Xanh", "--ward", "Phúc Lợi", "--registered-workers", "30")
    add_enterprise("Công ty Đông Á", "--ward", "Vĩnh Tuy", "--status", "dissolved")
    add_enterprise("Công ty Có Công Đoàn", "--has-union", "--union-members", "9")
    assert [e["name"] for e in run_json("enterprise", "list", "--search", "LONG BIEN", "--json")] == [
        "Công ty Long Biên Xanh"
    ]
    assert [e["name"] for e in run_json("enterprise", "list", "--search", "dong a", "--json")] == [
        "Công ty Đông Á"
    ]
    eligible = run_json("enterprise", "list", "--status", "eligible", "--json")
    assert [e["name"] for e in eligible] == ["Công ty Long Biên Xanh"]
    assert eligible[0]["classification"] == {
        "status": "eligible",
        "basis": "registry",
        "reasons": ["enough_stable_workers", "unverified"],
        "priority": eligible[0]["classification"]["priority"],
    }
    assert [e["name"] for e in run_json("enterprise", "list", "--status", "dissolved", "--json")] == [
        "Công ty Đông Á"
    ]
    assert [e["name"] for e in run_json("enterprise", "list", "--status", "unionized", "--json")] == [
        "Công ty Có Công Đoàn"
    ]
    table = run("enterprise", "list")
    assert table.exit_code == 0
    assert (
        "Công ty Đông Á" in table.stdout and "Đã giải thể" in table.stdout and "Đủ điều kiện" in table.stdout
    )
    english = run("enterprise", "list", lang="en")
    assert "Dissolved" in english.stdout and "Eligible" in english.stdout
    assert run("enterprise", "list", "--status", "sleeping").exit_code == 2


def test_show_by_tax_code_or_id(
    run: Run, run_json: Callable[..., Any], add_enterprise: Callable[..., Any]
) -> None:
    record = add_enterprise("Công ty Hoa Sen", "--tax-code", "0101234567", "--registered-workers", "3")
    run("config", "set", "cadre", "Trần Văn Minh")
    run("visit", "add", "--enterprise", "0101234567", "--date", "2026-01-05", "--headcount", "12", "--seasonal", "2",
        "--attitude", "neutral")  # fmt: skip
    shown = run_json("enterprise", "show", "0101234567", "--json")
    assert shown["enterprise"] == record
    assert shown["classification"]["status"] == "eligible" and shown["classification"]["basis"] == "visit"
    assert [v["headcount"] for v in shown["visits"]] == [12]
    assert run_json("enterprise", "show", record["id"], "--json")["enterprise"]["id"] == record["id"]
    table = run("enterprise", "show", "0101234567")
    assert table.exit_code == 0 and "Công ty Hoa Sen" in table.stdout and "Trung lập" in table.stdout


def test_show_unknown(run: Run) -> None:
    result = run("enterprise", "show", "0109999999")
    assert result.exit_code == 1
    assert "0109999999" in result.stderr and "enterprise_id" in result.stderr


def test_show_names_each_reason_by_its_title_in_the_language(
    run: Run, run_json: Callable[..., Any], add_enterprise: Callable[..., Any]
) -> None:
    from fieldapp.core.reasons import reason_title

    add_enterprise("Công ty Hoa Sen", "--tax-code", "0101234567")
    run("config", "set", "cadre", "Trần Văn Minh")
    run("visit", "add", "--enterprise", "0101234567", "--date", "2026-01-05", "--headcount", "12", "--seasonal", "2",
        "--attitude", "neutral")  # fmt: skip
    codes = run_json("enterprise", "show", "0101234567", "--json")["classification"]["reasons"]
    assert "enough_stable_workers" in codes
    for lang in ("vi", "en"):
        shown = run("enterprise", "show", "0101234567", lang=lang)
        assert shown.exit_code == 0, shown.output
        for code in codes:
            assert reason_title(code, lang) in shown.stdout, (lang, code)
            assert code not in shown.stdout, (lang, code)


def test_a_ward_on_no_map_is_refused_naming_the_closest(run: Run, stored: Callable[..., Any]) -> None:
    result = run("enterprise", "add", "--name", "Công ty Sông Hồng", "--ward", "bach maii")
    assert result.exit_code == 1
    assert "Phường/Xã (ward)" in result.stderr and "“bach maii”" in result.stderr
    assert "Phường Bạch Mai" in result.stderr  # the closest first
    assert stored() == ([], [])
    english = run("enterprise", "add", "--name", "Công ty Sông Hồng", "--ward", "bach maii", lang="en")
    assert "is not a ward or commune of Thành phố Hà Nội" in english.stderr


def test_the_province_comes_from_the_setting_or_the_option(run_json: Callable[..., Any], run: Run) -> None:
    # Phường Sài Gòn is a ward of Thành phố Hồ Chí Minh (79), not of Hà Nội, the default
    assert run("enterprise", "add", "--name", "A", "--ward", "sai gon").exit_code == 1
    record = run_json("enterprise", "add", "--name", "A", "--ward", "sai gon", "--province", "79", "--json")
    assert (record["ward"], record["province_code"]) == ("Phường Sài Gòn", "79")
    assert run("config", "set", "province", "79").exit_code == 0
    record = run_json("enterprise", "add", "--name", "B", "--ward", "Phuong Sai Gon", "--json")
    assert (record["ward"], record["province_code"]) == ("Phường Sài Gòn", "79")
    refused = run("config", "set", "province", "02")
    assert refused.exit_code == 1 and "02" in refused.stderr
