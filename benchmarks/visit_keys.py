"""A person's path, timed and counted: log one visit for an enterprise of the area, from opening the app to the visit
on disk, in the real terminal app running in tmux.

    python benchmarks/visit_keys.py [--size 120x40] [--keep]

It writes the demo district into a fresh data folder, says who the laptop's cadre is (as the server would), starts
``fieldapp`` in a detached tmux session and sends the keys one at a time, as a person types them, waiting for each
screen to be in front before the next key (a person looks too). Every key sent is counted, typed letters included.

Two paths are measured in the same run:

- **return visit**: an enterprise the cadre has visited before. ``/`` and a few letters of its name or tax code
  (the shortest query that finds it alone, computed with the app's own search), ``Enter``, ``n``; the form opens on
  the head count with the date, the cadre, and the last visit's seasonal workers, managers and attitude filled in
  (said above the form); the cadre types the head count, ``Tab``, the applications, ``Tab``, the attitude, ``Ctrl+S``.
- **first visit** (the baseline, every value typed): an enterprise never visited, so nothing is carried over: head
  count, applications, attitude, seasonal workers and managers are all typed.

Keys are sent at a fast typist's pace (``PACE``, 0.15 s apart), so the time includes typing. The clock runs from the
start of ``fieldapp`` to the "saved" notice, which the form shows only once the save has
returned (the record is on disk); the script then quits the app and reads the visit back with ``fieldapp visit
list --json``. Issue #11 counted 26 keys for this path before the form was reworked. Needs tmux.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fieldapp.core.i18n import gettext  # noqa: E402
from fieldapp.core.records import Enterprise, Visit  # noqa: E402
from fieldapp.core.search import query_words, search_text, select  # noqa: E402
from fieldapp.store import Store  # noqa: E402

SESSION = f"fieldapp-keys-{os.getpid()}"
FIELDAPP = [sys.executable, "-m", "fieldapp"]
PACE = 0.15  # seconds between keys: about 7 keys a second
WAIT = 20.0  # seconds a screen may take to appear before the run fails (bounded waits only)


@dataclass
class Path_:
    """One measured path: the keys sent, in order, and the seconds from launch to the saved notice."""

    name: str
    keys: list[str] = field(default_factory=list)
    seconds: float = 0.0


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def screen() -> str:
    return tmux("capture-pane", "-p", "-t", SESSION)


def wait_for(text: str, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if text in screen():
            return
        time.sleep(0.05)
    raise SystemExit(f"{what}: {text!r} never appeared; the screen was:\n{screen()}")


def press(path: Path_, *keys: str) -> None:
    """Send *keys* one at a time (tmux key names: ``Enter``, ``Tab``, ``C-s``; a letter is itself)."""
    for key in keys:
        tmux("send-keys", "-t", SESSION, *(["-l", key] if len(key) == 1 else [key]))
        path.keys.append(key)
        # one key at a time, at a fast typist's pace: Textual hands a key to the widget focused when the key is read,
        # so keys sent faster than a loaded app moves the focus on Tab land in the field just left
        time.sleep(PACE)


def shortest_query(target: Enterprise, enterprises: list[Enterprise]) -> str:
    """The shortest piece of *target*'s name or tax code that the app's search finds in it alone."""
    texts = [search_text(e) for e in enterprises]
    own = search_text(target)
    pieces = sorted(
        {own[i : i + n] for n in range(2, 9) for i in range(len(own) - n + 1)},
        key=lambda p: (len(p), p),
    )
    for piece in pieces:
        if " " in piece or "|" in piece or not piece.strip():
            continue
        hits = select(texts, query_words(piece))
        if len(hits) == 1 and enterprises[hits[0]].id == target.id:
            return piece
    raise SystemExit(f"no query finds {target.name} alone")


def log_visit(
    data_dir: Path, size: tuple[int, int], target: Enterprise, query: str, values: list[str]
) -> Path_:
    """Open the app, find *target* with *query*, log a visit by typing *values* (each followed by Tab but the last,
    then Ctrl+S); return the path with its keys and time."""
    path = Path_(target.name)
    # a tmux server already running keeps its own environment: the data folder goes on the command line
    command = shlex.join([*FIELDAPP, "--data-dir", str(data_dir)])
    started = time.monotonic()
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", SESSION, "-x", str(size[0]), "-y", str(size[1]), command],
        check=True,
    )
    tmux("set-option", "-t", SESSION, "remain-on-exit", "on")  # a crash leaves its message to be read
    try:
        wait_for(gettext("Search", "vi"), "the home screen")
        press(path, "/", *query)
        # a person looks before pressing Enter: the enterprise found, in the table (it fills in a worker)
        wait_for(target.tax_code or target.name[:20], "the enterprise found by the search")
        press(path, "Enter", "n")
        wait_for(gettext("New visit — {name}", "vi", name=target.name)[:30], "the visit form")
        for i, value in enumerate(values):
            press(path, *value)
            press(path, "Tab" if i < len(values) - 1 else "C-s")
        wait_for(gettext("Saved.", "vi"), "the saved notice")
        path.seconds = time.monotonic() - started
    finally:
        subprocess.run(["tmux", "send-keys", "-t", SESSION, "C-q"], check=False)
        for _ in range(100):  # bounded: the app closes its store and exits
            if subprocess.run(["tmux", "has-session", "-t", SESSION], capture_output=True).returncode:
                break
            time.sleep(0.05)
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True, check=False)
    return path


def visits_on_disk(data_dir: Path, enterprise_id: str) -> list[dict[str, object]]:
    shown = subprocess.run(
        [*FIELDAPP, "--data-dir", str(data_dir), "visit", "list", "--enterprise", enterprise_id, "--json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return list(json.loads(shown))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", default="120x40", help="terminal size, COLUMNSxROWS (default 120x40)")
    parser.add_argument("--keep", action="store_true", help="keep the data folder and print where it is")
    args = parser.parse_args(argv)
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is needed")
    columns, rows = (int(n) for n in args.size.split("x"))
    tmp = Path(tempfile.mkdtemp(prefix="fieldapp-keys-"))
    data_dir = tmp / "data"
    subprocess.run([*FIELDAPP, "--data-dir", str(data_dir), "demo"], check=True, capture_output=True)
    with Store.open(data_dir, readonly=True) as store:
        enterprises = sorted(store.enterprises(), key=lambda e: e.id)
        visits: dict[str, list[Visit]] = {e.id: list(store.visits_of(e.id)) for e in enterprises}
    today = date.today()
    visited = [e for e in enterprises if visits[e.id] and e.assigned_to and not e.has_union]
    never = [e for e in enterprises if not visits[e.id] and e.assigned_to and not e.has_union]
    if not visited or not never:
        raise SystemExit("the demo district has no enterprise for one of the paths")
    again, first = visited[0], never[0]
    cadre = again.assigned_to or ""
    subprocess.run(
        [*FIELDAPP, "--data-dir", str(data_dir), "config", "set", "cadre", cadre],
        check=True,
        capture_output=True,
    )
    known = {v.id for vs in visits.values() for v in vs}
    last = max(visits[again.id], key=lambda v: (v.visited_on, v.created_at))
    headcount = max(last.headcount, last.seasonal + last.managers + 5)
    returning = log_visit(
        data_dir, (columns, rows), again, shortest_query(again, enterprises), [str(headcount), "3", "2"]
    )
    baseline = log_visit(
        data_dir, (columns, rows), first, shortest_query(first, enterprises), ["40", "6", "1", "4", "2"]
    )
    for path, target, expected in (
        (returning, again, {"headcount": headcount, "applications": 3, "attitude": "neutral"}),
        (baseline, first, {"headcount": 40, "applications": 6, "attitude": "supportive", "seasonal": 4}),
    ):
        new = [v for v in visits_on_disk(data_dir, target.id) if v["id"] not in known]
        if len(new) != 1:
            raise SystemExit(f"{path.name}: {len(new)} new visits on disk, not 1")
        newest = new[0]
        got = {name: newest[name] for name in expected}
        if got != expected or newest["visited_on"] != today.isoformat() or newest["cadre"] != cadre:
            raise SystemExit(f"{path.name}: the visit on disk is not the one typed: {newest}")
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"terminal {columns}x{rows}; load average {load}")
    for label, path in (("return visit", returning), ("first visit (baseline: every value typed)", baseline)):
        shown = " ".join(f"[{k}]" for k in path.keys)
        print(f"{label}: {len(path.keys)} keys, {path.seconds:.2f} s to the visit on disk")
        print(f"  {shown}")
    print("before the rework (issue #11's count): 26 keys; target: <= 15")
    if args.keep:
        print(f"data folder kept: {data_dir}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(0 if len(returning.keys) <= 15 else 1)


if __name__ == "__main__":
    main()
