"""Every command and subcommand answers ``--help``, in the user's language (fieldapp/cli/helptext.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.help_pages import check_help_page, command_at, command_paths, flat

from fieldapp.cli import COMMANDS, main
from fieldapp.clihelp.pages import help_texts, short_help
from fieldapp.core.i18n import Lang, translate


def test_every_command_has_help() -> None:
    paths = command_paths(main)
    expected = {("enterprise", "add"), ("enterprise", "list"), ("enterprise", "show"), ("visit", "add"),
                ("visit", "list"), ("classify",), ("import",), ("export",), ("config", "set"), ("config", "get"),
                ("demo",)}  # fmt: skip
    assert expected <= set(paths)
    runner = CliRunner()
    for path in paths:
        result = runner.invoke(main, ["--lang", "en", *path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_help_page_is_drawn_in_the_language_of_the_run(lang: Lang) -> None:
    runner = CliRunner()
    checked = 0
    for path in [(), *command_paths(main)]:
        command = command_at(main, path)
        result = runner.invoke(main, ["--lang", lang, *path, "--help"], terminal_width=100_000)
        assert result.exit_code == 0, (path, result.output)
        checked += check_help_page(result.output, command, lang, path)
    assert checked > 150  # every command, every option


def test_click_s_own_words_are_translated_too() -> None:
    result = CliRunner().invoke(main, ["--lang", "vi", "visit", "add", "--help"], terminal_width=100_000)
    page = flat(result.output)
    assert "[bắt buộc]" in page and "[mặc định: 0]" in page
    assert "[required]" not in page and "default: 0" not in page and "Options" not in page


@pytest.mark.parametrize(
    "argv", [["--help", "--lang", "en"], ["--lang", "en", "--help"], ["-h", "--lang=en"]]
)
def test_the_top_page_follows_lang_typed_before_or_after_help(argv: list[str]) -> None:
    result = CliRunner().invoke(main, argv, terminal_width=200)
    assert result.exit_code == 0 and result.output.startswith("Usage:"), result.output
    assert "Commands:" in result.output and "Enterprises: add, list, show, edit, delete." in result.output


def test_without_lang_the_help_follows_the_settings_language(data_dir: Path) -> None:
    runner = CliRunner()
    assert (
        runner.invoke(main, ["--data-dir", str(data_dir), "config", "set", "language", "en"]).exit_code == 0
    )
    page = runner.invoke(main, ["--data-dir", str(data_dir), "visit", "--help"]).output
    assert page.startswith("Usage:") and "List visits, newest first." in page
    vi = runner.invoke(main, ["--data-dir", str(data_dir), "--lang", "vi", "visit", "--help"]).output
    assert vi.startswith("Cách dùng:") and "Liệt kê các lần thăm, mới nhất trước." in flat(vi)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_lazy_table_s_short_help_is_each_command_s_own_in_both_languages(lang: Lang) -> None:
    """`fieldapp --help` lists the commands without importing them, from the table's own catalog entries."""
    for name, spec in COMMANDS.items():
        command = main.load(name)
        assert translate(spec.short_help, lang) == short_help(command, lang, limit=10**6), (name, lang)
    page = CliRunner().invoke(main, ["--lang", lang, "--help"], terminal_width=300).output
    for name, spec in COMMANDS.items():
        assert any(line.split() == [name, *translate(spec.short_help, lang).split()]
                   for line in page.splitlines()), (name, page)  # fmt: skip


def test_every_help_text_is_in_the_catalog_walk() -> None:
    """scripts/messages.py extracts what help_texts finds: a new command or option cannot go untranslated."""
    for name in COMMANDS:
        main.load(name)
    found = {text for _path, text, _command in help_texts(main)}
    assert (
        "Record a visit to an enterprise." in found
        and "Show one enterprise, its classification and its visits." in found
    )
    untranslated = sorted(t for t in found if translate(t, "vi") == t and re.search(r"[a-z]{4} [a-z]{4}", t))
    assert not untranslated, untranslated
