"""Benchmark of start-up: whole-process time of short commands, lazy imports against the old eager ones.

    python benchmarks/startup_bench.py [--runs 11] [--dir DIR]

It starts a real ``fieldapp-server`` (``python -m sync.server serve``) on a free 127.0.0.1 port with a fresh SQLite
database and a cadre, makes a laptop data folder with a few enterprises and visits, configures its server and
token with ``fieldapp config set`` and syncs once, so that the store is up to date. Then each command runs
``--runs`` times in a fresh process (the median is printed), in turn with the baseline, which is the same command
after importing every module the old start-up imported (``EAGER``):

- ``fieldapp sync`` with nothing to push or pull (target: <= 0.3 s, whole process);
- ``fieldapp --help``;
- ``fieldapp classify --format json`` on the small store;
- ``fieldapp-server --help``;
- start-up alone: ``import fieldapp.cli`` and nothing else;
- the interpreter alone (``python -c pass``), the floor under every row.

Last, ``python -X importtime`` of one ``fieldapp sync`` each way, summed by top-level package: where the time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

# the live-server harness lives with the tests (it is not part of the product); the checkout comes first
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support.live_server import LiveServer  # noqa: E402

#: what the old start-up imported before any work (found with ``python -X importtime -m fieldapp sync`` on the
#: code before lazy imports): every command module, each with its own imports (the import and export readers, the
#: sync client and httpx, rich, the classification rules, the store and pydantic came with them), and the packages
#: that modules every command shares imported at their top
EAGER: dict[str, tuple[str, ...]] = {
    "fieldapp": (
        "fieldapp.cli.classify_cmd",
        "fieldapp.cli.config_cmd",
        "fieldapp.cli.demo_cmd",
        "fieldapp.cli.doctor_cmd",
        "fieldapp.cli.enterprise_cmd",
        "fieldapp.cli.export_cmd",
        "fieldapp.cli.founding_cmd",
        "fieldapp.cli.import_cmd",
        "fieldapp.cli.sync_cmd",
        "fieldapp.cli.visit_cmd",
        "fieldapp.cli.wards_cmd",
        # imported at the top of fieldapp.core.workdays and fieldapp.core.contact then, on first use now
        "holidays",
        "phonenumbers",
    ),
    # the server's command line imported SQLAlchemy (for a type) and the users module (for the roles), which
    # brings the tables, the engines and Alembic
    "fieldapp-server": ("sqlalchemy", "sync.server.users"),
}
MAIN = {"fieldapp": "fieldapp.cli", "fieldapp-server": "sync.server.cli"}
CADRE = "bench_cadre"
WARD = "Phường Ngọc Lâm"
TARGET_SYNC = 0.3
#: where the subprocesses cache their bytecode (the work folder, set by main)
PYCACHE: list[str] = []


def wrapper(program: str, eager: bool) -> list[str]:
    """``python -c`` running *program*'s main, after the old eager imports when *eager*."""
    imports = f"import {', '.join(EAGER[program])}; " if eager else ""
    code = f"{imports}from {MAIN[program]} import main; import sys; main(sys.argv[1:], prog_name={program!r})"
    return [sys.executable, "-c", code]


def environment() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    # an installed fieldapp has its bytecode compiled (pip does it); a checkout run with PYTHONDONTWRITEBYTECODE
    # would compile every module of ours from source in every process (~60 ms): the bytecode is cached for the
    # run in the work folder instead (PYCACHE, set by main), and the setup's commands warm it
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if PYCACHE:
        env["PYTHONPYCACHEPREFIX"] = PYCACHE[0]
    env.pop("FIELDAPP_DATA_DIR", None)
    env.pop("FIELDAPP_SERVER_DATABASE_URL", None)
    return env


def run(cmd: Sequence[str], expect: int = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, capture_output=True, text=True, env=environment(), cwd=ROOT, check=False)
    if done.returncode != expect:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


