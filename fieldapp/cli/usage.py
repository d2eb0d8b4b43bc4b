"""Usage errors (exit 2) in the user's language: click words its own errors in English, so the ``fieldapp`` group
catches them where they pass through it and words them again from the catalog.

Click raises structured exceptions (``MissingParameter``, ``NoSuchOption``, ``NoSuchCommand``, ``BadParameter``,
``BadOptionUsage``); they are re-worded from their attributes, never by parsing click's English. The one
unstructured error click raises for us, extra arguments, is recognised by its fixed wording.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import IO, Any

import click
from click.exceptions import NoArgsIsHelpError, NoSuchCommand

from fieldapp.cli.helptext import HelpCommand, HelpGroup, LocalisedHelp
from fieldapp.cli.streams import utf8_output
from fieldapp.core.i18n import N_, Lang, as_lang, gettext
from fieldapp.core.text import displayable

__all__ = ["LocalisedGroup", "LocalisedUsageError", "Localised", "context_lang", "lang_of"]

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


def lang_of(lang: str | None, data_dir: str | None) -> Lang:
    """The language of a run from its ``--lang`` and ``--data-dir``, read without creating anything."""
    # --lang, else the settings' language if the settings file exists (never created here), else Vietnamese
    if lang is not None:
        return as_lang(lang)
    from fieldapp.datafolder import resolve_data_dir, stored_language

    return stored_language(resolve_data_dir(data_dir)) or "vi"


def context_lang(ctx: click.Context | None) -> Lang:
    """The language of the invocation *ctx* belongs to, even before the ``fieldapp`` group's callback ran."""
    if ctx is None:
        return "vi"
    root = ctx.find_root()
    if root.obj is not None:  # the group's callback ran (`--help` comes before it, and needs no settings)
        from fieldapp.cli.context import AppContext

        if isinstance(root.obj, AppContext):
            try:
                return root.obj.lang
            except Exception:  # unreadable settings: their own error comes later
                return root.obj.lang_override or "vi"
    if "lang" in root.params or _TYPED not in root.meta:
        return lang_of(root.params.get("lang"), root.params.get("data_dir"))
    # `fieldapp --help` is drawn while the options are parsed, before --lang is processed: take it as typed
    return lang_of(*root.meta[_TYPED])


def _option_value(args: Sequence[str], name: str) -> str | None:
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


#: ``Context.meta`` key: the root's --lang and --data-dir as typed (meta is shared by every context of a run)
_TYPED = "fieldapp.typed_lang_and_folder"


class LocalisedGroup(LocalisedHelp, click.Group):
    """The ``fieldapp`` group: every usage error raised below it, and its help, in the user's language."""

    command_class = HelpCommand
    group_class = HelpGroup

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if ctx.parent is None:
            ctx.meta[_TYPED] = (_option_value(args, "--lang"), _option_value(args, "--data-dir"))
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
            raise _localised(
                exc, lambda: lang_of(_option_value(raw, "--lang"), _option_value(raw, "--data-dir"))
            ) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise _localised(exc, lambda: context_lang(ctx)) from None


def _localised(exc: click.UsageError, lang: Callable[[], Lang]) -> click.UsageError:
    # *lang* is called only when needed: finding the language may read the settings file
    if isinstance(exc, LocalisedUsageError | NoArgsIsHelpError):
        return exc  # already worded, or not an error (a group called bare shows its help)
    chosen = lang()
    return LocalisedUsageError(reword(exc, chosen), exc.ctx, chosen)
