"""Benchmark of the office: the dashboard's overview page and the monthly report's progress, on PostgreSQL.

    python benchmarks/office_bench.py [--enterprises 20000] [--visits 50000] [--requests 30]
                                      [--dsn postgresql://postgres@127.0.0.1:5432/test] [--full-baseline]

Makes a scratch database beside the one ``--dsn`` names (``fieldapp_bench_<random>``, dropped afterwards, so the
tests' database is never touched), starts a real server process on it (``python -m sync.server serve`` on a free
127.0.0.1 port) and seeds a district through that server's push (``office_seed.py``). Then:

1. the overview page over HTTP, signed in as a viewer: the first request (nothing loaded yet), then, after one
   warm-up, the median and 95th percentile of ``--requests`` requests; and the first request after a push (the
   records are loaded again);
2. in this process, on a fresh engine: the overview's figures with nothing loaded, against the baseline of the
   code before (every record read and validated again for each request: ``naive_overview``);
3. the monthly report's progress: the month and the year to date for the federation, every ward and every cadre,
   with nothing loaded (one load, one classification per day asked) and again; against the baseline of each
   scope's progress computed on its own, reloading and re-validating everything (``naive_progress``). The
   baseline is measured on a sample of scopes and multiplied out, unless ``--full-baseline`` (minutes); the
   figures of the sampled scopes are checked equal to ours.

Prints a table (measure, ours, baseline, target, met) and the load average before and after; exits non-zero when
a target is missed (overview page median <= 300 ms; the report's progress <= 3 s, nothing loaded).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from office_seed import ADMIN, VIEWER, VIEWER_PASSWORD, District, seed_district  # noqa: E402
from sqlalchemy import Engine  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from support.live_server import LiveServer  # noqa: E402

from fieldapp.core.records import Visit  # noqa: E402
from sync.server.db import make_engine, read_session  # noqa: E402
from sync.server.progress import Progress, Records, compute_progress, shared_records  # noqa: E402
from sync.server.targets import Scope, resolve_scope  # noqa: E402
from sync.server.web import views  # noqa: E402

OVERVIEW_TARGET = 0.300
REPORT_TARGET = 3.0


# --- the scratch database and the server ---------------------------------------------------------------------
@contextlib.contextmanager
def scratch_database(dsn: str) -> Iterator[str]:
    """A new empty database on the PostgreSQL server of *dsn*; yields its SQLAlchemy URL; dropped afterwards."""
    import psycopg

    parsed = make_url(dsn)
    name = f"fieldapp_bench_{secrets.token_hex(4)}"
    admin = {"host": parsed.host or "127.0.0.1", "port": parsed.port or 5432, "user": parsed.username or "postgres",
             "password": parsed.password, "dbname": "postgres", "autocommit": True}  # fmt: skip
    if admin["host"] not in ("127.0.0.1", "localhost"):
        raise SystemExit("--dsn: the benchmark runs on 127.0.0.1 only")
    with psycopg.connect(**admin) as conn:  # type: ignore[arg-type]
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield parsed.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(**admin) as conn:  # type: ignore[arg-type]
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def signed_in(base: str) -> httpx.Client:
    """A browser-like client signed in to the dashboard as the viewer (the sign-in form and its CSRF token)."""
    http = httpx.Client(base_url=base, timeout=120, follow_redirects=False)
    form = http.get("/dashboard/login")
    found = re.search(r'name="csrf" value="([^"]+)"', form.text)
    if found is None:
        raise SystemExit("no CSRF token on the sign-in page")
    answer = http.post(
        "/dashboard/login", data={"name": VIEWER, "password": VIEWER_PASSWORD, "csrf": found.group(1)}
    )
    if answer.status_code != 303 or "fa_session" not in http.cookies:
        raise SystemExit(f"sign-in failed: {answer.status_code}")
    return http


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def page(http: httpx.Client) -> float:
    seconds, answer = timed(lambda: http.get("/dashboard/"))
    if answer.status_code != 200 or "<svg" not in answer.text:
        raise SystemExit(f"the overview page answered {answer.status_code}")
    return float(seconds)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# --- the baselines: the code before, kept callable -------------------------------------------------------------
def naive_overview(engine: Engine, today: date) -> views.Overview:
    """The overview as it was computed before the records were kept: every enterprise, visit and founding case
    read and validated again for each request (``Records.load(session, validate=True)``)."""
    with read_session(engine) as session:
        records = Records.load(session, validate=True)
    return views.overview(engine, today, records)


def naive_progress(engine: Engine, start: date, end: date, scope: Scope) -> Progress:
    """One scope's progress on its own, as each target's was before: everything reloaded and validated again."""
    with read_session(engine) as session:
        return compute_progress(session, start, end, scope, Records.load(session, validate=True))


# --- the measures ------------------------------------------------------------------------------------------------
def periods(today: date) -> list[tuple[str, date, date]]:
    first = today.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return [("month", first, last), ("year to date", date(today.year, 1, 1), today)]


def scopes(engine: Engine, district: District) -> list[Scope]:
    with read_session(engine) as session:
        return [
            Scope(),
            *(resolve_scope(session, w, None) for w in district.wards),
            *(resolve_scope(session, None, c) for c in district.cadres),
        ]


def report_progress(engine: Engine, today: date, every: list[Scope]) -> list[Progress]:
    """What the monthly report reads: the month and the year to date of every scope, on the shared records."""
    records = shared_records(engine)
    with read_session(engine) as session:
        return [compute_progress(session, a, b, s, records) for _, a, b in periods(today) for s in every]


def measure(url: str, base: str, district: District, requests: int, full: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    today = district.today
    http = signed_in(base)
    out["page_first"] = page(http)
    page(http)  # warm-up
    times = [page(http) for _ in range(requests)]
    out["page_median"], out["page_p95"] = statistics.median(times), percentile(times, 0.95)
    after: list[float] = []
    with httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {district.token}"}, timeout=60
    ) as api:
        for i in range(3):
            one = Visit.create(enterprise_id=district.first_enterprise, visited_on=today, cadre=ADMIN,
                               headcount=40 + i, attitude="neutral")  # fmt: skip
            item = {"kind": "visit", "id": one.id, "rev": 1, "base_version": None, "record": one.content()}
            answer = api.post("/api/v1/push", json={"device_id": "bench", "items": [item]})
            if answer.status_code != 200 or answer.json()["results"][0]["status"] != "accepted":
                raise SystemExit(f"the push before a page failed: {answer.text[:300]}")
            after.append(page(http))
    out["page_after_push"] = statistics.median(after)
    http.close()

    every = scopes(make_engine(url), district)
    out["scopes"] = len(every)
    for label, fn in (("overview", lambda e: views.overview(e, today)),
                      ("report", lambda e: report_progress(e, today, every))):  # fmt: skip
        engine = make_engine(url)  # a fresh engine: nothing loaded for it yet
        out[f"{label}_cold"], ours = timed(lambda fn=fn, engine=engine: fn(engine))
        out[f"{label}_warm"], _ = timed(lambda fn=fn, engine=engine: fn(engine))
        out[f"{label}_ours"] = ours
        engine.dispose()

    engine = make_engine(url)
    out["overview_naive"], naive = timed(lambda: naive_overview(engine, today))
    if naive != out["overview_ours"]:
        raise SystemExit(f"the overview differs from the baseline's:\n{out['overview_ours']}\n{naive}")
    pairs = [(name, a, b, s) for name, a, b in periods(today) for s in every]
    sample = pairs if full else [p for p in pairs if p[3] in (every[0], every[1], every[-1])]
    ours_by = dict(zip(((a, b, s) for _, a, b, s in pairs), out["report_ours"], strict=True))
    spent = 0.0
    for _, a, b, s in sample:
        seconds, got = timed(lambda a=a, b=b, s=s: naive_progress(engine, a, b, s))
        spent += seconds
        if got.to_dict() != ours_by[(a, b, s)].to_dict():
            raise SystemExit(f"progress differs from the baseline's for {s} {a}..{b}")
    out["report_naive"] = spent * len(pairs) / len(sample)
    out["report_naive_measured"] = (len(sample), len(pairs))
    engine.dispose()
    return out


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--visits", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=30, help="overview requests timed after the warm-up")
    parser.add_argument("--dsn", default="postgresql://postgres@127.0.0.1:5432/test",
                        help="a PostgreSQL server on 127.0.0.1 (a scratch database is made beside this one)")  # fmt: skip
    parser.add_argument("--full-baseline", action="store_true", help="time the baseline for every scope")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    print(f"office benchmark, {time.strftime('%Y-%m-%d %H:%M')} UTC, {platform.node()}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}; load average before: "
          + ", ".join(f"{x:.2f}" for x in load_before), flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp, scratch_database(args.dsn) as url:
        live = LiveServer(url, Path(tmp) / "server.log", start_timeout=60, stop_timeout=15)
        with live:
            engine = make_engine(url)
            print(f"seeding {args.enterprises:,} enterprises and {args.visits:,} visits through the server's push...",
                  flush=True)  # fmt: skip
            seconds, district = timed(lambda: seed_district(engine, live.url, args.enterprises, args.visits))
            engine.dispose()
            print(f"seeded in {seconds:.1f} s: {district.enterprises:,} enterprises, {district.visits:,} visits, "
                  f"{district.cases:,} founding cases ({district.recognized} recognised), "
                  f"{district.membership_changes:,} membership changes, {len(district.wards)} wards, "
                  f"{len(district.cadres)} cadres", flush=True)  # fmt: skip
            r = measure(url, live.url, district, args.requests, args.full_baseline)
    measured, total = r["report_naive_measured"]
    naive_note = (
        "" if measured == total else f"; baseline: {measured} of {total} timed, x{total / measured:.1f}"
    )
    rows: list[tuple[str, float, float | None, float | None]] = [
        ("overview page, first request (nothing loaded)", r["page_first"], None, None),
        (f"overview page, median of {args.requests}", r["page_median"], None, OVERVIEW_TARGET),
        (f"overview page, 95th percentile of {args.requests}", r["page_p95"], None, None),
        ("overview page, first request after a push", r["page_after_push"], None, None),
        ("overview figures, nothing loaded (in process)", r["overview_cold"], r["overview_naive"], None),
        ("overview figures, loaded (in process)", r["overview_warm"], None, None),
        (
            f"report progress ({r['scopes']} scopes x 2 periods), nothing loaded",
            r["report_cold"],
            r["report_naive"],
            REPORT_TARGET,
        ),  # fmt: skip
        ("report progress, loaded", r["report_warm"], None, None),
    ]
    print(f"\n{'measure':<72}{'ours':>10}{'baseline':>11}{'target':>9}  met")
    missed = 0
    for label, ours, base, target in rows:
        met = "-" if target is None else "yes" if ours <= target else "NO"
        missed += met == "NO"
        print(f"{label:<72}{fmt(ours):>10}{fmt(base):>11}{fmt(target):>9}  {met}")
    print(f"report progress: the month and the year to date of the federation, {r['scopes'] - 1} wards and cadres"
          f"{naive_note}")  # fmt: skip
    print("load average after: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
