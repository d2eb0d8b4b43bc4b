"""Control characters in stored data never reach the terminal: ``enterprise list/show`` and ``visit list`` print
every cell through ``fieldapp.core.text.displayable``, as plain text (no rich markup), whatever got into the store
(issue 10, finding 2, the command line's part). The records are written raw, past validation, as a synced or
hand-edited record could arrive."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result
from support.hostile import TERMINAL_ESCAPES

from fieldapp.core.records import Enterprise, Visit
from fieldapp.store import Store
from fieldapp.store.codec import to_doc
from fieldapp.store.documents import ENTERPRISES, VISITS

Run = Callable[..., Result]


def _store_raw(data_dir: Path, name: str, note: str) -> None:
    e = Enterprise.create(name="Công ty Sạch", tax_code="0101234567", ward="Ngọc Lâm")
    v = Visit.create(
        enterprise_id=e.id,
        visited_on=date(2025, 3, 1),
        cadre="Hoa",
        headcount=9,
        seasonal=0,
        attitude="neutral",
    )
    e_doc, v_doc = to_doc(e), to_doc(v)
    e_doc["name"], e_doc["ward"], v_doc["note"], v_doc["cadre"] = name, name, note, note
    with Store.open(data_dir) as store:
        store._documents.commit([(ENTERPRISES, e.id, e_doc), (VISITS, v.id, v_doc)])


def _printed(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout + result.stderr


@pytest.mark.parametrize("escape", TERMINAL_ESCAPES)
def test_no_control_character_from_data_reaches_the_terminal(run: Run, data_dir: Path, escape: str) -> None:
    _store_raw(data_dir, f"Tên {escape} [bold]x[/bold]", f"ghi chú {escape}\nhai dòng")
    for args in (
        ("enterprise", "list"),
        ("enterprise", "show", "0101234567"),
        ("visit", "list"),
        ("visit", "list", "--enterprise", "0101234567"),
    ):
        out = _printed(run(*args))
        controls = [c for c in out if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) < 0xA0]
        assert controls == [], (args, out)
        assert "\ufffd" in out, "the escape is shown as a replacement character, not dropped in silence"
        if args[1] != "list" or args[0] == "enterprise":
            assert "[bold]x[/bold]" in out, "data is not rich markup"


def test_json_output_keeps_the_data_escaped_for_programs(run: Run, data_dir: Path) -> None:
    _store_raw(data_dir, "Tên \x1b[2J", "ghi chú")
    out = run("enterprise", "list", "--json").stdout
    assert "\x1b" not in out and "\\u001b[2J" in out
