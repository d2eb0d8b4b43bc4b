"""Do the server's push shortcuts pay? Each is measured against the plain way, in the same run, on batches of 1,000.

    python benchmarks/push_paths_bench.py [--database sqlite|postgresql|both] [--items 1000] [--rounds 20]

- **whole push** (the yardstick): a batch of ``--items`` new demo visits pushed through the real app in-process
  (FastAPI's TestClient, plain JSON body): what one batch costs the server, validation, decisions, writes and commit;
- **body**: FastAPI reading ``body: PushRequest`` (stdlib json, then validation of the Python objects) against
  pydantic-core's one pass from the bytes (``PushRequest.model_validate_json``), each the only route of a bare app;
- **answer**: ``PushResponse`` of ``ItemResult`` models, serialised by FastAPI, against plain dicts dumped once
  (``pydantic_core.to_json``), each the only route of a bare app;
- **inserts** (per database): the batch's rows (``records`` and ``record_versions``) written with SQLAlchemy's
  ``insert()`` against the shortcut (``recordstore._insert_many``: COPY on PostgreSQL, the driver's executemany on
  SQLite), in a transaction rolled back after each round.

The server keeps a shortcut only where it saves at least 10% of a push: the one-pass body reading and the dict
answers were dropped (their code lives on here, to be measured); COPY and SQLite's executemany stay.
Every round measures everything once (a push, then each shortcut and its plain way, alternating which goes first),
so the machine's load is shared alike; the figures are medians over the rounds, the share of the push is the median
of each round's saving over that round's push. PostgreSQL: a fresh database at 127.0.0.1:5432 (user postgres),
dropped afterwards.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import orjson
from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from pydantic_core import to_json
from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from fieldapp.core.records import Visit
from sync.protocol import ItemResult, PushRequest, PushResponse
from sync.server.app import create_app
from sync.server.db import make_engine, upgrade, write_session
from sync.server.models import Record, RecordVersion
from sync.server.recordstore import Batch, _insert_many
from sync.server.users import add_user

PG = "postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
CADRE = "bench_cadre"


@contextlib.contextmanager
def fresh_database(kind: str, folder: Path) -> Iterator[str]:
    """A new, migrated database URL; PostgreSQL databases are dropped afterwards."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / f'server-{secrets.token_hex(3)}.sqlite3'}"
        upgrade(url)
        yield url
        return
    import psycopg

    name = f"fieldapp_bench_{secrets.token_hex(4)}"
    admin = dict(host="127.0.0.1", port=5432, user="postgres", dbname="postgres", autocommit=True)
    with psycopg.connect(**admin) as conn:  # type: ignore[arg-type]
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        upgrade(PG.format(name=name))
        yield PG.format(name=name)
    finally:
        with psycopg.connect(**admin) as conn:  # type: ignore[arg-type]
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def visits(enterprise_ids: list[str], n: int) -> list[Visit]:
    """*n* valid visits by CADRE spread over the enterprises, with demo-like notes."""
    return [
        Visit.create(
            enterprise_id=enterprise_ids[i % len(enterprise_ids)],
            visited_on="2026-01-15",
            cadre=CADRE,
            headcount=20 + i % 300,
            seasonal=i % 7,
            managers=1 + i % 3,
            attitude="neutral",
            applications=i % 4,
            note=f"Lần thăm số {i}: gặp giám đốc nhân sự, hẹn quay lại sau Tết",
        )
        for i in range(n)
    ]


def body(records: list[Visit]) -> bytes:
    items = [
        {"kind": "visit", "id": v.id, "rev": 1, "base_version": None, "record": v.content()} for v in records
    ]
    return orjson.dumps({"device_id": "bench-laptop", "items": items})


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


