"""What a person waits for: from typing ``fieldapp`` to the enterprise table on screen, in the real app in tmux.

    python benchmarks/tui_tmux.py [--enterprises 20000] [--visits 50000] [--runs 3] [--size 120x40]

Three data folders are made: an empty one (the baseline), and a district of ``--enterprises`` enterprises and
``--visits`` visits (``generate_demo``) twice: once as the app leaves it after a run (with the home view it keeps,
``fieldapp/tui/home_view.py``) and once without that view (the first start after a change made outside the app, or
the app's first start ever: the store is read and everything classified before the table shows). Each run starts
``python -m fieldapp`` in a detached tmux session and polls the screen (``tmux capture-pane``, every 10 ms) until
the table's "rows 1–n of N" line (or, for the empty folder, the "no enterprises yet" line) is there; the clock runs
from the start of tmux to that screen. The runs of the three folders alternate, so a change of load hits them alike;
medians are printed with the ratio to the empty folder (target <= 1.3) and the load average. Needs tmux.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fieldapp.core.i18n import gettext  # noqa: E402
from fieldapp.io.demo import generate_demo  # noqa: E402
from fieldapp.store import Store  # noqa: E402
from fieldapp.store.views import view_path  # noqa: E402
from fieldapp.tui.home_view import VIEW  # noqa: E402

SESSION = f"fieldapp-tmux-{os.getpid()}"
WAIT = 60.0  # seconds the table may take before the run fails (bounded)
POLL = 0.01


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def screen() -> str:
    return tmux("capture-pane", "-p", "-t", SESSION)


def expected(total: int) -> list[str]:
    """Pieces of text that are all on screen once the table is shown (in Vietnamese, the app's default)."""
    if total == 0:
        return [gettext("no enterprises yet: press a to add one, or run fieldapp demo", "vi")]
    line = gettext("rows {first}–{last} of {total}", "vi", first=1, last="\0", total=total)
    return [piece for piece in line.split("\0") if piece]


def start_to_table(data_dir: Path, total: int, size: tuple[int, int]) -> float:
    """Seconds from starting the app in tmux to its enterprise table on screen; the app is then quit."""
    command = "env " + shlex.join(
        [f"PYTHONPATH={ROOT}", sys.executable, "-m", "fieldapp", "--lang", "vi", "--data-dir", str(data_dir)]
    )
    pieces = expected(total)
    started = time.monotonic()
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", SESSION, "-x", str(size[0]), "-y", str(size[1]), command],
        check=True,
    )
    try:
        deadline = started + WAIT
        while True:
            shown = screen()
            if all(piece in shown for piece in pieces):
                return time.monotonic() - started
            if time.monotonic() > deadline:
                raise SystemExit(f"the table never appeared ({pieces}); the screen was:\n{shown}")
            time.sleep(POLL)
    finally:
        subprocess.run(["tmux", "send-keys", "-t", SESSION, "C-q"], check=False)
        for _ in range(600):  # bounded: the app keeps its view, closes its store and exits
            if subprocess.run(["tmux", "has-session", "-t", SESSION], capture_output=True).returncode:
                break
            time.sleep(0.05)
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True, check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--visits", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--size", default="120x40", help="terminal size, COLUMNSxROWS")
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: a temp dir)")
    args = parser.parse_args(argv)
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is needed")
    size = tuple(int(n) for n in args.size.split("x"))
    work = Path(tempfile.mkdtemp(prefix="fieldapp-tmux-", dir=args.dir))
    try:
        print(
            f"{time.strftime('%Y-%m-%d %H:%M')} · load average before: {os.getloadavg()[0]:.2f}", flush=True
        )
        empty = work / "empty"
        empty.mkdir()
        district = work / "district"
        print(f"building {args.enterprises:,} enterprises and {args.visits:,} visits...", flush=True)
        enterprises, visits = generate_demo(args.enterprises, args.visits, seed=1)
        with Store.open(district) as store:
            store.save_enterprises(enterprises)
            store.save_visits(visits)
            store.snapshot()
        del enterprises, visits
        start_to_table(district, args.enterprises, size)  # the app's first start ever keeps the view
        view = view_path(district, VIEW)
        if not view.exists():
            raise SystemExit("the app kept no home view")
        kept = view.read_bytes()
        times: dict[str, list[float]] = {"empty": [], "view": [], "no view": []}
        for _ in range(args.runs):
            times["empty"].append(start_to_table(empty, 0, size))
            view.write_bytes(kept)
            times["view"].append(start_to_table(district, args.enterprises, size))
            view.unlink()
            times["no view"].append(start_to_table(district, args.enterprises, size))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base = statistics.median(times["empty"])
    print(f"\nterminal {size[0]}x{size[1]}, median of {args.runs} runs each (all runs in brackets)")
    rows = [
        ("empty folder (baseline)", "empty"),
        (f"{args.enterprises:,} enterprises, {args.visits:,} visits, home view kept", "view"),
        ("the same, without a home view (full load first)", "no view"),
    ]
    for label, key in rows:
        figure = statistics.median(times[key])
        every = ", ".join(f"{t:.2f}" for t in times[key])
        print(f"{label:<62}{figure:7.2f} s  ratio {figure / base:5.2f}  [{every}]")
    ratio = statistics.median(times["view"]) / base
    print(f"target: ratio <= 1.3 with the view kept: {'yes' if ratio <= 1.3 else 'NO'}")
    print(f"load average after: {', '.join(f'{n:.2f}' for n in os.getloadavg())}")
    return 0 if ratio <= 1.3 else 1


if __name__ == "__main__":
    sys.exit(main())
