"""A keystroke in the home search box until the table shown, 20,000 enterprises (a script, not a test).

    /work/venv/bin/python benchmarks/search_keys_bench.py [--enterprises 20000] [--visits 50000] [--dir DIR]
        [--load 2] [--baseline-keys 12] [--profile]

Runs the real app headless (Textual's ``run_test``, 120x40) on a store filled with ``generate_demo`` and types
the queries below one key at a time, as a terminal sends them. Each keystroke is timed from the key sent to the
first frame the app composes after the table took the new matches (headless, the frame is made, not written);
keys are sent 0.12 s apart, a fast typist's pace (sent back to back, a key would wait for Textual's next frame slot,
at most 60 a second, which no person sees).
Printed: median and 95th percentile, quiet and then under a load generator this script starts itself (``--load``
processes spinning on the CPU, each stopped by this script and never living longer than ``_LOAD_LIMIT``), with the
load average before and after each phase.

Baseline, same run and same keys: a plain Textual ``DataTable`` under the same search box, refilled the naive way
on each keystroke (``clear()`` and ``add_rows`` of every match), as a first version would do it. It costs seconds
per key, so it types only the first ``--baseline-keys`` keystrokes.

``--profile`` runs the app's keystrokes once more under cProfile and prints where the time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual import on  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.widgets import DataTable, Input  # noqa: E402

from benchmarks.tui_bench import SIZE, TODAY, Frames, _until, press  # noqa: E402
from fieldapp.core.rules import load_rules  # noqa: E402
from fieldapp.io.demo import generate_demo  # noqa: E402
from fieldapp.settings import Settings, save_settings  # noqa: E402
from fieldapp.store import Store  # noqa: E402
from fieldapp.tui import create_app  # noqa: E402
from fieldapp.tui.index import EnterpriseIndex, Query, Row  # noqa: E402
from fieldapp.tui.screens.home import HomeScreen  # noqa: E402

#: typed one key at a time; between two queries the box is emptied (that refill is not timed)
QUERIES = ("long bien", "cong ty tnhh may", "0101", "hoang mai det", "nguyen", "phu")
_GAP = 0.12  # seconds between two keys: about 100 words a minute, a fast typist
_LOAD_LIMIT = 900  # seconds: a load process never outlives this, whatever happens to this script
_SPIN = """
import os, sys, time
parent, deadline = os.getppid(), time.monotonic() + float(sys.argv[1])
while time.monotonic() < deadline and os.getppid() == parent:
    sum(i * i for i in range(20000))
"""


def _keys() -> list[tuple[str, str]]:
    """(query, the text after this key) for every keystroke of every query."""
    return [(text, text[: n + 1]) for text in QUERIES for n in range(len(text))]


def _loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def _type(app: App[Any], frames: Frames, search: Input, done: Any, limit: int | None) -> list[float]:
    """Type every query; the time of each keystroke to the frame after the table took the matches."""
    times: list[float] = []
    for text in QUERIES:
        if search.value:
            search.value = ""
            await _until(lambda: done.text == "", 20)
        await asyncio.sleep(0.05)  # the emptied table is drawn before the next query starts
        for ch in text:
            if limit is not None and len(times) >= limit:
                return times
            await asyncio.sleep(_GAP)  # a fast typist's pace, not a key per frame
            expected = search.value + ch
            done.at = None
            t = time.perf_counter()
            press(app, "space" if ch == " " else ch, ch)
            await _until(lambda e=expected: done.text == e and done.at is not None)
            times.append(await frames.after(done.at) - t)
    return times


class _Done:
    """When the table last took new matches, and for which text."""

    def __init__(self) -> None:
        self.text: str | None = None
        self.at: float | None = None


async def measure_app(folder: Path, profile: bool = False) -> dict[str, Any]:
    """The app's keystrokes (and the query + refill alone, timed in the handler)."""
    with Store.open(folder) as store:
        app = create_app(
            store,
            Settings(cadre="Nguyễn Thị Thu Hà"),
            folder,
            load_rules(folder),
            TODAY,
            cursor_blink=False,
        )
        frames = Frames(app)
        async with app.run_test(size=SIZE) as pilot:
            await _until(
                lambda: app.loaded and isinstance(app.screen, HomeScreen) and app.screen.table.row_count
            )
            # the search text is folded in a worker just after the first paint: wait for it, as a cadre would
            await _until(lambda: all(r.haystack for r in app.index.rows.values()))
            home: HomeScreen = app.screen  # type: ignore[assignment]
            done, handler = _Done(), []
            original = home.refill

            def refill(keep_cursor: bool = True, **kw: Any) -> None:
                t = time.perf_counter()
                original(keep_cursor, **kw)
                handler.append(time.perf_counter() - t)
                done.text, done.at = home.query_state.text, time.perf_counter()

            home.refill = refill  # type: ignore[method-assign]
            search = home.query_one("#search", Input)
            search.focus()
            await pilot.pause()
            profiler = cProfile.Profile() if profile else None
            if profiler:
                profiler.enable()
            keys = await _type(app, frames, search, done, None)
            if profiler:
                profiler.disable()
            return {"keys": keys, "handler": handler, "profile": profiler}


