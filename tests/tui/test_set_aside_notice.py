"""The terminal app tells the user when the store set part of its log aside on opening (issue 10, finding 10)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.anyio


async def test_a_set_aside_log_tail_is_shown_when_the_app_opens(
    data_dir: Path, run_app: Callable[..., Any]
) -> None:
    wal = data_dir / "store.wal"
    data = wal.read_bytes()
    wal.write_bytes(data[:-30] + bytes([data[-30] ^ 0x01]) + data[-29:])  # a flipped byte in the last line
    async with run_app() as (app, _pilot):
        [kept] = data_dir.glob("store.wal.corrupt-*")
        shown = [n for n in app._notifications if str(kept) in n.message]
        assert len(shown) == 1 and shown[0].severity == "warning"
        assert "fieldapp doctor" in shown[0].message and "nhật ký" in shown[0].message


async def test_nothing_is_shown_when_the_log_is_whole(run_app: Callable[..., Any]) -> None:
    async with run_app() as (app, _pilot):
        assert not [n for n in app._notifications if "fieldapp doctor" in n.message]
