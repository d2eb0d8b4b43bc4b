"""Connections cut at random points between the client and a real server: nothing lost, nothing doubled.

Each trial is a fresh laptop (a new cadre, one enterprise with its founding case, a few hundred visits; every other
trial then records the case's congress and syncs again) syncing through a FaultProxy that
cuts a share of connections before forwarding, inside a request, or inside or instead of the server's answer (the
server stored the batch, the laptop never heard). The client is rerun until it reports success (a bounded number of
times). In the end the server must hold exactly the laptops' records: every id once, every content hash equal.
"""

from __future__ import annotations

import os
import random
import secrets
from collections import Counter
from pathlib import Path

import httpx
import pytest
from client.laptop import add_case, add_enterprise, add_visits, client_for, server_hashes

from fieldapp.core.founding import record_step
from fieldapp.core.rules import default_rules
from fieldapp.store import Store
from sync.client import RetryPolicy, SyncError

from .proxy import FaultProxy

TRIALS = int(os.environ.get("FIELDAPP_FAULT_TRIALS", "100"))
VISITS = 200
MAX_RERUNS = 60
#: few, quick retries, so that some runs give up and the "run it again" path is exercised too
TRIAL_RETRY = RetryPolicy(attempts=3, base=0.002, cap=0.01, total=5.0)
TRIAL_TIMEOUT = httpx.Timeout(15.0, connect=3.0)


def _sync_until_ok(store: Store, url: str, token: str, rng: random.Random) -> tuple[int, int]:
    """Rerun the sync until it succeeds; (runs, runs that raised)."""
    client = client_for(
        store,
        url,
        token,
        retry=TRIAL_RETRY,
        timeout=TRIAL_TIMEOUT,
        max_items=rng.choice([10, 25, 50]),  # small batches: cuts land before, inside and after many of them
        pull_limit=rng.choice([50, 1000]),
        rng=rng,
    )
    failures = 0
    for run in range(1, MAX_RERUNS + 1):
        try:
            summary = client.run()
        except SyncError:
            failures += 1
            continue
        assert summary.rejected == summary.conflicts == 0, summary.to_dict()
        if summary.ok:
            return run, failures
    raise AssertionError(f"no successful sync in {MAX_RERUNS} runs")


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_cut_connections_lose_and_double_nothing(module_server, db_backend: str, tmp_path: Path) -> None:
    admin = module_server.add_user(f"office_{secrets.token_hex(3)}", "admin")
    rng = random.Random(f"cuts-{db_backend}")
    expected_visits: dict[str, str] = {}
    expected_enterprises: dict[str, str] = {}
    expected_cases: dict[str, str] = {}
    runs: Counter[str] = Counter()
    with FaultProxy(
        module_server.port, seed=rng.randrange(2**32), fault_rate=0.8, max_cut_bytes=16 * 1024
    ) as proxy:
        for trial in range(TRIALS):
            cadre = f"cadre_{trial}_{secrets.token_hex(3)}"
            ward = (
                f"Phường Thử {trial}"  # each cadre their own ward: a laptop pulls its area, not every trial's
            )
            token = module_server.add_user(cadre, "cadre", wards=[ward])
            with Store.open(tmp_path / f"laptop-{trial}") as store:
                enterprise = add_enterprise(store, name=f"Công ty thử {trial}", ward=ward)
                add_visits(store, enterprise, cadre, VISITS, seed=trial)
                case = add_case(store, enterprise)
                done, failed = _sync_until_ok(store, proxy.url, token, rng)
                if trial % 2:  # the next step, sent on top of the version the cut syncs left on the server
                    synced = store.get_founding_case(case.id)
                    assert synced is not None
                    store.save_founding_case(
                        record_step(synced, "congress", default_rules(), congress_on="2026-04-01",
                                    congress_attending=20, bch_size=3, inspection_size=1)
                    )  # fmt: skip
                    more, more_failed = _sync_until_ok(store, proxy.url, token, rng)
                    done, failed = done + more, failed + more_failed
                runs["runs"] += done
                runs["failed_runs"] += failed
                # the laptop agrees: nothing pending, nothing to settle
                counts = store.counts()
                assert counts["pending_visits"] == counts["pending_enterprises"] == 0
                assert counts["pending_founding_cases"] == 0
                assert store.sync_issues() == []
                expected_visits.update((v.id, v.content_hash) for v in store.visits())
                expected_cases.update((c.id, c.content_hash) for c in store.founding_cases())
                expected_enterprises[enterprise.id] = store.get_enterprise(enterprise.id).content_hash  # type: ignore[union-attr]
        stats = dict(proxy.stats)

    on_server = server_hashes(module_server.url, admin, "visit")
    assert len(on_server) == len({i for i, _ in on_server}), "a visit is on the server twice"
    assert len(on_server) == TRIALS * VISITS
    assert dict(on_server) == expected_visits  # none missing, none extra, none altered
    assert dict(server_hashes(module_server.url, admin, "enterprise")) == expected_enterprises
    cases = server_hashes(module_server.url, admin, "founding_case")
    assert len(cases) == len({i for i, _ in cases}) == TRIALS, "a founding case is missing or twice"
    assert dict(cases) == expected_cases  # every case at its last step on the server

    # the faults really happened, of every kind, many times
    print(
        f"\n{db_backend}: {TRIALS} trials, {runs['runs']} runs ({runs['failed_runs']} gave up), proxy: {stats}"
    )
    assert stats.get("cut_refuse", 0) > 0 and stats.get("cut_up", 0) > 0 and stats.get("cut_down", 0) > 0
    assert stats.get("cut_down_0", 0) > 0  # answers lost after the server stored the batch
    assert sum(v for k, v in stats.items() if k.startswith("cut_")) >= TRIALS
