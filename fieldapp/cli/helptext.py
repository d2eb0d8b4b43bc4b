"""``--help`` in the user's language: every command's text, its options' texts and click's own words.

The commands keep English help, as click wants it (docstrings and ``help=``); ``scripts/messages.py`` walks the
command tree and puts each of those texts in the catalog, and the classes here translate them when the help is
drawn, in the language of the run (``--lang``, else the settings', else Vietnamese: ``context_lang``). Click's own
words on the page (``Usage:``, ``Options``, ``Commands``, ``[required]``, ``[default: …]``, the ``--help`` line) are
drawn here too, from the catalog, since click takes them from the process-wide ``gettext`` domain.

Every module-level command is made with ``cls=HelpCommand`` or ``cls=HelpGroup``; the subcommands of a
``HelpGroup`` get the same classes (``command_class``, ``group_class``).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

import click
from click.formatting import HelpFormatter

from fieldapp.core.i18n import N_, Lang, gettext, translate

__all__ = ["COMMANDS_HEADING", "HelpCommand", "HelpGroup", "LocalisedHelp", "help_texts", "short_help"]

_HELP_OPTION = N_("Show this message and exit.")
_USAGE = N_("Usage:")
_OPTIONS = N_("Options")
COMMANDS_HEADING = N_("Commands")
_REQUIRED = N_("required")
_DEFAULT = N_("default: {default}")
_ENV_VAR = N_("env var: {var}")
#: the ``--help`` option's own text, as click words it (translated as ``_HELP_OPTION``)
_CLICK_HELP_OPTION = "Show this message and exit."


def _lang(ctx: click.Context) -> Lang:
    from fieldapp.cli.usage import context_lang  # usage imports this module's classes

    return context_lang(ctx)


def help_text(command: click.Command) -> str:
    """*command*'s help as click shows it (cleaned, cut at a form feed): the message id of its translation."""
    return inspect.cleandoc(command.help).partition("\f")[0] if command.help else ""


def short_help(command: click.Command, lang: Lang, limit: int = 45) -> str:
    """*command*'s short help in *lang*: its own ``short_help`` translated, else cut from its translated help."""
    if command.short_help:
        text = translate(inspect.cleandoc(command.short_help), lang)
    else:
        text = translate(help_text(command), lang)
    return click.Command(command.name, help=text).get_short_help_str(limit) if text else ""


def _option_row(param: click.Parameter, ctx: click.Context, lang: Lang) -> tuple[str, str] | None:
    """One row of the options' list: click's left column, and the help with click's extras in *lang*."""
    record = param.get_help_record(ctx)
    if record is None or not isinstance(param, click.Option):
        return record
    text = param.help or ""
    text = translate(_HELP_OPTION if text == _CLICK_HELP_OPTION else text, lang) if text else ""
    extra = param.get_help_extra(ctx)
    items: list[str] = []
    if "envvars" in extra:
        items.append(gettext(_ENV_VAR, lang, var=", ".join(extra["envvars"])))
    if "default" in extra:
        items.append(gettext(_DEFAULT, lang, default=extra["default"]))
    if "range" in extra:
        items.append(extra["range"])
    if "required" in extra:
        items.append(translate(_REQUIRED, lang))
    if items:
        joined = "; ".join(items)
        text = f"{text}  [{joined}]" if text else f"[{joined}]"
    return record[0], text


class LocalisedHelp:
    """Draws a command's ``--help`` in the user's language (mixed into click's ``Command`` and ``Group``)."""

    def format_usage(self, ctx: click.Context, formatter: HelpFormatter) -> None:
        command: click.Command = self  # type: ignore[assignment]
        pieces = " ".join(command.collect_usage_pieces(ctx))
        formatter.write_usage(ctx.command_path, pieces, prefix=translate(_USAGE, _lang(ctx)) + " ")

    def format_help_text(self, ctx: click.Context, formatter: HelpFormatter) -> None:
        text = help_text(self)  # type: ignore[arg-type]
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(translate(text, _lang(ctx)))

    def format_options(self, ctx: click.Context, formatter: HelpFormatter) -> None:
        command: click.Command = self  # type: ignore[assignment]
        lang = _lang(ctx)
        rows = [
            row for param in command.get_params(ctx) if (row := _option_row(param, ctx, lang)) is not None
        ]
        if rows:
            with formatter.section(translate(_OPTIONS, lang)):
                formatter.write_dl(rows)
        if isinstance(command, click.Group):
            command.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: HelpFormatter) -> None:
        group: click.Group = self  # type: ignore[assignment]
        lang = _lang(ctx)
        names = [name for name in group.list_commands(ctx) if name in group.commands]
        commands = [(name, group.commands[name]) for name in names if not group.commands[name].hidden]
        if not commands:
            return
        limit = formatter.width - 6 - max(len(name) for name, _ in commands)
        with formatter.section(translate(COMMANDS_HEADING, lang)):
            formatter.write_dl([(name, short_help(command, lang, limit)) for name, command in commands])


class HelpCommand(LocalisedHelp, click.Command):
    """A click command whose ``--help`` is in the user's language."""


class HelpGroup(LocalisedHelp, click.Group):
    """A click group whose ``--help`` is in the user's language, and so are its subcommands'."""

    command_class = HelpCommand
    group_class = type  # a subgroup is a HelpGroup too


def help_texts(command: click.Command, path: str = "") -> Iterator[tuple[str, str, click.Command]]:
    """Every English text *command*'s ``--help`` pages show, with the command's path: (path, text, command)."""
    path = f"{path} {command.name}".strip()
    for text in (help_text(command), inspect.cleandoc(command.short_help or "")):
        if text:
            yield path, text, command
    for param in command.params:
        if isinstance(param, click.Option) and param.help and not param.hidden:
            yield path, param.help, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from help_texts(command.commands[name], path)
