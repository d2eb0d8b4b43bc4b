"""What the commands share for talking to the user: one-line errors with exit codes, JSON, rich tables, labels.

Exit codes: 0 ok, 1 invalid data (the message names the field or row; nothing was written), 2 usage (click).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TypeVar

import click
import orjson
from rich.console import Console
from rich.table import Table

from fieldapp.cli.context import AppContext
from fieldapp.core.errors import RecordError
from fieldapp.core.labels import Lang, field_label
from fieldapp.io.errors import FileProblem

__all__ = [
    "CliError",
    "CLI_MESSAGES",
    "current_lang",
    "fail",
    "guarded",
    "print_json",
    "print_table",
    "say",
    "text",
]

F = TypeVar("F", bound=Callable[..., Any])

# code -> (Vietnamese, English): the command line's own sentences.
CLI_MESSAGES: dict[str, tuple[str, str]] = {
    "error": ("Lỗi", "Error"),
    "not_found": (
        "không có doanh nghiệp nào có mã hoặc mã số thuế “{value}”",
        "no enterprise has id or tax code “{value}”",
    ),
    "no_cadre": (
        "chưa có tên cán bộ: thêm --cadre TÊN hoặc chạy “fieldapp config set cadre TÊN”",
        "no cadre name: pass --cadre NAME or run “fieldapp config set cadre NAME”",
    ),
    "not_empty": (
        "thư mục dữ liệu {value} đã có dữ liệu ({e} doanh nghiệp, {v} lần thăm); dữ liệu mẫu chỉ ghi vào thư mục trống",
        "the data folder {value} already holds data ({e} enterprises, {v} visits); demo data goes only to an empty folder",
    ),
    "added_enterprise": ("Đã thêm doanh nghiệp “{name}” (mã {id}).", "Added enterprise “{name}” (id {id})."),
    "added_visit": (
        "Đã ghi lần thăm ngày {date} tại “{name}” (mã {id}).",
        "Recorded the visit of {date} to “{name}” (id {id}).",
    ),
    "same_name_ward": (
        "Lưu ý: đã có doanh nghiệp cùng tên ở {ward}: {others}",
        "Note: an enterprise with this name already exists in {ward}: {others}",
    ),
    "none": ("(không có)", "(none)"),
    "count": ("{n} dòng", "{n} rows"),
    "import_summary": (
        "Thêm mới {created}, cập nhật {updated}, không đổi {unchanged}, không hợp lệ {invalid}.",
        "Created {created}, updated {updated}, unchanged {unchanged}, invalid {invalid}.",
    ),
    "row": ("dòng {row}", "row {row}"),
    "nothing_written": (
        "Không ghi gì vì có dòng không hợp lệ (dùng --skip-invalid để bỏ qua các dòng đó).",
        "Nothing was written because some rows are invalid (use --skip-invalid to leave them out).",
    ),
    "dry_run": ("Chạy thử (--dry-run): không ghi gì.", "Dry run: nothing was written."),
    "written": ("Đã ghi {n} doanh nghiệp.", "Saved {n} enterprises."),
    "exported": (
        "Đã xuất {e} doanh nghiệp và {v} lần thăm vào {files}.",
        "Exported {e} enterprises and {v} visits to {files}.",
    ),
    "demo_done": (
        "Đã tạo dữ liệu mẫu: {e} doanh nghiệp, {v} lần thăm trong {dir}.",
        "Demo data written: {e} enterprises and {v} visits in {dir}.",
    ),
    "config_set": ("Đã đặt {key} = {value}", "Set {key} = {value}"),
    "classified_file": (
        "Đã phân loại {n} doanh nghiệp vào {path}.",
        "Classified {n} enterprises into {path}.",
    ),
    # table headings
    "h_classification": ("Phân loại", "Classification"),
    "h_priority": ("Ưu tiên", "Priority"),
    "h_basis": ("Cơ sở", "Basis"),
    "h_reasons": ("Lý do", "Reasons"),
    "h_row": ("Dòng", "Row"),
    "ignored_columns": ("Bỏ qua các cột: {value}", "Ignored columns: {value}"),
}


class CliError(Exception):
    """Invalid data found by a command itself: ``field`` names what is wrong (exit 1)."""

    def __init__(self, code: str, field: str | None = None, **params: Any):
        self.code = code
        self.field = field
        self.params = params
        super().__init__(code)

    def describe(self, lang: Lang) -> str:
        message = text(self.code, lang, **self.params)
        if self.field is None:
            return message
        return f"{field_label(self.field, lang)} ({self.field}): {message}"


def text(code: str, lang: Lang, **params: Any) -> str:
    """One of CLI_MESSAGES in *lang*, filled in."""
    vi, en = CLI_MESSAGES[code]
    return (vi if lang == "vi" else en).format(**params)


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
    """Print ``Lỗi: message`` (one line) on stderr and exit with *code*."""
    prefix = text("error", current_lang())
    click.echo(f"{prefix}: {' '.join(message.split())}", err=True)
    raise click.exceptions.Exit(code)


def guarded(func: F) -> F:
    """Turn the errors a command can meet into a one-line message on stderr and exit code 1."""
    from fieldapp.store import StoreError

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (RecordError, CliError, StoreError) as exc:
            fail(exc.describe(current_lang()))
        except FileProblem as exc:
            fail(exc.message(current_lang()))

    return wrapper  # type: ignore[return-value]


def say(message: str) -> None:
    """A line for the user on stderr (so stdout stays clean for tables, CSV and JSON)."""
    click.echo(message, err=True)


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
    """A rich table on stdout."""
    table = Table(*headers, title=title, title_justify="left", show_header=show_header, header_style="bold")
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    _console().print(table)