class PlainSearch(App[None]):
    """The baseline: the same search box over one plain DataTable, refilled with every match per keystroke."""

    def __init__(self, index: EnterpriseIndex) -> None:
        super().__init__()
        self.index = index
        self.done = _Done()

    def compose(self) -> ComposeResult:
        yield Input(id="search", compact=True)
        yield DataTable(cursor_type="row")

    def on_mount(self) -> None:
        self.fill(self.index.query(Query()))

    @on(Input.Changed)
    def _search(self, event: Input.Changed) -> None:
        self.fill(self.index.query(Query(text=event.value)))
        self.done.text, self.done.at = event.value, time.perf_counter()

    def fill(self, rows: list[Row]) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_columns(
            "status", "name", "tax code", "ward", "next", "last", "stable", "seasonal", "priority"
        )
        table.add_rows(
            (r.status, r.name, r.tax_code, r.ward, str(r.next_due), str(r.last_visit), str(r.stable),
             str(r.seasonal_share), r.priority)
            for r in rows
        )  # fmt: skip


async def measure_baseline(index: EnterpriseIndex, limit: int) -> list[float]:
    app = PlainSearch(index)
    frames = Frames(app)
    async with app.run_test(size=SIZE) as pilot:
        search = app.query_one("#search", Input)
        search.focus()
        await pilot.pause()
        return await _type(app, frames, search, app.done, limit)


class Load:
    """*n* processes spinning on the CPU (bounded in time; stopped by pid on exit)."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.procs: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> Load:
        for _n in range(self.n):
            self.procs.append(subprocess.Popen([sys.executable, "-c", _SPIN, str(_LOAD_LIMIT)]))
        time.sleep(5)  # the load average follows
        return self

    def __exit__(self, *exc: object) -> None:
        for proc in self.procs:
            proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def _phase(folder: Path, index: EnterpriseIndex, baseline_keys: int) -> dict[str, Any]:
    before = _loadavg()
    app = asyncio.run(measure_app(folder))
    base = asyncio.run(measure_baseline(index, baseline_keys))
    return {"app": app, "base": base, "load": f"{before} before, {_loadavg()} after"}


def _row(label: str, values: list[float]) -> str:
    med, p95 = statistics.median(values) * 1000, _percentile(values, 95) * 1000
    return f"| {label} | {med:,.1f} ms | {p95:,.1f} ms | {max(values) * 1000:,.1f} ms | {len(values)} |"


def _report(name: str, phase: dict[str, Any], target: float | None) -> None:
    keys, base = phase["app"]["keys"], phase["base"]
    print(f"\n{name}: load average (1, 5, 15 min) {phase['load']}")
    print("| keystroke -> table shown | median | p95 | max | keys |")
    print("|---|---:|---:|---:|---:|")
    print(_row("fieldapp", keys))
    print(_row("query + refill alone (in the handler)", phase["app"]["handler"]))
    print(_row("plain DataTable, refilled naively (baseline)", base))
    ours = statistics.median(keys)
    n = len(base)
    print(
        f"the same first {n} keys: fieldapp {statistics.median(keys[:n]) * 1000:.1f} ms median, "
        f"baseline {statistics.median(base) * 1000:.1f} ms ({statistics.median(base) / statistics.median(keys[:n]):.0f}x)"
    )
    if target is not None:
        print(f"target <= {target * 1000:.0f} ms median: {'met' if ours <= target else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--visits", type=int, default=50_000)
    parser.add_argument("--dir", type=Path, help="a data folder to use (made on the first run, reused after)")
    parser.add_argument(
        "--load", type=int, default=2, help="CPU-bound processes for the loaded phase (0: none)"
    )
    parser.add_argument("--baseline-keys", type=int, default=12)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the app's keystrokes")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fieldapp-keys-bench-") as tmp:
        folder = args.dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / "store.json").exists() and not (folder / "store.wal").exists():
            t = time.perf_counter()
            enterprises, visits = generate_demo(
                enterprises=args.enterprises, visits=args.visits, seed=1, today=TODAY
            )
            with Store.open(folder) as store:
                store.save_enterprises(enterprises)
                store.save_visits(visits)
            save_settings(folder, Settings(cadre="Nguyễn Thị Thu Hà"))
            print(f"data: made and stored in {time.perf_counter() - t:.1f} s")
        index = EnterpriseIndex(load_rules(folder), TODAY)
        with Store.open(folder, readonly=True) as store:
            index.load(store.enterprises(), store.visits())
            print(f"data: {len(index)} enterprises, {len(store.visits())} visits in {folder}")
        index.prepare_search()
        print(
            f"{len(_keys())} keystrokes over {len(QUERIES)} queries: {', '.join(QUERIES)}; {os.cpu_count()} CPUs"
        )

        if args.profile:
            figures = asyncio.run(measure_app(folder, profile=True))
            out = io.StringIO()
            stats = pstats.Stats(figures["profile"], stream=out)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(30)
            print(out.getvalue())
            return

        quiet = _phase(folder, index, args.baseline_keys)
        _report("quiet", quiet, None)
        if args.load:
            with Load(args.load):
                loaded = _phase(folder, index, args.baseline_keys)
            _report(f"loaded ({args.load} processes spinning)", loaded, 0.020)


if __name__ == "__main__":
    main()
