"""The pull-gap race on PostgreSQL, forced with two explicit write transactions (no threads, no sleeps).

Writer A takes seq n and stays open; writer B takes n+1 and commits. A pull must not hand out n+1 with a cursor
that passes n: once A commits, n would never be pulled. The naive feed (the sequence without the horizon) does
exactly that, which the baseline test shows. Also: two pushes are inside their writes at the same moment (none
waits for the other), where the counter-row order (``FIELDAPP_SERVER_CHANGE_ORDER=counter``) makes the second
wait for the first.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from server_helpers import AppServer, enterprise
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from sync.protocol import PullResponse, PushItem
from sync.server.changeseq import ENV_CHANGE_ORDER
from sync.server.db import make_engine, read_session, write_session
from sync.server.push import apply_in_session
from sync.server.queries import changes
from sync.server.users import UserInfo

OFFICE = UserInfo("office", "admin", None, datetime(2026, 12, 3, tzinfo=UTC), None)


# PostgreSQL only: SQLite has one writer at a time, so neither the race nor two writes at once can happen there
pytestmark = pytest.mark.parametrize("db_backend", ["postgresql"])


@pytest.fixture
def pg_engine(migrated_url: str) -> Iterator[Engine]:
    """An engine on a fresh migrated PostgreSQL database."""
    engine = make_engine(migrated_url)
    yield engine
    engine.dispose()


def _push(session, record: dict) -> None:  # type: ignore[no-untyped-def,type-arg]
    item = PushItem(kind="enterprise", id=record["id"], rev=1, base_version=None, record=record)
    [result] = apply_in_session(session, OFFICE, "laptop", [item])
    assert result.status == "accepted", result


def _pull(engine: Engine, since: int, naive: bool) -> PullResponse:
    with read_session(engine) as session:
        return changes(session, OFFICE, since, 100, naive=naive)


def _race(engine: Engine, naive: bool) -> tuple[dict[str, int], PullResponse, PullResponse]:
    """A takes its number and stays open, B takes the next and commits, a pull; A commits, a pull from the first
    pull's cursor. Returns each writer's seq and the two pages."""
    a, b = enterprise(), enterprise()
    with contextlib.ExitStack() as open_a:
        session_a = open_a.enter_context(write_session(engine))
        _push(session_a, a)
        with write_session(engine) as session_b:
            _push(session_b, b)
        first = _pull(engine, 0, naive)
    second = _pull(engine, first.next_cursor, naive)
    with read_session(engine) as session:
        seqs = dict(session.execute(text("SELECT id, seq FROM records")).tuples().all())
    assert seqs[a["id"]] < seqs[b["id"]], "A took its number first"
    return {"a": seqs[a["id"]], "b": seqs[b["id"]]}, first, second


def test_a_pull_never_passes_a_change_still_to_commit(pg_engine: Engine) -> None:
    seq, first, second = _race(pg_engine, naive=False)
    assert first.changes == [] and first.next_cursor < seq["a"], "B is held back while A may still commit"
    assert first.head < seq["a"]
    assert [c.seq for c in second.changes] == [seq["a"], seq["b"]], "both come once A has committed"
    assert second.next_cursor == second.head == seq["b"]


def test_baseline_the_naive_sequence_passes_over_a_change_still_to_commit(pg_engine: Engine) -> None:
    """Without the horizon the race loses A for good: what the horizon is for."""
    seq, first, second = _race(pg_engine, naive=True)
    assert [c.seq for c in first.changes] == [seq["b"]] and first.next_cursor == seq["b"] > seq["a"]
    assert second.changes == [], "A committed below the cursor: never pulled"


def test_asked_for_the_last_page_lists_what_the_horizon_holds_back(
    pg_engine: Engine, migrated_url: str
) -> None:
    """``held=true``: the records of the view beyond the pull's cursor, on its last page only; never unasked (a
    laptop of protocol 4 refuses a key it does not know)."""
    app = AppServer(migrated_url)
    try:
        office = app.api("admin")
        a, b = enterprise(), enterprise()
        with write_session(pg_engine) as session_a:
            _push(session_a, a)
            with write_session(pg_engine) as session_b:
                _push(session_b, b)
            plain = office.http.get("/api/v1/changes", params={"since": 0}).json()
            asked = office.http.get("/api/v1/changes", params={"since": 0, "held": "true"}).json()
        after = office.http.get("/api/v1/changes", params={"since": 0, "held": "true"}).json()
        first_of_two = office.http.get(
            "/api/v1/changes", params={"since": 0, "held": "true", "limit": 1}
        ).json()
    finally:
        app.close()
    assert set(plain) == {"changes", "next_cursor", "has_more", "epoch", "head", "scope"}
    assert plain["changes"] == [] and "held" not in plain
    assert asked["changes"] == [] and asked["held"] == [{"kind": "enterprise", "id": b["id"]}]
    assert [c["id"] for c in after["changes"]] == [a["id"], b["id"]] and after["held"] == []
    assert first_of_two["has_more"] and "held" not in first_of_two, "held is said on the last page only"


def test_two_pushes_are_inside_their_writes_at_once(pg_engine: Engine) -> None:
    first, second = enterprise(), enterprise()
    with write_session(pg_engine) as session_a:
        _push(session_a, first)  # stored, not committed
        with write_session(pg_engine) as session_b:
            _push(session_b, second)  # does not wait for A: B commits while A is open
        with read_session(pg_engine) as reader:
            assert reader.execute(text("SELECT count(*) FROM records")).scalar_one() == 1
    with read_session(pg_engine) as reader:
        assert reader.execute(text("SELECT count(*) FROM records")).scalar_one() == 2


def test_baseline_the_counter_row_makes_the_second_push_wait(
    pg_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_CHANGE_ORDER, "counter")
    with write_session(pg_engine) as session_a:
        _push(session_a, enterprise())
        with pytest.raises(OperationalError, match="lock timeout"), write_session(pg_engine) as session_b:
            # B would wait for A's commit: give up at once instead of hanging the test
            session_b.execute(text("SET LOCAL lock_timeout = '100ms'"))
            _push(session_b, enterprise())
