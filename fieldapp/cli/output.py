"""What the commands share for talking to the user: one-line errors with exit codes, JSON, rich tables, and the
lines and words more than one command says. Every sentence is a catalog message (``fieldapp.core.i18n``).

Exit codes: 0 ok, 1 invalid data (the message names the field or row; nothing was written), 2 usage (click).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn, TypeVar

import click
import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from fieldapp.cli.context import AppContext
from fieldapp.clihelp.streams import utf8_output
from fieldapp.core.errors import RecordError
from fieldapp.core.i18n import N_, CodedError, Lang, gettext
from fieldapp.core.labels import field_label
from fieldapp.core.records import Record
from fieldapp.core.text import displayable
from fieldapp.io.errors import FileProblem
from fieldapp.store.errors import StoreError, StoreIOError

if TYPE_CHECKING:  # the readers and the importer are imported by the few functions that need them
    from fieldapp.io.importer import InvalidRow
    from fieldapp.io.readers import Table as SheetTable

__all__ = [
    "CliError",
    "utf8_output",
    "changes_text",
    "confirm",
    "current_lang",
    "declined",
    "fail",
    "guarded",
    "print_json",
    "print_table",
    "report_invalid",
    "report_sheet",
    "report_warnings",
    "say",
    "yes_no",
]

F = TypeVar("F", bound=Callable[..., Any])


class CliError(CodedError):
    """Invalid data found by a command itself (exit 1); ``field``, when given, names what is wrong."""

    MESSAGES: ClassVar[Mapping[str, str]] = {
        "not_found": N_("no enterprise has id or tax code “{value}”"),
        "no_cadre": N_("no cadre name: pass --cadre NAME or run “fieldapp config set cadre NAME”"),
        "not_discardable": N_(
            "“{value}” has no rejected record to discard: see `fieldapp sync issues` (a conflict is settled on the "
            "Sync screen)"
        ),
        "token_refused": N_("the server refuses this token, so it was not saved: {detail}"),
        "synced": N_(
            "“{value}” is on the server already, and this laptop cannot send a deletion: ask the office to delete "
            "it on the server; the next sync then removes it here too"
        ),
        "synced_visits": N_(
            "“{value}” has {n} visits on the server already, and this laptop cannot send a deletion: ask the office "
            "to delete them on the server; the next sync then removes them here too"
        ),
        "synced_cases": N_(
            "“{value}” has a founding case on the server already, and this laptop cannot send a deletion: ask the "
            "office to delete the enterprise on the server; the next sync then removes it here too"
        ),
        "visit_not_found": N_("no visit has id “{value}” (see `fieldapp visit list`)"),
        "not_empty": N_(
            "the data folder {value} already holds data ({e} enterprises, {v} visits); "
            "demo data goes only to an empty folder"
        ),
    }

    def __init__(self, code: str, /, field: str | None = None, **params: Any) -> None:
        self.field = field
        super().__init__(code, **params)

    def message(self, lang: Lang = "vi") -> str:
        """The message in *lang*, after the field's label when there is a field."""
        text = super().message(lang)
        return text if self.field is None else f"{field_label(self.field, lang)} ({self.field}): {text}"


def current_lang() -> Lang:
    """The language of this invocation (``--lang``, else the settings); Vietnamese when it cannot be told."""
    ctx = click.get_current_context(silent=True)
    app = ctx.find_object(AppContext) if ctx is not None else None
    if app is None:
        return "vi"
    try:
        return app.lang
    except Exception:  # unreadable settings: the error itself is reported in Vietnamese, the default
        return app.lang_override or "vi"


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``Lỗi: message`` (one line, no control characters) on stderr and exit with *code*."""
    prefix = gettext("Error", current_lang())
    click.echo(f"{prefix}: {displayable(' '.join(message.split()))}", err=True)
    raise click.exceptions.Exit(code)


def guarded(func: F) -> F:
    """Turn the errors a command can meet into a one-line message on stderr and exit code 1.

    The one place where what the operating system refuses (disk full, a read-only folder, a folder where a
    file should be) becomes a sentence naming the data folder instead of a traceback: the store and the
    settings raise ``StoreIOError`` themselves; any other OSError is worded the same way here.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (RecordError, CliError, StoreError, FileProblem) as exc:
            fail(exc.message(current_lang()))
        except OSError as exc:
            ctx = click.get_current_context(silent=True)
            app = ctx.find_object(AppContext) if ctx is not None else None
            folder = app.data_dir if app is not None else Path.cwd()
            fail(StoreIOError.from_os_error(exc, folder).message(current_lang()))

    return wrapper  # type: ignore[return-value]


