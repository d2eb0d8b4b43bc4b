"""Every command and subcommand answers ``--help``."""

from __future__ import annotations

import click
from click.testing import CliRunner

from fieldapp.cli import main


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
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.output
