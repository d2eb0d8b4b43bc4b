"""Walking a click command line's help pages, for the tests of ``fieldapp`` and ``fieldapp-server`` alike."""

from __future__ import annotations

import re

import click

from fieldapp.clihelp.pages import help_text
from fieldapp.core.i18n import Lang, translate

__all__ = ["check_help_page", "command_at", "command_paths", "flat"]


def flat(text: str) -> str:
    """*text* with its line breaks and runs of spaces made one space (click wraps help to the terminal)."""
    return re.sub(r"\s+", " ", text).strip()


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """The path of every command under *group* (the ``fieldapp`` group imports its commands only when asked)."""
    paths: list[tuple[str, ...]] = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, (*prefix, name)))
    return paths


def command_at(root: click.Command, path: tuple[str, ...]) -> click.Command:
    command = root
    for name in path:
        assert isinstance(command, click.Group)
        found = command.get_command(click.Context(command), name)
        assert found is not None, path
        command = found
    return command


def check_help_page(output: str, command: click.Command, lang: Lang, path: tuple[str, ...]) -> int:
    """Check that the ``--help`` page *output* of *command* is drawn in *lang*: click's words, the command's own
    text and every option's, each translated. The number of texts checked."""
    page = flat(output)
    usage, options = ("Cách dùng:", "Tùy chọn:") if lang == "vi" else ("Usage:", "Options:")
    assert page.startswith(usage) and options in page, (path, page[:200])
    texts = [help_text(command)] + [
        p.help for p in command.params if isinstance(p, click.Option) and p.help and not p.hidden
    ]
    for text in texts:
        assert flat(translate(text, lang)) in page, (path, text, page)
    help_line = "Hiện hướng dẫn này rồi thoát." if lang == "vi" else "Show this message and exit."
    assert help_line in page, path
    return len(texts)
