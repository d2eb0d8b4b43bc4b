"""Benchmark of sync: batched push against one record per request (OpenRosa style), measured in the same run.

    python benchmarks/sync_bench.py [--database sqlite|postgresql|both] [--visits 10000] [--single 2000]
                                    [--clients 20] [--per-client 1000] [--workers 2] [--dir DIR]

For each database it starts a real ``fieldapp-server`` (``python -m sync.server serve``) on a free 127.0.0.1 port
and a fresh database (PostgreSQL at 127.0.0.1:5432 as user postgres: a new database, dropped afterwards), then:

1. pushes ``--visits`` demo visits (and their enterprises) from one laptop store with the real SyncClient, in
   batches: records/s of the push phase (target >= 20,000/s, issue #12), the server's and the laptop's CPU per
   record over it (read from /proc: on a shared machine it moves far less with the load than records/s), and the
   whole sync (push + pull);
2. pushes ``--single`` of the same records (fresh ids) one per request, the way OpenRosa clients submit: records/s,
   and the ratio batch/single;
3. re-runs the sync with nothing changed (target <= 1 s);
4. on PostgreSQL: ``--clients`` laptops (processes) each pushing ``--per-client`` visits at once to one server with
   ``--workers`` worker processes: no errors, the server's totals checked exactly, p50/p99/max request latency;
   first with the server's change order (the sequence, pulls below the oldest writer in flight), then with the old
   order as the baseline (``FIELDAPP_SERVER_CHANGE_ORDER=counter``: pushes take turns on the counter row).
   ``--laptops-only`` runs this part alone;
5. scoped pull (areas): ``--scoped-enterprises`` enterprises (one visit each) in ``--scoped-wards`` wards; the first
   sync of an empty laptop for a cadre with 2 wards (target <= 2 s), for a cadre with 1 ward (the ratio shows the
   cost follows the area), and for an admin who pulls the whole federation (the baseline).

Bench cadres work every ward of the records they push (their area), as the office would assign them.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

# the live-server harness lives with the tests (it is not part of the product); the checkout comes first, so that
# `sync` is the product and not the namespace of tests/sync
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from support.live_server import LiveServer  # noqa: E402

from fieldapp.core.records import Enterprise, Visit  # noqa: E402
from fieldapp.settings import Settings  # noqa: E402
from fieldapp.store import Store  # noqa: E402
from sync.client import SyncClient, SyncProgress  # noqa: E402
from sync.server.changeseq import ENV_CHANGE_ORDER  # noqa: E402

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
CADRE = "bench_cadre"


# --- databases and servers -------------------------------------------------------------------------------
@contextlib.contextmanager
def fresh_database(kind: str, folder: Path) -> Iterator[str]:
    """A new empty database URL; PostgreSQL databases are dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / f'server-{secrets.token_hex(3)}.sqlite3'}"
        return
    import psycopg

    name = f"fieldapp_bench_{secrets.token_hex(4)}"
    admin = dict(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", autocommit=True)
    with psycopg.connect(**admin) as conn:  # type: ignore[arg-type]
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG.format(name=name)
    finally:
        with psycopg.connect(**admin) as conn:  # type: ignore[arg-type]
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def server(url: str, folder: Path, workers: int = 1) -> Iterator[str]:
    """A running server on *url* (migrated on start); yields its base URL; stopped (SIGTERM, then SIGKILL) after."""
    with live_server(url, folder, workers) as live:
        yield live.url


@contextlib.contextmanager
def live_server(url: str, folder: Path, workers: int = 1) -> Iterator[LiveServer]:
    """The running server itself (its url and pid)."""
    log = folder / f"server-{secrets.token_hex(3)}.log"
    with LiveServer(url, log, workers=workers, start_timeout=60, stop_timeout=15) as live:
        yield live


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) process *pid* has used so far; NaN where /proc does not say (not Linux).

    The machines the benchmark runs on are shared: CPU per record moves far less with the load than records/s."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def add_user(url: str, name: str, role: str = "cadre", wards: list[str] | None = None) -> str:
    """A new user; a cadre works *wards* (by default every ward the bench's records use)."""
    from fieldapp.io.demo import DISTRICTS
    from sync.server.areas import assign_wards
    from sync.server.db import make_engine
    from sync.server.users import add_user as add

    token = add(url, name, role=role)
    if role == "cadre":
        engine = make_engine(url)
        try:
            everywhere = ["Phường 1", *(w for ws in DISTRICTS.values() for w in ws)]
            assign_wards(engine, name, wards if wards is not None else everywhere, by="bench")
        finally:
            engine.dispose()
    return token


