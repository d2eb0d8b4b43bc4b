"""The geometry of the dashboard's inline SVG charts, drawn on the server (the templates only place what is here).

Two shapes: a progress chart (one row per target: a track for the target and a bar for what is reached, the
percentage written beside it) and a funnel (one centred bar per founding stage). Each row's words are drawn above
its bar, so a chart stays readable when a phone shrinks it; every figure is also in a table next to the chart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["WIDTH", "FunnelRow", "ProgressRow", "funnel", "percent", "progress_rows"]

#: the charts' viewBox width; a target's track takes TRACK of it, its percentage the rest
WIDTH = 400
TRACK = 330
ROW = 46
_LABEL_CHARS = 30


@dataclass(frozen=True, slots=True)
class ProgressRow:
    label: str
    reached: int
    target: int
    percent: int | None
    #: where the row starts, the track's and the bar's widths (viewBox units)
    y: int
    track: float
    bar: float


@dataclass(frozen=True, slots=True)
class FunnelRow:
    key: str
    label: str
    count: int
    y: int
    x: float
    width: float


def percent(reached: int, target: int) -> int | None:
    """*reached* as a whole percentage of *target*, halves rounded up as a reader does (None for a target of 0)."""
    return None if target <= 0 else (200 * reached + target) // (2 * target)


def _short(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "…"


def progress_rows(rows: Sequence[tuple[str, int, int]]) -> list[ProgressRow]:
    """(label, reached, target) rows laid out: each target is the whole track, its bar the share reached (a target
    passed fills the track; the percentage says by how much)."""
    laid = []
    for i, (label, reached, target) in enumerate(rows):
        share = min(reached / target, 1.0) if target > 0 else 0.0
        laid.append(ProgressRow(_short(label), reached, target, percent(reached, target), i * ROW, TRACK,
                                round(TRACK * share, 1)))  # fmt: skip
    return laid


def funnel(rows: Sequence[tuple[str, str, int]]) -> list[FunnelRow]:
    """(key, label, count) rows as a funnel: bars centred, the widest for the largest count."""
    most = max((count for _key, _label, count in rows), default=0) or 1
    laid = []
    for i, (key, label, count) in enumerate(rows):
        width = round(WIDTH * count / most, 1) if count else 0.0
        laid.append(FunnelRow(key, _short(label), count, i * ROW, round((WIDTH - width) / 2, 1), width))
    return laid
