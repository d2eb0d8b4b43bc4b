"""Contacts through the command line: ``enterprise add/edit --contact-* --representative`` and ``visit add/edit
--met-name --met-role --next-step``; a wrong phone or e-mail is refused naming the field, and nothing is saved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from click.testing import Result

Run = Callable[..., Result]
TAX = "0101234567"


def test_add_with_contacts_stores_the_phone_in_e164_and_shows_it_in_national_form(
    run: Run, add_enterprise: Callable[..., Any], stored: Callable[..., Any]
) -> None:
    record = add_enterprise(
        "Công ty TNHH Minh Phát",
        "--tax-code", TAX,
        "--contact-name", "Nguyễn Văn An",
        "--contact-role", "Trưởng phòng nhân sự",
        "--contact-phone", "0912.345.678",
        "--contact-email", "an@minhphat.vn",
        "--representative", "Trần Thị Bình",
    )  # fmt: skip
    assert record["contact_phone"] == "+84912345678"
    (saved,), _ = stored()
    assert (saved.contact_name, saved.contact_role, saved.contact_email, saved.representative) == (
        "Nguyễn Văn An",
        "Trưởng phòng nhân sự",
        "an@minhphat.vn",
        "Trần Thị Bình",
    )
    shown = run("enterprise", "show", TAX)
    assert shown.exit_code == 0, shown.output
    assert "0912 345 678" in shown.stdout and "+84912345678" not in shown.stdout
    assert "Người đại diện theo pháp luật" in shown.stdout and "Trần Thị Bình" in shown.stdout


def test_a_wrong_phone_is_refused_in_vietnamese_naming_the_field_and_nothing_is_saved(
    run: Run, stored: Callable[..., Any]
) -> None:
    result = run("enterprise", "add", "--name", "Công ty A", "--contact-phone", "0912 345")
    assert result.exit_code == 1
    assert "Điện thoại (contact_phone): phải là số điện thoại Việt Nam" in result.stderr
    assert "“0912 345”" in result.stderr
    english = run("enterprise", "add", "--name", "Công ty A", "--contact-email", "an@", lang="en")
    assert english.exit_code == 1
    assert english.stderr.startswith("Error: E-mail (contact_email): must be an e-mail address")
    assert stored() == ([], [])


def test_edit_sets_and_clears_contacts(
    run: Run, add_enterprise: Callable[..., Any], stored: Callable[..., Any]
) -> None:
    add_enterprise("Công ty A", "--tax-code", TAX, "--contact-phone", "0912345678")
    result = run(
        "enterprise", "edit", TAX, "--contact-phone", "024 3825 3456", "--contact-name", "Lê Hoa", "--yes"
    )
    assert result.exit_code == 0, result.output
    assert "Người liên hệ: (trống) → Lê Hoa; Điện thoại: 0912 345 678 → 024 3825 3456" in result.stderr
    (saved,), _ = stored()
    assert (saved.contact_phone, saved.contact_name) == ("+842438253456", "Lê Hoa")

    cleared = run("enterprise", "edit", TAX, "--contact-phone", "", "--yes")
    assert cleared.exit_code == 0, cleared.output
    (saved,), _ = stored()
    assert (saved.contact_phone, saved.contact_name) == ("", "Lê Hoa")

    refused = run("enterprise", "edit", TAX, "--contact-phone", "+1 650 253 0000", "--yes")
    assert refused.exit_code == 1
    assert "Điện thoại (contact_phone)" in refused.stderr
    (after,), _ = stored()
    assert after.rev == saved.rev and after.contact_phone == ""


def test_visit_add_and_edit_who_was_met_and_the_next_step(
    run: Run,
    run_json: Callable[..., Any],
    add_enterprise: Callable[..., Any],
    stored: Callable[..., Any],
) -> None:
    add_enterprise("Công ty A", "--tax-code", TAX)
    record = run_json(
        "visit", "add", "--enterprise", TAX, "--date", "2026-03-02", "--headcount", "20", "--attitude", "neutral",
        "--cadre", "Hoa", "--met-name", "Nguyễn  Văn An", "--met-role", "Giám đốc",
        "--next-step", "Gửi mẫu đơn vào thứ Hai", "--json",
    )  # fmt: skip
    assert (record["met_name"], record["met_role"], record["next_step"]) == (
        "Nguyễn Văn An",
        "Giám đốc",
        "Gửi mẫu đơn vào thứ Hai",
    )
    edited = run(
        "visit", "edit", record["id"], "--next-step", "Họp công nhân ngày 10/4", "--met-role", "", "-y"
    )
    assert edited.exit_code == 0, edited.output
    _, (saved,) = stored()
    assert (saved.met_name, saved.met_role, saved.next_step) == (
        "Nguyễn Văn An",
        "",
        "Họp công nhân ngày 10/4",
    )

    too_long = run("visit", "edit", record["id"], "--next-step", "x" * 501, "-y")
    assert too_long.exit_code == 1
    assert "Bước tiếp theo đã thống nhất (next_step)" in too_long.stderr
    _, (after,) = stored()
    assert after.rev == saved.rev

    listed = run("visit", "list")
    assert "Gửi" not in listed.stdout and "Họp công nhân" in listed.stdout