# --- the yardstick: one whole push through the real app ------------------------------------------------------
@contextlib.contextmanager
def pusher(url: str, items: int) -> Iterator[Callable[[], float]]:
    """A function that pushes *items* new visits through the real app in-process; returns its seconds."""
    engine = make_engine(url)
    token = add_user(engine, CADRE)
    engine.dispose()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    firms = [str(uuid.uuid4()) for _ in range(40)]
    firm_items = [
        {"kind": "enterprise", "id": rid, "rev": 1, "record": {"id": rid, "name": f"Công ty Thử nghiệm {i}"}}
        for i, rid in enumerate(firms)
    ]
    # freeze_gc as `serve` does: the objects loaded at start out of the collector's sight
    with TestClient(create_app(url, freeze_gc=True)) as client:
        first = client.post(
            "/api/v1/push", content=orjson.dumps({"device_id": "b", "items": firm_items}), headers=headers
        )
        assert first.status_code == 200, first.text

        def push_once() -> float:
            raw = body(visits(firms, items))
            start = time.perf_counter()
            response = client.post("/api/v1/push", content=raw, headers=headers)
            took = time.perf_counter() - start
            assert response.status_code == 200, response.text
            assert {r["status"] for r in response.json()["results"]} == {"accepted"}
            return took

        push_once()  # warms the caches
        yield push_once


# --- body and answer: each way the only route of a bare app (no database) ------------------------------------
@contextlib.contextmanager
def body_ways(raw: bytes) -> Iterator[tuple[Callable[[], float], Callable[[], float]]]:
    """(FastAPI reading ``body: PushRequest``, pydantic-core's one pass over the bytes): seconds per request."""
    plain, fast = FastAPI(), FastAPI()

    @plain.post("/push")
    async def by_fastapi(body: PushRequest) -> Response:
        return Response(status_code=204)

    @fast.post("/push")
    async def one_pass(request: Request) -> Response:
        PushRequest.model_validate_json(await request.body())
        return Response(status_code=204)

    with _clients(plain, fast, lambda c: c.post("/push", content=raw, headers=JSON)) as ways:
        yield ways


@contextlib.contextmanager
def answer_ways(results: list[dict[str, Any]]) -> Iterator[tuple[Callable[[], float], Callable[[], float]]]:
    """(ItemResult models serialised by FastAPI, plain dicts dumped once): seconds per request."""
    plain, fast = FastAPI(), FastAPI()

    @plain.get("/answer")
    def models() -> PushResponse:
        return PushResponse(results=[ItemResult(**r) for r in results])

    @fast.get("/answer")
    def dicts() -> Response:
        return Response(to_json({"results": [dict(r) for r in results]}), media_type="application/json")

    with _clients(plain, fast, lambda c: c.get("/answer")) as ways:
        yield ways


JSON = {"Content-Type": "application/json"}


@contextlib.contextmanager
def _clients(
    plain: FastAPI, fast: FastAPI, call: Callable[[TestClient], Any]
) -> Iterator[tuple[Callable[[], float], Callable[[], float]]]:
    with TestClient(plain) as plain_client, TestClient(fast) as fast_client:

        def way(client: TestClient) -> Callable[[], float]:
            def once() -> float:
                start = time.perf_counter()
                response = call(client)
                took = time.perf_counter() - start
                assert response.status_code in (200, 204), response.text
                return took

            once()  # warm up
            return once

        yield way(plain_client), way(fast_client)


# --- inserts: per database -----------------------------------------------------------------------------------
@contextlib.contextmanager
def insert_ways(url: str, items: int) -> Iterator[tuple[Callable[[], float], Callable[[], float]]]:
    """(SQLAlchemy ``insert()``, the shortcut: COPY or the driver's executemany) writing a batch's rows, rolled
    back: seconds each."""
    engine = make_engine(url)
    batch = Batch(seq=0, now=datetime.now(UTC), user=CADRE, device_id="bench-laptop")
    for v in visits([str(uuid.uuid4())], items):
        batch.write(("visit", v.id), v.content(), v.content_hash, None)
    tables = [
        (cast(Table, Record.__table__), list(batch.inserts.values())),
        (cast(Table, RecordVersion.__table__), batch.versions),
    ]
    shortcut = _insert_many

    def plain(session: Session) -> None:
        for table, rows in tables:
            session.execute(insert(table), rows)

    def fast(session: Session) -> None:
        for table, rows in tables:
            shortcut(session, table, rows)

    def way(write: Callable[[Session], None]) -> Callable[[], float]:
        def once() -> float:
            with write_session(engine) as session:
                took = timed(lambda: (write(session), session.flush()))
                session.rollback()
            return took

        once()  # warm up
        return once

    try:
        yield way(plain), way(fast)
    finally:
        engine.dispose()


