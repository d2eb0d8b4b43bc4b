"""Click's own usage errors and the allowed values of choices are said in the user's language, exit code 2."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]

# (arguments, Vietnamese text, English text)
CASES = [
    (("visit", "add", "--enterprise", "x"), "Thiếu tùy chọn '--headcount'.", "Missing option '--headcount'."),
    (("visitt",), "Không có lệnh “visitt”.", "No such command “visitt”."),
    (("visit", "add", "--bogus"), "Không có tùy chọn --bogus.", "No such option --bogus."),
    (("enterprise", "show", "a", "b"), "Thừa đối số: b", "Unexpected extra argument: b"),
    (
        ("visit", "add", "--enterprise", "x", "--headcount", "abc"),
        "Giá trị không hợp lệ cho '--headcount': không phải là số",
        "Invalid value for '--headcount': not a number",
    ),
    (
        ("enterprise", "add", "--name", "A", "--status", "xyz"),
        "phải là một trong: đang hoạt động, tạm ngừng, đã giải thể",
        "must be one of: active, suspended, dissolved",
    ),
    (
        ("enterprise", "add", "--name", "A", "--ownership", "xyz"),
        "phải là một trong: nhà nước, ngoài nhà nước, có vốn đầu tư nước ngoài (FDI), hợp tác xã, hộ kinh doanh",
        "must be one of: state, non_state, fdi, cooperative, household",
    ),
    (
        ("visit", "add", "--enterprise", "x", "--headcount", "1", "--attitude", "vui"),
        "phải là một trong: ủng hộ, trung lập, e ngại, phản đối",
        "must be one of: supportive, neutral, reluctant, hostile",
    ),
    (("enterprise", "list", "--status", "zz"), "Đủ điều kiện", "eligible, not_eligible"),
    (("enterprise", "add", "--name"), "Tùy chọn --name cần một giá trị.", "Option --name needs a value."),
]


@pytest.mark.parametrize(("args", "vi", "en"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_usage_errors_in_both_languages(run: Run, args: tuple[str, ...], vi: str, en: str) -> None:
    viet = run(*args, lang="vi")
    assert viet.exit_code == 2
    assert vi in viet.stderr and "Lỗi:" in viet.stderr
    assert not any(
        word in viet.stderr for word in ("Missing", "No such", "Invalid value", "Usage:", "Error:")
    )
    english = run(*args, lang="en")
    assert english.exit_code == 2
    assert en in english.stderr and "Error:" in english.stderr


def test_language_comes_from_the_settings(run: Run) -> None:
    assert run("config", "set", "language", "en").exit_code == 0
    result = run("visit", "add", "--enterprise", "x")
    assert result.exit_code == 2 and "Missing option '--headcount'." in result.stderr


def test_vietnamese_by_default_before_anything_is_parsed(run: Run, data_dir: Path) -> None:
    result = run("--nope")
    assert result.exit_code == 2
    assert "Cách dùng:" in result.stderr and "Không có tùy chọn --nope." in result.stderr
    assert not data_dir.exists()  # a usage error writes no settings


def test_an_unknown_language_is_refused_in_vietnamese(run: Run) -> None:
    result = run("--lang", "fr", "classify")
    assert result.exit_code == 2 and "phải là một trong: vi, en" in result.stderr


def test_a_bare_group_still_shows_its_help(run: Run) -> None:
    result = run("visit")
    assert "add" in result.output and "list" in result.output and "Lỗi" not in result.output
