"""Benchmark of the offline store against stock TinyDB (JSONStorage), measured in the same run.

    python benchmarks/store_bench.py [--enterprises 20000] [--visits 50000] [--saves 60] [--dir DIR]

Builds a seeded synthetic district (Vietnamese names, wards, tax codes, visits), stores it with fieldapp's
store and as a plain TinyDB JSON file, then times: one durable visit save, opening the store, lookup by id and
by tax code, accent-insensitive search, and classifying every enterprise. Prints a table with the stock
figure and the ratio beside each. Use a folder on a real disk (``--dir``): fsync on tmpfs costs nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson
from tinydb import Query, TinyDB

from fieldapp.core.classify import classify, group_visits
from fieldapp.core.records import Enterprise, Visit
from fieldapp.core.rules import load_rules
from fieldapp.core.text import fold
from fieldapp.store import Store
from fieldapp.store.codec import to_doc
from fieldapp.tui.home_view import save_home_view
from fieldapp.tui.index import EnterpriseIndex

WARDS = ["Bồ Đề", "Gia Thụy", "Ngọc Lâm", "Long Biên", "Đức Giang", "Thượng Thanh", "Việt Hưng", "Phúc Đồng"]
STREETS = ["Nguyễn Văn Cừ", "Ngọc Lâm", "Hồng Tiến", "Nguyễn Sơn", "Đức Giang", "Ngô Gia Tự", "Lâm Du"]
WORDS = ["An Phát", "Bình Minh", "Đông Á", "Hưng Thịnh", "Thành Đạt", "Việt Tiến", "Hoàng Long", "Phú Cường"]
TRADES = ["Thương mại", "Dịch vụ", "Xây dựng", "May mặc", "Cơ khí", "Thực phẩm", "Vận tải", "In ấn"]
FORMS = ["Công ty TNHH", "Công ty Cổ phần", "Hợp tác xã", "Hộ kinh doanh"]
ATTITUDES = ["supportive", "neutral", "reluctant", "hostile"]
QUERIES = [
    "long bien",
    "LONG BIÊN",
    "Long Biên",
    "cong ty tnhh",
    "đức giang",
    "dong a thuong mai",
    "0101",
    "nguyen van cu",
    "hop tac xa",
    "phu cuong van tai",
    "khong co ten nay",
]


def synthetic(n_enterprises: int, n_visits: int, seed: int) -> tuple[list[Enterprise], list[Visit]]:
    """A reproducible district: enterprises with unique tax codes and visits spread over them."""
    rng = random.Random(seed)
    enterprises = []
    for i in range(n_enterprises):
        form = rng.choice(FORMS)
        enterprises.append(
            Enterprise.create(
                name=f"{form} {rng.choice(TRADES)} {rng.choice(WORDS)} {i}",
                tax_code=f"01{i:08d}",
                address=f"Số {rng.randint(1, 300)} {rng.choice(STREETS)}",
                ward=f"Phường {rng.choice(WARDS)}",
                district="Long Biên",
                ownership="household" if form == "Hộ kinh doanh" else "non_state",
                registered_workers=rng.randint(0, 400),
            )
        )
    visits = [make_visit(rng, rng.choice(enterprises).id) for _ in range(n_visits)]
    return enterprises, visits


def make_visit(rng: random.Random, enterprise_id: str) -> Visit:
    headcount = rng.randint(1, 300)
    seasonal = rng.randint(0, headcount // 2)
    visited_on = date(2025, 6, 30) - timedelta(days=rng.randint(0, 700))
    cadre = rng.choice(["Nguyễn Thị Hoa", "Trần Văn Bình", "Lê Minh Đức"])
    managers = rng.randint(0, (headcount - seasonal) // 4)
    attitude = rng.choice(ATTITUDES)
    return Visit.create(
        enterprise_id=enterprise_id,
        visited_on=visited_on,
        cadre=cadre,
        headcount=headcount,
        seasonal=seasonal,
        managers=managers,
        attitude=attitude,
        applications=rng.randint(0, headcount - seasonal - managers),  # managers may not join
        note="Chủ doanh nghiệp hẹn gặp lại; công nhân quan tâm đến thành lập công đoàn cơ sở.",
    )


def timed(fn: Callable[[], Any]) -> float:
    """Seconds one call of *fn* takes."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_of(calls: list[Callable[[], Any]]) -> float:
    return statistics.median(timed(call) for call in calls)


