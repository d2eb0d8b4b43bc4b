"""A click group whose commands are imported only when one of them runs.

``fieldapp --help`` and ``fieldapp sync`` used to import every command module, and with them Textual's neighbours,
the import/export readers, the sync client and the classification rules: about 0.4 s before the first line of
work. ``LazyGroup`` is told, for each command, the module that defines it and the short help ``--help`` lists, so
listing the commands imports nothing and running one imports its module alone. A test keeps each short help equal
to the command's own (tests/cli/test_cli_startup.py).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any, NamedTuple

import click
from click.exceptions import NoSuchCommand

from fieldapp.cli.helptext import COMMANDS_HEADING, short_help
from fieldapp.cli.usage import LocalisedGroup, context_lang
from fieldapp.core.i18n import translate

__all__ = ["LazyCommand", "LazyGroup"]


class LazyCommand(NamedTuple):
    """Where a command is defined (a module with a ``COMMANDS`` list) and its short help, as ``--help`` lists it."""

    module: str
    short_help: str


class LazyGroup(LocalisedGroup):
    """A ``LocalisedGroup`` whose commands (*lazy_commands*: name -> ``LazyCommand``) are imported on first use."""

    def __init__(self, *args: Any, lazy_commands: Mapping[str, LazyCommand] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.lazy_commands: dict[str, LazyCommand] = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.lazy_commands:
            self.add_command(self.load(cmd_name))
        return self.commands.get(cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except NoSuchCommand as exc:  # click offers only the loaded commands as "did you mean"
            raise NoSuchCommand(exc.command_name, possibilities=self.list_commands(ctx), ctx=ctx) from None

    def load(self, cmd_name: str) -> click.Command:
        """Import the module of *cmd_name* and return the command it defines under that name."""
        module = importlib.import_module(self.lazy_commands[cmd_name].module)
        for command in module.COMMANDS:
            if command.name == cmd_name:
                return command  # type: ignore[no-any-return]
        raise LookupError(f"{module.__name__}.COMMANDS has no command {cmd_name!r}")

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # click's own version asks every command for its short help, which imports them all
        names = self.list_commands(ctx)
        if not names:
            return
        lang = context_lang(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        rows = []
        for name in names:
            lazy = self.lazy_commands.get(name)
            if name in self.commands or lazy is None:  # added directly, or loaded already
                command = self.commands[name]
                if command.hidden:
                    continue
                rows.append((name, short_help(command, lang, limit)))
            else:
                # cut as click cuts a command's own help (a bare Command does it with click's public API)
                text = translate(lazy.short_help, lang)
                rows.append((name, click.Command(name, help=text).get_short_help_str(limit)))
        with formatter.section(translate(COMMANDS_HEADING, lang)):
            formatter.write_dl(rows)
