"""Usage errors (exit 2) in the user's language: click words its own errors in English, so a program's root group
(``LocalisedRoot``) catches them where they pass through it and words them again from the catalog.

Click raises structured exceptions (``MissingParameter``, ``NoSuchOption``, ``NoSuchCommand``, ``BadParameter``,
``BadOptionUsage``); they are re-worded from their attributes, never by parsing click's English. The one
unstructured error click raises for us, extra arguments, is recognised by its fixed wording.

The language of a run is each program's own rule (``fieldapp``: ``--lang``, else the settings'; ``fieldapp-server``:
``--lang``, else ``$FIELDAPP_SERVER_LANG``): its root group says it in ``language``, from the values of the root
options it depends on, and ``context_lang`` asks the root of any context for it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import IO, Any

import click
from click.exceptions import NoArgsIsHelpError, NoSuchCommand

from fieldapp.clihelp.pages import HelpCommand, HelpGroup, LocalisedHelp
from fieldapp.clihelp.streams import utf8_output
from fieldapp.core.i18n import N_, Lang, gettext
from fieldapp.core.text import displayable

__all__ = ["Localised", "LocalisedRoot", "LocalisedUsageError", "context_lang", "option_value", "reword"]

_EXTRA_ARGS = re.compile(r"^Got unexpected extra arguments? \((?P<args>.*)\)$", re.DOTALL)


class Localised:
    """Marks a parameter type whose ``fail`` messages are already in the user's language."""


class LocalisedUsageError(click.UsageError):
    """A usage error already worded in *lang*; shown with the usage line, the help hint and ``Lỗi:``."""

    def __init__(self, message: str, ctx: click.Context | None, lang: Lang) -> None:
        super().__init__(message, ctx)
        self.lang = lang

    def show(self, file: IO[Any] | None = None) -> None:
        ctx = self.ctx
        if ctx is not None:
            formatter = ctx.make_formatter()
            pieces = " ".join(ctx.command.collect_usage_pieces(ctx))
            formatter.write_usage(ctx.command_path, pieces, prefix=gettext("Usage:", self.lang) + " ")
            click.echo(formatter.getvalue().rstrip("\n"), err=True, color=ctx.color)
            hint = gettext("Try “{command} --help” for help.", self.lang, command=ctx.command_path)
            click.echo(hint + "\n", err=True, color=ctx.color)
        prefix = gettext("Error", self.lang)
        click.echo(f"{prefix}: {displayable(self.format_message())}", err=True)


def _hint(exc: click.UsageError, ctx: click.Context | None) -> str:
    """How the parameter at fault is named: ``'--date'`` (what the user typed)."""
    hint = getattr(exc, "param_hint", None)
    if isinstance(hint, str):
        return hint
    if isinstance(hint, Sequence):
        return " / ".join(f"'{h}'" for h in hint)
    param = getattr(exc, "param", None)
    if param is not None:
        return param.get_error_hint(ctx) if ctx is not None else f"'{param.name}'"
    return ""


def _did_you_mean(possibilities: Sequence[str] | None, lang: Lang) -> str:
    if not possibilities:
        return ""
    return " " + gettext("Did you mean {value}?", lang, value=", ".join(f"'{p}'" for p in possibilities))