# Opening is timed in a new process, as the app does it on start (imports excluded), not in this one, whose
# heap already holds both copies of the synthetic district.
OPEN_OURS = """
import sys, time
from fieldapp.store import Store
start = time.perf_counter()
Store.open(sys.argv[1]).close()
print(time.perf_counter() - start)
"""
VIEW_OURS = """
import sys, time
from datetime import date
from pathlib import Path
from fieldapp.core.rules import load_rules
from fieldapp.tui.home_view import load_home_view
rules = load_rules(None)
start = time.perf_counter()
view = load_home_view(Path(sys.argv[1]), rules, date(2025, 7, 1))
assert view is not None and view.rows
print(time.perf_counter() - start)
"""
OPEN_STOCK = """
import sys, time
from tinydb import TinyDB
start = time.perf_counter()
with TinyDB(sys.argv[1]) as db:
    len(db.table("enterprises"))  # TinyDB opens lazily: the first read loads the file
print(time.perf_counter() - start)
"""


def open_in_fresh_process(script: str, path: Path, runs: int = 3) -> float:
    """Median seconds *script* reports for opening *path*, each run in a new Python process."""
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
        )
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


def bench_ours(
    folder: Path, enterprises: list[Enterprise], visits: list[Visit], saves: int
) -> dict[str, float]:
    rng = random.Random(7)
    with Store.open(folder) as store:
        store.save_enterprises(enterprises)
        store.save_visits(visits)
        store.snapshot()
    result: dict[str, float] = {"open": open_in_fresh_process(OPEN_OURS, folder)}
    result["snapshot_mb"] = (folder / "store.json").stat().st_size / 1e6
    rules = load_rules(None)
    today = date(2025, 7, 1)
    with Store.open(folder) as store:

        def classify_every_enterprise() -> None:
            # as the app and `fieldapp classify` do it: every visit once, grouped by enterprise
            grouped = group_visits(store.visits())
            for e in store.enterprises():
                classify(e, grouped.get(e.id, ()), rules, today)

        # first thing after opening, as the app does: this also builds the visit models (see visit_index)
        result["classify"] = timed(classify_every_enterprise)
        result["classify_again"] = timed(classify_every_enterprise)
        keep_home_view(store, rules, today)
    result["home_view"] = open_in_fresh_process(VIEW_OURS, folder)
    with Store.open(folder) as store:
        result["first_search"] = timed(lambda: store.search_enterprises(QUERIES[0]))
        fresh = [make_visit(rng, rng.choice(enterprises).id) for _ in range(saves)]
        save_times = sorted(timed(lambda v=v: store.save_visit(v)) for v in fresh)  # type: ignore[misc]
        result["save"] = statistics.median(save_times)
        result["save_p95"] = save_times[int(len(save_times) * 0.95)]
        result["snapshot"] = timed(store.snapshot)
        sample = rng.sample(enterprises, min(1000, len(enterprises)))
        result["by_id"] = median_of([lambda e=e: store.get_enterprise(e.id) for e in sample])  # type: ignore[misc]
        result["by_tax"] = median_of(
            [lambda e=e: store.find_by_tax_code(e.tax_code or "") for e in sample]  # type: ignore[misc]
        )
        result["search"] = median_of([lambda q=q: store.search_enterprises(q) for q in QUERIES * 3])  # type: ignore[misc]
    return result


def keep_home_view(store: Store, rules: Any, today: date) -> None:
    """Keep the home view as the app does after its full load (what its next start paints first)."""
    index = EnterpriseIndex(rules, today)
    stamp = store.state_stamp()
    index.load(store.enterprises(), store.visits())
    assert save_home_view(store, stamp, list(index.rows.values()), 0, rules, today)


