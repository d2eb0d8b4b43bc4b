"""Concurrent pushes of the same new records: each stored once, one accepted and the rest duplicates, no 5xx."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from server_helpers import Api, enterprise, item, visit

THREADS = 6


def test_concurrent_pushes_of_the_same_new_ids_store_each_once(make_api) -> None:
    cadre = make_api()
    e = enterprise()
    visits = [visit(e["id"], cadre.name) for _ in range(50)]
    batch = [item("enterprise", e)] + [item("visit", v) for v in visits]
    clients = [Api(str(cadre.http.base_url), cadre.http.headers["Authorization"].split()[1]) for _ in range(THREADS)]
    try:
        with ThreadPoolExecutor(THREADS) as pool:
            responses = list(pool.map(lambda api: api.push_raw(batch), clients))
    finally:
        for api in clients:
            api.close()
    assert [r.status_code for r in responses] == [200] * THREADS, [r.text for r in responses if r.status_code != 200]
    for index in range(len(batch)):
        statuses = sorted(r.json()["results"][index]["status"] for r in responses)
        assert statuses == ["accepted"] + ["duplicate"] * (THREADS - 1)
    stored = [v["id"] for v in cadre.get_all("visits")]
    assert sorted(stored) == sorted(v["id"] for v in visits)
    assert len({c["id"] for c in cadre.pull_all()[0]}) == len(cadre.pull_all()[0])