def reword(exc: click.UsageError, lang: Lang) -> str:
    """The message of click's *exc* in *lang* (click's own text when it is one we do not know)."""
    ctx = exc.ctx
    if isinstance(exc, click.MissingParameter):
        kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "")
        msgid = N_("Missing argument {name}.") if kind == "argument" else N_("Missing option {name}.")
        return gettext(msgid, lang, name=_hint(exc, ctx))
    if isinstance(exc, click.NoSuchOption):
        return gettext("No such option {name}.", lang, name=exc.option_name) + _did_you_mean(
            exc.possibilities, lang
        )
    if isinstance(exc, NoSuchCommand):
        return gettext("No such command “{name}”.", lang, name=exc.command_name) + _did_you_mean(
            exc.possibilities, lang
        )
    if isinstance(exc, click.BadParameter):
        param = exc.param
        if param is not None and isinstance(param.type, Localised):
            detail = exc.message
        elif param is not None and isinstance(param.type, click.types._NumberParamTypeBase):
            detail = gettext("not a number", lang)
        elif param is not None and isinstance(param.type, click.Choice):
            detail = gettext(
                "must be one of: {choices}", lang, choices=", ".join(map(str, param.type.choices))
            )
        else:
            detail = exc.message
        return gettext("Invalid value for {name}: {detail}", lang, name=_hint(exc, ctx), detail=detail)
    if isinstance(exc, click.BadOptionUsage) and exc.message.startswith(
        f"Option '{exc.option_name}' requires"
    ):
        return gettext("Option {name} needs a value.", lang, name=exc.option_name)
    extra = _EXTRA_ARGS.match(exc.message)
    if extra:
        return gettext("Unexpected extra argument: {value}", lang, value=extra["args"])
    return exc.message


def option_value(args: Sequence[str], name: str) -> str | None:
    """The value of option *name* in the command line *args* as typed (``--lang en``, ``--lang=en``), or None."""
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def context_lang(ctx: click.Context | None) -> Lang:
    """The language of the run *ctx* belongs to, as its root group finds it (Vietnamese outside such a group)."""
    if ctx is None:
        return "vi"
    root = ctx.find_root()
    if isinstance(root.command, LocalisedRoot):
        return root.command.context_language(root)
    return "vi"


#: ``Context.meta`` key: the root's language options as typed (meta is shared by every context of a run)
_TYPED = "fieldapp.clihelp.typed_language_options"


class LocalisedRoot(LocalisedHelp, click.Group):
    """A program's root group: its ``--help`` pages and every usage error raised below it in the run's language.

    A program says how it finds the language: ``language_options`` (the root options it depends on, ``--lang``
    first) and ``language`` (the language from their values, None for one not given).
    """

    command_class = HelpCommand
    group_class = HelpGroup
    language_options: tuple[str, ...] = ("--lang",)

    def language(self, values: Sequence[str | None]) -> Lang:
        """The run's language from the values of ``language_options`` (each None when not given)."""
        raise NotImplementedError

    def context_language(self, root: click.Context) -> Lang:
        """The language of the run whose root context is *root*, before or after its options are processed."""
        if "lang" in root.params or _TYPED not in root.meta:
            return self.language([root.params.get(_param_name(name)) for name in self.language_options])
        # `PROGRAM --help` is drawn while the options are parsed, before --lang is processed: take it as typed
        return self.language(root.meta[_TYPED])

    def typed_language(self, args: Sequence[str]) -> Lang:
        """The run's language from its command line as typed (parsing it failed, or has not ended)."""
        return self.language([option_value(args, name) for name in self.language_options])

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if ctx.parent is None:
            ctx.meta[_TYPED] = [option_value(args, name) for name in self.language_options]
        return super().parse_args(ctx, args)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        utf8_output()  # before anything is written, --help included (Windows: a redirected stream is cp1252)
        return super().main(*args, **kwargs)

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        raw = list(args)  # parsing consumes them; the language must be found when parsing fails
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise _localised(exc, lambda: self.typed_language(raw)) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _localised(exc, lambda: context_lang(ctx)) from None


def _param_name(option: str) -> str:
    return option.lstrip("-").replace("-", "_")


def _localised(exc: click.UsageError, lang: Callable[[], Lang]) -> click.UsageError:
    # *lang* is called only when needed: finding the language may read a settings file
    if isinstance(exc, LocalisedUsageError | NoArgsIsHelpError):
        return exc  # already worded, or not an error (a group called bare shows its help)
    chosen = lang()
    return LocalisedUsageError(reword(exc, chosen), exc.ctx, chosen)