# --- the report ----------------------------------------------------------------------------------------------
#: (name, label, the way the server takes: "plain" or "shortcut", per database)
SHORTCUTS = (
    ("body", "FastAPI's reading / one pass", {"sqlite": "plain", "postgresql": "plain"}),
    ("answer", "models / dicts", {"sqlite": "plain", "postgresql": "plain"}),
    ("inserts", "insert() / executemany or COPY", {"sqlite": "shortcut", "postgresql": "shortcut"}),
)


def measure(kind: str, folder: Path, items: int, rounds: int) -> dict[str, list[tuple[float, ...]]]:
    """Per shortcut, one (push, plain, fast) triple a round; every round measures everything once."""
    raw = body(visits([str(uuid.uuid4())], items))
    results = [
        {"kind": "visit", "id": str(uuid.uuid4()), "rev": 1, "status": "accepted", "server_version": 1,
         "conflict": None, "conflict_fields": [], "record": None, "errors": []}
        for _ in range(items)
    ]  # fmt: skip
    out: dict[str, list[tuple[float, ...]]] = {name: [] for name, _, _ in SHORTCUTS}
    with contextlib.ExitStack() as stack:
        push_once = stack.enter_context(pusher(stack.enter_context(fresh_database(kind, folder)), items))
        ways = {
            "body": stack.enter_context(body_ways(raw)),
            "answer": stack.enter_context(answer_ways(results)),
            "inserts": stack.enter_context(
                insert_ways(stack.enter_context(fresh_database(kind, folder)), items)
            ),
        }
        for round_ in range(rounds):
            push_s = push_once()
            for name, (plain, fast) in ways.items():
                # alternate which way goes first, so neither always runs on a warmer cache
                first, second = (plain, fast) if round_ % 2 else (fast, plain)
                a, b = first(), second()
                out[name].append((push_s, *((a, b) if round_ % 2 else (b, a))))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.database == "both" else [args.database]

    def load() -> str:
        return ", ".join(f"{x:.1f}" for x in os.getloadavg())

    print(
        f"push shortcuts, {time.strftime('%Y-%m-%d %H:%M')}, {platform.node()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {args.items} items a batch, {args.rounds} rounds (medians); "
        f"load average before: {load()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            figures = measure(kind, Path(tmp), args.items, args.rounds)
            push_ms = 1000 * statistics.median(p for p, _, _ in figures["body"])
            rate = 1000 * args.items / push_ms
            print(f"\n{kind}: whole push of {args.items} visits {push_ms:.1f} ms ({rate:,.0f} records/s)")
            head = f"{'plain':>8} {'shortcut':>9} {'saved':>8} {'of the push':>12}  the server takes"
            print(f"  {'plain way / shortcut':45} {head}")
            for name, label, taken in SHORTCUTS:
                rows = figures[name]
                plain_ms = 1000 * statistics.median(p for _, p, _ in rows)
                fast_ms = 1000 * statistics.median(f for _, _, f in rows)
                saved_ms = 1000 * statistics.median(p - f for _, p, f in rows)
                share = 100 * statistics.median((p - f) / push for push, p, f in rows)
                figures_ = f"{plain_ms:6.1f}ms {fast_ms:7.1f}ms {saved_ms:6.1f}ms {share:11.1f}%"
                print(f"  {name + ': ' + label:45} {figures_}  {taken[kind]}")
    print(f"\nload average after: {load()}")


if __name__ == "__main__":
    sys.exit(main())