def bench_stock(path: Path, enterprises: list[Enterprise], visits: list[Visit]) -> dict[str, float]:
    rng = random.Random(8)
    tables = {
        "enterprises": {str(i + 1): to_doc(e) for i, e in enumerate(enterprises)},
        "visits": {str(i + 1): to_doc(v) for i, v in enumerate(visits)},
    }
    path.write_bytes(orjson.dumps(tables))
    result: dict[str, float] = {}

    result["open"] = open_in_fresh_process(OPEN_STOCK, path)
    with TinyDB(path) as db:
        table = db.table("visits")
        result["save"] = median_of([lambda: table.insert(to_doc(make_visit(rng, enterprises[0].id)))] * 3)
        ents = db.table("enterprises")
        sample = rng.sample(enterprises, min(5, len(enterprises)))
        item = Query()
        result["by_id"] = median_of([lambda e=e: ents.get(item.id == e.id) for e in sample])  # type: ignore[misc]
        result["by_tax"] = median_of(
            [lambda e=e: ents.get(item.tax_code == e.tax_code) for e in sample]  # type: ignore[misc]
        )

        def stock_search(text: str) -> list[Any]:
            words = fold(text).split()

            def hit(doc: dict[str, Any]) -> bool:
                hay = fold(" ".join((doc["name"], doc["tax_code"] or "", doc["address"], doc["ward"])))
                return all(w in hay for w in words)

            ents.clear_cache()
            return ents.search(hit)  # JSONStorage re-reads the whole file

        result["search"] = median_of([lambda q=q: stock_search(q) for q in QUERIES[:3]])  # type: ignore[misc]
    return result


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, {platform.system()}"


ROWS = [  # key, label, target in seconds (None: reported only), has a stock figure
    ("save", "durable visit save (median)", 0.010, True),
    ("save_p95", "durable visit save (95th percentile)", None, False),
    ("snapshot", "snapshot (once per ~8 MB of log)", None, False),
    ("open", "open the store (writer, with lock)", 0.25, True),
    ("home_view", "first screen's rows from the home view", 0.25, False),
    ("by_id", "lookup by id (median)", 0.001, True),
    ("by_tax", "lookup by tax code (median)", 0.001, True),
    ("search", "accent-insensitive search (median)", 0.030, True),
    ("first_search", "first search after open", None, False),
    (
        "classify",
        "classify every enterprise, first after open",
        1.0,
        False,
    ),  # in a worker after the first paint
    ("classify_again", "classify every enterprise, again", None, False),
]


def fmt(seconds: float) -> str:
    return f"{seconds * 1000:9.3f} ms" if seconds < 10 else f"{seconds:9.1f} s "


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--visits", type=int, default=50_000)
    parser.add_argument("--saves", type=int, default=60, help="visit saves to take the median of (>= 50)")
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--dir", type=Path, default=None, help="work folder on a real disk (default: a temp dir)"
    )
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="store-bench-", dir=args.dir))
    try:
        print(f"{time.strftime('%Y-%m-%d %H:%M')} · {machine()} · folder {work}", flush=True)
        print(
            f"load average before the run: {os.getloadavg()[0]:.2f} (other work on the machine slows every figure)"
        )
        print(
            f"building {args.enterprises:,} enterprises and {args.visits:,} visits (seed {args.seed})...",
            flush=True,
        )
        enterprises, visits = synthetic(args.enterprises, args.visits, args.seed)
        ours = bench_ours(work / "store", enterprises, visits, args.saves)
        stock = bench_stock(work / "stock.json", enterprises, visits)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{'measure':<44}{'fieldapp':>13}{'stock TinyDB':>14}{'stock/ours':>11}{'target':>12}  ok")
    failed = 0
    for key, label, target, has_stock in ROWS:
        base = stock.get(key) if has_stock else None
        ratio = f"{base / ours[key]:9.{0 if base >= 10 * ours[key] else 2}f}x" if base else f"{'-':>10}"
        verdict = "-" if target is None else "yes" if ours[key] <= target else "NO"
        failed += verdict == "NO"
        print(
            f"{label:<44}{fmt(ours[key]):>13}{fmt(base) if base else '-':>14}{ratio:>11}"
            f"{fmt(target) if target else '-':>12}  {verdict}"
        )
    print(f"\nsnapshot file: {ours['snapshot_mb']:.1f} MB", end="; ")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {rss:.0f} MB; load average after the run: {os.getloadavg()[0]:.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