# --- laptops ------------------------------------------------------------------------------------------------
def demo_records(visits: int, cadre: str) -> tuple[list[Enterprise], list[Visit]]:
    """Demo enterprises and visits (fieldapp.io.demo), every visit in *cadre*'s name; synthetic if no demo."""
    try:
        from fieldapp.io.demo import generate_demo
    except ImportError:
        return synthetic_records(visits, cadre, max(1, visits // 25))
    enterprises, made = generate_demo(enterprises=max(1, visits // 25), visits=visits, seed=7)
    # the office assigns firms (a cadre's push may not): the demo's invented assignments are left out
    firms = [e.model_copy(update={"assigned_to": None}) for e in enterprises]
    return firms, [v.model_copy(update={"cadre": cadre}) for v in made]


def synthetic_records(
    visits: int, cadre: str, enterprises: int, ward: str = "Phường 1"
) -> tuple[list[Enterprise], list[Visit]]:
    """Simple valid records: *enterprises* enterprises of *ward* and *visits* visits spread over them."""
    firms = [Enterprise.create(name=f"Công ty Thử nghiệm {i}", ward=ward) for i in range(enterprises)]
    made = [
        Visit.create(
            enterprise_id=firms[i % enterprises].id,
            visited_on="2026-01-15",
            cadre=cadre,
            headcount=20 + i % 300,
            attitude="neutral",
            note=f"Lần thăm số {i}: gặp giám đốc nhân sự",
        )
        for i in range(visits)
    ]
    return firms, made


def renamed(enterprises: list[Enterprise], visits: list[Visit]) -> tuple[list[Enterprise], list[Visit]]:
    """The same records under fresh ids (and without tax codes, which the server keeps unique)."""
    new_ids = {e.id: str(uuid.uuid4()) for e in enterprises}
    firms = [e.model_copy(update={"id": new_ids[e.id], "tax_code": None}) for e in enterprises]
    return firms, [
        v.model_copy(update={"id": str(uuid.uuid4()), "enterprise_id": new_ids[v.enterprise_id]})
        for v in visits
    ]


def laptop(folder: Path, enterprises: list[Enterprise], visits: list[Visit]) -> Store:
    store = Store.open(folder)
    store.save_enterprises(enterprises)
    store.save_visits(visits)
    return store


def timed_sync(client: SyncClient, server_pid: int | None = None) -> tuple[float, float, Any, float, float]:
    """(push seconds, total seconds, summary, server CPU seconds of the push, client CPU seconds of the push) of
    one run (the CPU figures NaN without *server_pid*)."""
    marks: dict[str, tuple[float, float, float]] = {}

    def mark() -> tuple[float, float, float]:
        server_cpu = cpu_seconds(server_pid) if server_pid else float("nan")
        return time.perf_counter(), server_cpu, time.process_time()

    def progress(p: SyncProgress) -> None:
        if p.phase not in marks:
            marks[p.phase] = mark()

    start = mark()
    summary = client.run(progress=progress)
    end = mark()
    pulled = marks.get("pull", end)
    return pulled[0] - start[0], end[0] - start[0], summary, pulled[1] - start[1], pulled[2] - start[2]


def check(summary: Any, expected: int) -> None:
    if not summary.ok or summary.accepted != expected:
        raise SystemExit(f"sync failed: expected {expected} accepted, got {summary.to_dict()}")


# --- the measurements -----------------------------------------------------------------------------------------
def single_laptop(kind: str, folder: Path, visits: int, single: int) -> dict[str, Any]:
    enterprises, made = demo_records(visits, CADRE)
    with fresh_database(kind, folder) as url, live_server(url, folder) as live:
        base = live.url
        token = add_user(url, CADRE)
        settings = Settings(server=base, token=token)
        store = laptop(folder / f"laptop-{kind}", enterprises, made)
        n = len(enterprises) + len(made)
        client = SyncClient(store, settings)
        push_s, total_s, summary, server_cpu, client_cpu = timed_sync(client, live.pid)
        check(summary, n)
        requests = len(client.latencies)
        reruns = []
        for _ in range(3):
            start = time.perf_counter()
            idle = client.run()
            reruns.append(time.perf_counter() - start)
            if idle.pushed or not idle.ok:
                raise SystemExit(f"a rerun with nothing changed pushed something: {idle.to_dict()}")
        store.close()

        subset = made[:single]
        used = {v.enterprise_id for v in subset}
        firms, visits_ = renamed([e for e in enterprises if e.id in used], subset)
        one_store = laptop(folder / f"laptop-{kind}-single", firms, visits_)
        one_client = SyncClient(one_store, settings, max_items=1)
        one_push_s, _, one_summary, one_server_cpu, _ = timed_sync(one_client, live.pid)
        check(one_summary, len(firms) + len(visits_))
        one_store.close()
    batch_rate = n / push_s
    single_rate = (len(firms) + len(visits_)) / one_push_s
    return {
        "records": n,
        "push_s": push_s,
        "batch_rate": batch_rate,
        "total_s": total_s,
        "requests": requests,
        "server_us": 1e6 * server_cpu / n,
        "client_us": 1e6 * client_cpu / n,
        "single_records": len(firms) + len(visits_),
        "single_server_us": 1e6 * one_server_cpu / (len(firms) + len(visits_)),
        "single_rate": single_rate,
        "ratio": batch_rate / single_rate,
        "rerun_s": max(reruns),
    }


def _concurrent_client(args: tuple[str, str, str, str, int, Any]) -> dict[str, Any]:
    base, token, name, folder, per_client, barrier = args
    firms, made = synthetic_records(per_client, name, 1, ward=f"Phường {name}")  # each laptop its own ward
    store = laptop(Path(folder), firms, made)
    client = SyncClient(store, Settings(server=base, token=token))
    barrier.wait()
    start = time.perf_counter()
    try:
        summary = client.run()
        result: dict[str, Any] = {"summary": summary.to_dict(), "error": None}
    except Exception as exc:  # reported, never hidden
        result = {"summary": None, "error": f"{type(exc).__name__}: {exc}"}
    result.update(
        seconds=time.perf_counter() - start,
        latencies=client.latencies,
        records={v.id: v.content_hash for v in store.visits()},
        enterprise=firms[0].id,
    )
    store.close()
    return result


@contextlib.contextmanager
def change_order(order: str) -> Iterator[None]:
    """The server started inside takes its change numbers in *order* ("sequence", or the "counter" baseline)."""
    before = os.environ.get(ENV_CHANGE_ORDER)
    os.environ[ENV_CHANGE_ORDER] = order
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENV_CHANGE_ORDER)
        else:
            os.environ[ENV_CHANGE_ORDER] = before


def concurrent(folder: Path, clients: int, per_client: int, workers: int, order: str) -> dict[str, Any]:
    with (
        fresh_database("postgresql", folder) as url,
        change_order(order),
        server(url, folder, workers=workers) as base,
    ):
        admin = add_user(url, "bench_office", "admin")
        tokens = [
            (f"bench_c{i}", add_user(url, f"bench_c{i}", wards=[f"Phường bench_c{i}"]))
            for i in range(clients)
        ]
        ctx = multiprocessing.get_context("fork")
        with ctx.Manager() as manager:
            barrier = manager.Barrier(clients + 1)
            jobs = [
                (base, token, name, str(folder / f"concurrent-{order}-{i}"), per_client, barrier)
                for i, (name, token) in enumerate(tokens)
            ]
            with ctx.Pool(clients) as pool:
                pending = pool.map_async(_concurrent_client, jobs)
                barrier.wait(timeout=300)
                start = time.perf_counter()
                results = pending.get(timeout=600)
                wall = time.perf_counter() - start
        errors = [r["error"] for r in results if r["error"]]
        errors += [
            str(r["summary"])
            for r in results
            if r["summary"] and (not r["summary"]["ok"] or r["summary"]["accepted"] != per_client + 1)
        ]
        expected = {k: v for r in results for k, v in r["records"].items()}
        on_server = server_visits(base, admin)
        exact = len(on_server) == len(dict(on_server)) == clients * per_client and dict(on_server) == expected
        if not exact:
            differ = sum(1 for k, v in expected.items() if dict(on_server).get(k) != v)
            errors.append(
                f"server holds {len(on_server)} visits ({len(dict(on_server))} ids), laptops "
                f"{len(expected)}, {differ} missing or different"
            )
        latencies = sorted(x for r in results for x in r["latencies"])
    return {
        "clients": clients,
        "records": clients * (per_client + 1),
        "wall_s": wall,
        "rate": clients * (per_client + 1) / wall,
        "errors": errors,
        "exact": exact,
        "requests": len(latencies),
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "max_ms": 1000 * latencies[-1],
    }


def server_visits(base: str, admin: str) -> list[tuple[str, str]]:
    """(id, content hash) of every visit on the server."""
    found: list[tuple[str, str]] = []
    offset: int | None = 0
    with httpx.Client(headers={"Authorization": f"Bearer {admin}"}, timeout=60) as http:
        while offset is not None:
            page = http.get(f"{base}/api/v1/visits", params={"offset": offset, "limit": 1000}).json()
            found += [(i["id"], Visit.parse(i["record"]).content_hash) for i in page["items"]]
            offset = page["next_offset"]
    return found


# --- the report -----------------------------------------------------------------------------------------------
def scoped_pull(kind: str, folder: Path, enterprises: int, wards: int) -> dict[str, Any]:
    """First-sync seconds of an empty laptop for a 2-ward cadre, a 1-ward cadre and an admin (everything)."""
    names = [f"Phường Thử {i:02d}" for i in range(wards)]
    firms = [Enterprise.create(name=f"Công ty Thử {i}", ward=names[i % wards]) for i in range(enterprises)]
    made = [
        Visit.create(
            enterprise_id=e.id,
            visited_on="2026-03-02",
            cadre="bench_office",
            headcount=30,
            attitude="neutral",
        )
        for e in firms
    ]
    out: dict[str, Any] = {"enterprises": enterprises, "wards": wards}
    with fresh_database(kind, folder) as url, server(url, folder) as base:
        admin = add_user(url, "bench_office", "admin")
        seed = SyncClient(
            laptop(folder / f"scoped-seed-{kind}", firms, made), Settings(server=base, token=admin)
        )
        check(seed.run(), len(firms) + len(made))
        seed.store.close()
        for label, role, own in (
            ("two", "cadre", names[:2]),
            ("one", "cadre", names[2:3]),
            ("all", "admin", None),
        ):
            token = add_user(url, f"bench_{label}", role, own)
            store = Store.open(folder / f"scoped-{label}-{kind}")
            client = SyncClient(store, Settings(server=base, token=token))
            start = time.perf_counter()
            summary = client.run()
            out[f"{label}_s"] = time.perf_counter() - start
            out[f"{label}_records"] = summary.pulled
            store.close()
    out["ratio"] = out["two_s"] / out["one_s"]
    out["share"] = out["two_s"] / out["all_s"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--visits", type=int, default=10_000)
    parser.add_argument("--single", type=int, default=2_000, help="visits pushed one per request (baseline)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--laptops-only", action="store_true", help="only the concurrent laptops (PostgreSQL)"
    )
    parser.add_argument("--scoped-enterprises", type=int, default=20_000, help="0: no scoped pull")
    parser.add_argument("--scoped-wards", type=int, default=40)
    parser.add_argument(
        "--dir", type=Path, default=None, help="folder for stores and SQLite (default: a temp dir)"
    )
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"sync benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {platform.node()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average before: {load}"
    )
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        if args.laptops_only:
            laptops(folder, args)
            return
        rows = {kind: single_laptop(kind, folder, args.visits, args.single) for kind in kinds}
        print(f"\n{'':44}" + "".join(f"{k:>14}" for k in rows))
        lines = [
            ("records pushed (batched)", "records", "{:,.0f}"),
            ("push phase, s", "push_s", "{:.2f}"),
            ("batched push, records/s (target >= 20,000)", "batch_rate", "{:,.0f}"),
            ("  server CPU per record, us (batched push)", "server_us", "{:,.0f}"),
            ("  laptop CPU per record, us (batched push)", "client_us", "{:,.0f}"),
            ("whole first sync (push + pull), s", "total_s", "{:.2f}"),
            ("HTTP requests in the first sync", "requests", "{:,.0f}"),
            ("records pushed one per request", "single_records", "{:,.0f}"),
            ("one per request (OpenRosa), records/s", "single_rate", "{:,.0f}"),
            ("  server CPU per record, us (one per request)", "single_server_us", "{:,.0f}"),
            ("batched / one per request", "ratio", "{:.1f}x"),
            ("re-run with nothing changed, s (<= 1)", "rerun_s", "{:.3f}"),
        ]
        for label, key, fmt in lines:
            print(f"{label:44}" + "".join(f"{fmt.format(r[key]):>14}" for r in rows.values()))
        if args.scoped_enterprises > 0:
            scoped = {
                kind: scoped_pull(kind, folder, args.scoped_enterprises, args.scoped_wards) for kind in kinds
            }
            first = next(iter(scoped.values()))
            print(
                f"\nscoped pull: {first['enterprises']:,} enterprises (one visit each) in {first['wards']} wards, "
                "first sync of an empty laptop"
            )
            print(f"{'':44}" + "".join(f"{k:>14}" for k in scoped))
            for label, key, fmt in (
                ("cadre with 2 wards: records pulled", "two_records", "{:,.0f}"),
                ("cadre with 2 wards, s (target <= 2)", "two_s", "{:.2f}"),
                ("cadre with 1 ward, s", "one_s", "{:.2f}"),
                ("2 wards / 1 ward", "ratio", "{:.2f}x"),
                ("admin, the whole federation, s (baseline)", "all_s", "{:.2f}"),
                ("2 wards / whole federation", "share", "{:.3f}"),
            ):
                print(f"{label:44}" + "".join(f"{fmt.format(r[key]):>14}" for r in scoped.values()))
        if "postgresql" in kinds and args.clients > 0:
            laptops(folder, args)
    print(f"\nload average after: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


def laptops(folder: Path, args: argparse.Namespace) -> None:
    """Part 4: the laptops at once, with the server's change order, then with the counter row (the baseline)."""
    failed = False
    for order in ("sequence", "counter"):
        c = concurrent(folder, args.clients, args.per_client, args.workers, order)
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"\n{c['clients']} concurrent laptops x {args.per_client} visits (+1 enterprise each), "
            f"PostgreSQL, {args.workers} server workers, change order: {order}"
            + (" (baseline: pushes take turns on the counter row)" if order == "counter" else "")
        )
        print(
            f"  {c['records']:,} records in {c['wall_s']:.2f} s = {c['rate']:,.0f} records/s; "
            f"errors: {len(c['errors'])}; server totals exact: {c['exact']}"
        )
        print(
            f"  {c['requests']} requests: p50 {c['p50_ms']:.0f} ms, p99 {c['p99_ms']:.0f} ms, "
            f"max {c['max_ms']:.0f} ms; load average after: {load}"
        )
        for error in c["errors"][:5]:
            print(f"  error: {error}")
        failed = failed or bool(c["errors"]) or not c["exact"]
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
