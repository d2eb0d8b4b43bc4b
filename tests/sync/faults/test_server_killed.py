"""The server process SIGKILLed in the middle of a push, then restarted: the laptop's records (visits and founding
cases) all arrive, once."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import pytest
from client.laptop import add_case, add_enterprise, add_visits, client_for, server_hashes

from fieldapp.store import Store
from sync.client import RetryPolicy, SyncError, SyncProgress

VISITS = 1500
#: enterprises with a founding case each, sent after the visits (the push's last batches)
CASES = 60
KILLS = 3
#: gives up quickly while the server is down (it is restarted between runs)
QUICK_GIVE_UP = RetryPolicy(attempts=3, base=0.01, cap=0.05, total=2.0)


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_a_server_killed_mid_push_loses_and_doubles_nothing(
    live_server, db_backend: str, tmp_path: Path
) -> None:
    cadre = "cadre_killed"
    token = live_server.add_user(cadre, "cadre")
    admin = live_server.add_user("office", "admin")
    rng = random.Random(f"kill-{db_backend}")
    with Store.open(tmp_path / "laptop") as store:
        add_visits(store, add_enterprise(store), cadre, VISITS)
        for _ in range(CASES):
            add_case(store, add_enterprise(store))
        client = client_for(store, live_server.url, token, retry=QUICK_GIVE_UP, max_items=20)
        kills = 0
        for round_ in range(KILLS):
            # kill once this round's push has gone a little way: while requests are in flight
            counts = store.counts()
            pending = (
                counts["pending_enterprises"] + counts["pending_visits"] + counts["pending_founding_cases"]
            )
            threshold = pending // (KILLS - round_ + 1)
            reached = threading.Event()

            def watch(
                progress: SyncProgress, threshold: int = threshold, reached: threading.Event = reached
            ) -> None:
                if progress.phase == "push" and progress.done >= threshold:
                    reached.set()

            def kill(reached: threading.Event = reached) -> None:
                if reached.wait(timeout=30):
                    threading.Event().wait(rng.uniform(0, 0.03))  # somewhere inside the next request or two
                    live_server.kill()

            killer = threading.Thread(target=kill)
            killer.start()
            with pytest.raises(SyncError):
                client.run(progress=watch)
            killer.join()
            kills += not live_server.running
            live_server.restart()
        assert kills == KILLS

        for _ in range(10):  # bounded reruns until the laptop reports success
            try:
                if client.run().ok:
                    break
            except SyncError:
                continue
        else:
            raise AssertionError("the sync never succeeded after the restarts")

        assert store.counts()["pending_visits"] == store.counts()["pending_founding_cases"] == 0
        expected = {v.id: v.content_hash for v in store.visits()}
        expected_cases = {c.id: c.content_hash for c in store.founding_cases()}

    on_server = server_hashes(live_server.url, admin, "visit")
    assert len(on_server) == len({i for i, _ in on_server}) == VISITS  # none twice
    assert dict(on_server) == expected  # none missing, none altered
    cases = server_hashes(live_server.url, admin, "founding_case")
    assert len(cases) == len({i for i, _ in cases}) == CASES
    assert dict(cases) == expected_cases
