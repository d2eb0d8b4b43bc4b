"""The TUI calls the store from worker threads: concurrent saves and reads must neither fail nor lose anything."""

from __future__ import annotations

import threading
from collections.abc import Callable

from store_factories import enterprise, visit

from fieldapp.store import Store

THREADS = 4
SAVES = 25


def test_threads_saving_and_reading_at_once(store: Store, reopen: Callable[..., Store]) -> None:
    owners = [store.save_enterprise(enterprise(name=f"Công ty Số {i}")) for i in range(THREADS)]
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS + 1)

    def writer(i: int) -> None:
        try:
            start.wait(timeout=30)
            for n in range(SAVES):
                store.save_visit(visit(owners[i].id, headcount=10 + n))
                if n % 5 == 0:
                    store.save_enterprise(owners[i].edit(address=f"Số {n} Ngọc Lâm"))
                    store.set_meta(f"thread-{i}", n)
                assert store.search_enterprises("cong ty so")
                assert len(store.visits_of(owners[i].id)) == n + 1
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    start.wait(timeout=30)
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads) and errors == []
    assert store.counts()["visits"] == THREADS * SAVES
    store.close()
    again = reopen()
    assert again.counts()["visits"] == THREADS * SAVES
    assert [again.get_meta(f"thread-{i}") for i in range(THREADS)] == [20] * THREADS
    assert all(len(again.visits_of(o.id)) == SAVES for o in owners)