def medians(commands: Sequence[Sequence[str]], runs: int) -> list[float]:
    """The median wall time of each of *commands*, run in turn (so a change of load hits them alike)."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for i, cmd in enumerate(commands):
            start = time.perf_counter()
            run(cmd)
            times[i].append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def laptop(folder: Path, server: str, token: str) -> None:
    """A small data folder configured for *server*, synced once: the next sync has nothing to do."""
    from fieldapp.core.records import Enterprise, Visit
    from fieldapp.store import Store

    firms = [Enterprise.create(name=f"Công ty Thử nghiệm {i}", ward=WARD) for i in range(20)]
    visits = [
        Visit.create(enterprise_id=firms[i % 20].id, visited_on="2026-01-15", cadre=CADRE, headcount=20 + i,
                     attitude="neutral", note=f"Lần thăm số {i}")
        for i in range(50)
    ]  # fmt: skip
    with Store.open(folder) as store:
        store.save_enterprises(firms)
        store.save_visits(visits)
    fieldapp = wrapper("fieldapp", eager=False)
    run([*fieldapp, "--data-dir", str(folder), "config", "set", "cadre", CADRE])
    run([*fieldapp, "--data-dir", str(folder), "config", "set", "server", server])
    run([*fieldapp, "--data-dir", str(folder), "config", "set", "token", token])
    first = json.loads(run([*fieldapp, "--data-dir", str(folder), "sync", "--json"]).stdout)
    if not first["ok"] or first["accepted"] != 70:
        raise SystemExit(f"the first sync did not push the 70 records: {first}")
    again = json.loads(run([*fieldapp, "--data-dir", str(folder), "sync", "--json"]).stdout)
    if again["pushed"] or again["pulled"] or not again["ok"]:
        raise SystemExit(f"the second sync was not empty: {again}")


def add_cadre(url: str) -> str:
    from sync.server.areas import assign_wards
    from sync.server.db import make_engine
    from sync.server.users import add_user

    token = add_user(url, CADRE, role="cadre")
    engine = make_engine(url)
    try:
        assign_wards(engine, CADRE, [WARD], by="bench")
    finally:
        engine.dispose()
    return token


def where_time_goes(cmd: Sequence[str], top: int = 8) -> tuple[float, int, list[tuple[str, float]]]:
    """(total import ms, modules imported, the *top* top-level packages by their own import time in ms)."""
    done = run([cmd[0], "-X", "importtime", *cmd[1:]])
    own: Counter[str] = Counter()
    count = 0
    for line in done.stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if len(fields) != 3 or not fields[0].strip().isdigit():  # stderr of the command, or the header
            continue
        own[fields[2].strip().split(".")[0]] += int(fields[0]) / 1000
        count += 1
    return sum(own.values()), count, own.most_common(top)


def machine() -> str:
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as info:  # Linux only, like the other benchmarks' figures
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=11, help="fresh processes per command (the median is shown)"
    )
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        work = Path(tmp)
        PYCACHE.append(str(work / "pycache"))
        url = f"sqlite:///{work / 'server.sqlite3'}"
        with LiveServer(url, work / "server.log", start_timeout=60) as live:
            token = add_cadre(url)
            data = work / "laptop"
            laptop(data, live.url, token)
            load_before = os.getloadavg()
            print(f"start-up benchmark, {time.strftime('%Y-%m-%d %H:%M')} UTC, {machine()}")
            print(
                f"load average before: {', '.join(f'{x:.2f}' for x in load_before)}; median of {args.runs} runs"
            )
            rows = [
                ("fieldapp sync, nothing to do", "fieldapp", ["--data-dir", str(data), "sync"]),
                ("fieldapp --help", "fieldapp", ["--help"]),
                ("fieldapp classify --format json (20 firms)", "fieldapp",
                 ["--data-dir", str(data), "classify", "--format", "json"]),
                ("fieldapp-server --help", "fieldapp-server", ["--help"]),
            ]  # fmt: skip
            print(
                f"\n| {'command (whole process)':<44} | {'lazy (now)':>10} | {'eager (old)':>11} | {'saved':>7} |"
            )
            print(f"|{'-' * 46}|{'-' * 11}:|{'-' * 12}:|{'-' * 8}:|")
            results: dict[str, float] = {}
            for label, program, argv in rows:
                now, old = medians(
                    [[*wrapper(program, eager=False), *argv], [*wrapper(program, eager=True), *argv]],
                    args.runs,
                )
                results[label] = now
                print(
                    f"| {label:<44} | {now * 1000:>7.0f} ms | {old * 1000:>8.0f} ms | {(old - now) * 1000:>4.0f} ms |"
                )
            startup_now, startup_old, bare = medians(
                [
                    [sys.executable, "-c", "import fieldapp.cli"],
                    [sys.executable, "-c", f"import fieldapp.cli, {', '.join(EAGER['fieldapp'])}"],
                    [sys.executable, "-c", "pass"],
                ],
                args.runs,
            )
            print(f"| {'start-up alone: import fieldapp.cli':<44} | {startup_now * 1000:>7.0f} ms | "
                  f"{startup_old * 1000:>8.0f} ms | {(startup_old - startup_now) * 1000:>4.0f} ms |")  # fmt: skip
            print(
                f"| {'the interpreter alone: python -c pass':<44} | {bare * 1000:>7.0f} ms | {'-':>11} | {'-':>7} |"
            )
            sync_argv = ["--data-dir", str(data), "sync"]
            print("\nwhere the time goes: one `fieldapp sync` under python -X importtime, own import time summed by"
                  " top-level package")  # fmt: skip
            for label, eager in (("lazy (now)", False), ("eager (old)", True)):
                total, count, top = where_time_goes([*wrapper("fieldapp", eager), *sync_argv])
                listed = ", ".join(f"{name} {ms:.0f}" for name, ms in top)
                print(f"  {label}: {total:.0f} ms in {count} modules; ms: {listed}")
            load_after = os.getloadavg()
            print(f"\nload average after: {', '.join(f'{x:.2f}' for x in load_after)}")
            met = results["fieldapp sync, nothing to do"] <= TARGET_SYNC
            print(
                f"target: fieldapp sync with nothing to do <= {TARGET_SYNC:.1f} s: {'met' if met else 'NOT met'}"
            )
    if not met:
        sys.exit(1)


if __name__ == "__main__":
    main()