def confirm(question: str, lang: Lang) -> bool:
    """Ask *question* on stderr and read one line: True only for a yes (có, c, yes, y). No answer is no."""
    from fieldapp.io.columns import parse_bool

    choices = gettext("y/N", lang)
    click.echo(f"{displayable(question)} [{choices}] ", nl=False, err=True)
    answer = sys.stdin.readline()
    if not answer.endswith("\n"):
        click.echo(err=True)  # end of input: finish the question's line
    return bool(answer.strip()) and parse_bool(answer.strip()) is True


def declined(lang: Lang) -> NoReturn:
    """The person said no: nothing was changed, exit 1."""
    fail(gettext("Nothing was changed.", lang))


def changes_text(before: Record, after: Record, lang: Lang) -> str:
    """What an edit changes, field by field: ``Phường/Xã: Ngọc Lâm → Ngọc Thụy; ...``."""
    from fieldapp.io.importer import changed_fields
    from fieldapp.io.report import describe_changes

    return describe_changes(changed_fields(before, after), lang)


def say(message: str) -> None:
    """A line for the user on stderr (so stdout stays clean for tables, CSV and JSON); control characters from
    data never reach the terminal."""
    click.echo(displayable(message, newlines=True), err=True)


def report_invalid(invalid: Sequence[InvalidRow], lang: Lang) -> None:
    """One line per invalid row of an outside list on stderr: ``dòng 4: Mã số thuế (tax_code): ...``."""
    from fieldapp.io.report import invalid_lines

    for line in invalid_lines(invalid, lang):
        say(line)


def report_warnings(warned: Sequence[InvalidRow], lang: Lang) -> None:
    """One line per row of an outside list read with a warning, on stderr: ``dòng 4 (cảnh báo): Mã số thuế ...``."""
    from fieldapp.io.report import warning_lines

    for line in warning_lines(warned, lang):
        say(line)


def report_sheet(table: SheetTable, lang: Lang) -> None:
    """On stderr, for a workbook: the sheet that was read, and a warning when other sheets are visible too."""
    from fieldapp.io.report import sheet_lines

    for line in sheet_lines(table, lang):
        say(line)


def yes_no(value: bool, lang: Lang) -> str:
    """``có``/``không`` (yes/no)."""
    return gettext("yes", lang) if value else gettext("no", lang)


def print_json(value: Any) -> None:
    """*value* as indented JSON on stdout (UTF-8, non-ASCII kept)."""
    click.echo(orjson.dumps(value, option=orjson.OPT_INDENT_2).decode())


def _console() -> Console:
    # Piped or captured output gets a wide fixed width so rows are not folded.
    out = sys.stdout
    return Console(file=out, width=None if out.isatty() else 200, soft_wrap=False, highlight=False)


def print_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    title: str | None = None,
    show_header: bool = True,
) -> None:
    """A rich table on stdout. Cells and title are data: shown as plain text (no rich markup), and control
    characters (terminal escapes, say, in a synced name) are replaced (``fieldapp.core.text.displayable``)."""
    table = Table(
        *headers,
        title=None if title is None else Text(displayable(title)),
        title_justify="left",
        show_header=show_header,
        header_style="bold",
    )
    for row in rows:
        table.add_row(*(Text(displayable("" if cell is None else str(cell), newlines=True)) for cell in row))
    _console().print(table)
