"""Every command and subcommand answers ``--help``, in the user's language (fieldapp/cli/helptext.py)."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from fieldapp.cli import COMMANDS, main
from fieldapp.cli.helptext import help_text, help_texts, short_help
from fieldapp.core.i18n import Lang, translate


def _paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # the fieldapp group imports its commands only when asked
        command = group.get_command(ctx, name)
        assert command is not None, name
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths.extend(_paths(command, (*prefix, name)))
    return paths


def test_every_command_has_help() -> None:
    paths = _paths(main)
    expected = {("enterprise", "add"), ("enterprise", "list"), ("enterprise", "show"), ("visit", "add"),
                ("visit", "list"), ("classify",), ("import",), ("export",), ("config", "set"), ("config", "get"),
                ("demo",)}  # fmt: skip
    assert expected <= set(paths)
    runner = CliRunner()
    for path in paths:
        result = runner.invoke(main, ["--lang", "en", *path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output


def _flat(text: str) -> str:
    """*text* with its line breaks and runs of spaces made one space (click wraps help to the terminal)."""
    return re.sub(r"\s+", " ", text).strip()


def _command(path: tuple[str, ...]) -> click.Command:
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        found = command.get_command(click.Context(command), name)
        assert found is not None, path
        command = found
    return command


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_help_page_is_drawn_in_the_language_of_the_run(lang: Lang) -> None:
    runner = CliRunner()
    checked = 0
    for path in [(), *_paths(main)]:
        command = _command(path)
        result = runner.invoke(main, ["--lang", lang, *path, "--help"], terminal_width=100_000)
        assert result.exit_code == 0, (path, result.output)
        page = _flat(result.output)
        usage, options = ("Cách dùng:", "Tùy chọn:") if lang == "vi" else ("Usage:", "Options:")
        assert page.startswith(usage) and options in page, (path, page[:200])
        # the command's own text and every option's, each translated (the catalog has them all: test_messages)
        texts = [help_text(command)] + [
            p.help for p in command.params if isinstance(p, click.Option) and p.help and not p.hidden
        ]
        for text in texts:
            assert _flat(translate(text, lang)) in page, (path, text, page)
            checked += 1
        help_line = "Hiện hướng dẫn này rồi thoát." if lang == "vi" else "Show this message and exit."
        assert help_line in page, path
    assert checked > 150  # every command, every option


def test_click_s_own_words_are_translated_too() -> None:
    result = CliRunner().invoke(main, ["--lang", "vi", "visit", "add", "--help"], terminal_width=100_000)
    page = _flat(result.output)
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
    assert vi.startswith("Cách dùng:") and "Liệt kê các lần thăm, mới nhất trước." in _flat(vi)


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
