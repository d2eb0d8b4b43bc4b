"""Concurrent pushes on a real server process (each database): each record stored once, pull never skips one."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from server_helpers import Api, enterprise, item, visit

THREADS = 6


def test_concurrent_pushes_of_the_same_new_ids_store_each_once(make_live_api) -> None:
    cadre = make_live_api()
    e = enterprise()
    visits = [visit(e["id"], cadre.name) for _ in range(50)]
    batch = [item("enterprise", e)] + [item("visit", v) for v in visits]
    clients = [
        Api.live(str(cadre.http.base_url), cadre.http.headers["Authorization"].split()[1])
        for _ in range(THREADS)
    ]
    try:
        with ThreadPoolExecutor(THREADS) as pool:
            responses = list(pool.map(lambda api: api.push_raw(batch), clients))
    finally:
        for api in clients:
            api.close()
    assert [r.status_code for r in responses] == [200] * THREADS, [
        r.text for r in responses if r.status_code != 200
    ]
    for index in range(len(batch)):
        statuses = sorted(r.json()["results"][index]["status"] for r in responses)
        assert statuses == ["accepted"] + ["duplicate"] * (THREADS - 1)
    stored = [v["id"] for v in cadre.get_all("visits")]
    assert sorted(stored) == sorted(v["id"] for v in visits)
    assert len({c["id"] for c in cadre.pull_all()[0]}) == len(cadre.pull_all()[0])


def test_two_worker_processes_share_the_database_and_pull_never_skips_a_change(server_factory) -> None:
    """Pushers race on two processes while a reader pulls with its cursor: the reader ends with every record."""
    server = server_factory(workers=2)
    token = server.add_user("racer", "admin")
    pushers, batches, per_batch = 4, 8, 25
    seen: set[str] = set()
    stop = threading.Event()

    def pull_forever() -> int:
        reader, cursor, rounds = Api.live(server.url, token), 0, 0
        try:
            while not stop.is_set() and rounds < 2000:
                changes, cursor = reader.pull_all(cursor, limit=50)
                seen.update(c["id"] for c in changes)
                rounds += 1
            changes, cursor = reader.pull_all(cursor)  # one last time, after every push has committed
            seen.update(c["id"] for c in changes)
        finally:
            reader.close()
        return rounds

    def push_some(_: int) -> list[str]:
        api, ids = Api.live(server.url, token), []
        try:
            for _ in range(batches):
                records = [enterprise() for _ in range(per_batch)]
                assert all(
                    r["status"] == "accepted" for r in api.push([item("enterprise", r) for r in records])
                )
                ids.extend(r["id"] for r in records)
        finally:
            api.close()
        return ids

    with ThreadPoolExecutor(pushers + 1) as pool:
        reader = pool.submit(pull_forever)
        pushed = [rid for ids in pool.map(push_some, range(pushers)) for rid in ids]
        stop.set()
        assert reader.result(timeout=60) >= 1
    assert len(pushed) == pushers * batches * per_batch
    assert seen == set(pushed)
