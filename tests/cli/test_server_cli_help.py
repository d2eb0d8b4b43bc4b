"""``fieldapp-server`` speaks the run's language: ``--lang``, else ``$FIELDAPP_SERVER_LANG``, else Vietnamese.

Its ``--help`` pages and click's usage errors are drawn by ``fieldapp.clihelp`` (as the laptop's are), its own
messages come from the catalog; ``--json`` does not change with the language.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from support.help_pages import check_help_page, command_at, command_paths, flat

from fieldapp.clihelp.pages import help_texts
from fieldapp.core.i18n import Lang, translate
from sync.server.cli import main
from sync.server.config import ENV_DATABASE_URL, ENV_LANG


def run(*args: str, env: dict[str, str | None] | None = None, input: str | None = None) -> Result:
    """``fieldapp-server ARGS`` in-process, with neither the ambient database nor the ambient language."""
    return CliRunner().invoke(
        main, list(args), env={ENV_DATABASE_URL: None, ENV_LANG: None, **(env or {})}, input=input,
        terminal_width=100_000,
    )  # fmt: skip


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_server_help_page_is_in_the_language_of_the_run(lang: Lang) -> None:
    paths = [(), *command_paths(main)]
    assert {("serve",), ("user", "passwd"), ("report",), ("target", "set"), ("install-service",)} <= set(
        paths
    )
    checked = 0
    for path in paths:
        command = command_at(main, path)
        result = run("--lang", lang, *path, "--help")
        assert result.exit_code == 0, (path, result.output)
        checked += check_help_page(result.output, command, lang, path)
    assert checked > 80  # every command, every option


def test_every_server_help_text_is_translated() -> None:
    """scripts/messages.py extracts what help_texts finds: a new server option cannot go untranslated."""
    found = {text for _path, text, _command in help_texts(main)}
    assert "Revoke a user's token at once." in found and "the month (the month under way: to today)" in found
    untranslated = sorted(t for t in found if translate(t, "vi") == t and re.search(r"[a-z]{4} [a-z]{4}", t))
    assert not untranslated, untranslated


def test_click_s_own_words_are_translated_on_the_server_too() -> None:
    page = flat(run("serve", "--help").output)
    assert "[mặc định: 8765; 1<=x<=65535]" in page and "Tùy chọn:" in page
    assert "default: 8765" not in page and "Options" not in page
    commands = flat(run("--help").output)
    assert "Lệnh:" in commands and "Người dùng và mã truy cập của họ." in commands  # the `user` group's line
    required = flat(run("report", "--help").output)
    assert "[bắt buộc]" in required and "[required]" not in required


@pytest.mark.parametrize(
    "argv", [["--help", "--lang", "en"], ["--lang", "en", "--help"], ["-h", "--lang=en"]]
)
def test_the_top_page_follows_lang_typed_before_or_after_help(argv: list[str]) -> None:
    result = run(*argv)
    assert result.exit_code == 0 and result.output.startswith("Usage:"), result.output
    assert "Commands:" in result.output and "Users and their tokens." in result.output


def test_without_lang_the_environment_chooses_and_lang_wins_over_it() -> None:
    assert run("user", "--help").output.startswith("Cách dùng:")
    assert run("user", "--help", env={ENV_LANG: "en"}).output.startswith("Usage:")
    assert run("--lang", "vi", "user", "--help", env={ENV_LANG: "en"}).output.startswith("Cách dùng:")
    assert run("--help", env={ENV_LANG: "en"}).output.startswith("Usage:")  # drawn before --lang is processed


def test_a_bad_language_in_the_environment_is_a_usage_error_naming_the_option() -> None:
    result = run("user", "list", env={ENV_LANG: "fr"})
    assert result.exit_code == 2
    assert "Lỗi: Giá trị không hợp lệ cho '--lang'" in result.stderr and "vi, en" in result.stderr


def test_usage_errors_are_worded_in_the_run_s_language() -> None:
    missing = run("user", "add")
    assert missing.exit_code == 2
    assert "Cách dùng: " in missing.stderr and "Lỗi: Thiếu đối số 'NAME'." in missing.stderr
    assert "Missing" not in missing.stderr
    english = run("--lang", "en", "user", "add")
    assert english.exit_code == 2 and "Error: Missing argument 'NAME'." in english.stderr
    unknown = run("usr")
    assert (
        unknown.exit_code == 2
        and "Lỗi: Không có lệnh “usr”." in unknown.stderr
        and "'user'" in unknown.stderr
    )
    choice = run("user", "add", "a", "--role", "boss")
    assert choice.exit_code == 2 and "phải là một trong: cadre, admin, viewer" in choice.stderr
    both = run("target", "delete", "2026", "--ward", "x", "--user", "y")
    assert both.exit_code == 2 and "Lỗi: hãy đưa --ward hoặc --user, không được cả hai" in both.stderr


def test_a_bad_month_names_the_option_in_the_run_s_language(tmp_path: Path) -> None:
    args = ("report", "--month", "2026-13", "--format", "json", "--output", str(tmp_path / "r.json"))
    vi = run(*args)
    assert vi.exit_code == 2
    assert (
        "Lỗi: Giá trị không hợp lệ cho --month: '2026-13' không phải một tháng dạng YYYY-MM từ 2000-01 đến "
        "2100-12" in vi.stderr
    )
    en = run("--lang", "en", *args)
    assert en.exit_code == 2
    assert (
        "Error: Invalid value for --month: '2026-13' is not a month YYYY-MM from 2000-01 to 2100-12"
        in en.stderr
    )
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def migrated(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    upgraded = run("db", "upgrade", "--database-url", url)
    assert upgraded.exit_code == 0, upgraded.output
    assert upgraded.stdout.startswith(f"Cơ sở dữ liệu {url} đang ở lược đồ ")
    return url


def test_an_unknown_user_s_password_is_refused_in_the_run_s_language(migrated: str) -> None:
    args = ("user", "passwd", "nobody", "--password-stdin", "--database-url", migrated)
    vi = run(*args, input="mật khẩu đủ dài\n")
    assert vi.exit_code == 1
    assert (
        vi.stderr
        == "Lỗi: không đặt được mật khẩu: không có người dùng nào tên 'nobody'; không có gì thay đổi\n"
    )
    en = run("--lang", "en", *args, input="long enough password\n")
    assert en.exit_code == 1
    assert (
        en.stderr == "Error: cannot set the password: there is no user named 'nobody'; nothing was changed\n"
    )
    by_env = run(*args, input="long enough password\n", env={ENV_LANG: "en"})
    assert by_env.stderr == en.stderr


def test_confirmations_and_tables_follow_the_language_and_json_does_not(migrated: str) -> None:
    added = run("user", "add", "lan", "--role", "viewer", "--database-url", migrated)
    assert added.exit_code == 0, added.output
    assert added.stdout.startswith("Đã thêm người dùng 'lan' (viewer); hãy đưa họ mã truy cập này")
    assert "đang hoạt động" in run("user", "list", "--database-url", migrated).stdout
    assert "\tactive\t" in run("--lang", "en", "user", "list", "--database-url", migrated).stdout
    vi_json = run("user", "list", "--json", "--database-url", migrated).stdout
    en_json = run("--lang", "en", "user", "list", "--json", "--database-url", migrated).stdout
    assert vi_json == en_json and json.loads(vi_json)[0]["name"] == "lan"
    taken = run("user", "add", "lan", "--database-url", migrated)
    assert taken.exit_code == 1 and taken.stderr == "Lỗi: đã có người dùng tên 'lan'\n"
    target = run("target", "set", "2026", "--user", "ghost", "--new-unions", "2", "--database-url", migrated)
    assert target.exit_code == 1 and target.stderr == "Lỗi: --user: không có người dùng nào tên 'ghost'\n"
    none = run("target", "delete", "2026", "--database-url", migrated)
    assert none.exit_code == 1 and none.stderr == "Lỗi: không có chỉ tiêu năm 2026 cho Liên đoàn\n"


def test_the_version_lines_follow_the_language() -> None:
    vi = run("--version").stdout.splitlines()
    assert vi[0].startswith("fieldapp-server ") and vi[1].startswith("Giao thức đồng bộ: ")
    assert vi[2].startswith("Cơ sở dữ liệu: ") and "mặc định: SQLite" in vi[2]
    assert run("--version", "--lang", "en").stdout.splitlines()[1].startswith("Sync protocol: ")


def test_import_reports_in_the_run_s_language_unless_told(tmp_path: Path, migrated: str) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Tên doanh nghiệp,Phường/Xã,Số lao động\n,Bạch Mai,-3\n", encoding="utf-8")
    vi = run("import", str(path), "--database-url", migrated)
    en = run("--lang", "en", "import", str(path), "--database-url", migrated)
    told = run("import", str(path), "--lang", "en", "--database-url", migrated)
    assert vi.exit_code == en.exit_code == told.exit_code == 1
    assert any(line.startswith("dòng 2:") for line in vi.stderr.splitlines()), vi.stderr
    assert any(line.startswith("row 2:") for line in en.stderr.splitlines()), en.stderr
    assert told.stderr == en.stderr
