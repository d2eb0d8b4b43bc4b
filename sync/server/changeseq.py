"""The change sequence: the numbers writes take, and the horizon below which a pull may serve them.

A pull pages by ``seq > cursor``, so it must never hand out seq n+1 while seq n may still commit: the laptop's
cursor would pass n for ever. How each database keeps that (docs/sync.md, "No gaps"):

- **SQLite** has one writer at a time (``BEGIN IMMEDIATE``): numbers come from the ``counters`` row, and seq order
  is commit order already.
- **PostgreSQL** writers run side by side. Numbers come from the sequence ``change_seq`` (``nextval``: no row lock)
  and each written row keeps its transaction's id (``records.xid``). A pull serves only rows whose xid is below the
  horizon: the id of the oldest writer of records still in flight (``horizon``). Every older writer has ended, and
  none can start with a smaller id. That is gap-free only if xid order is seq order between writers, so a
  transaction takes its xid and all its numbers together, in one short critical section (a session advisory lock
  held for those two calls, not until commit: ``fieldapp_take_seqs``, migration 0007), before it writes anything. Pushes reserve their numbers first thing; office writes (deletions, assignments, conflict resolution)
  write before they know how many numbers they need, so they run alone: they hold the writers' lock exclusively
  from their start, while every push holds it shared from its reservation to its commit.

``FIELDAPP_SERVER_CHANGE_ORDER=counter`` keeps the old order as a baseline for benchmarks: every push also locks the
``counters`` row until commit, so pushes take turns (the numbers still come from the sequence, so switching is safe).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from sync.server.models import SEQ_COUNTER, Counter

__all__ = ["ENV_CHANGE_ORDER", "Numbers", "horizon", "reserve", "take", "write_alone"]

ENV_CHANGE_ORDER = "FIELDAPP_SERVER_CHANGE_ORDER"

#: advisory lock (class, key) pairs of ours; the two-int form never meets the one-bigint form of other locks
LOCK_CLASS = 1_717_661_808
WRITERS_LOCK = 1  # held shared by each push from its reservation to commit, exclusively by an office write
NUMBERS_LOCK = 2  # held by fieldapp_take_seqs only while it takes an xid and numbers

_ALONE = "fieldapp_write_alone"

_TAKE_ALONE = text(
    "SELECT pg_current_xact_id()::text::bigint, ARRAY(SELECT nextval('change_seq') FROM generate_series(1, :n))"
)
_TAKE = text("SELECT xid, seqs FROM fieldapp_take_seqs(:n)")
# The oldest of our writers in flight: each holds the writers' lock from before it has a transaction id, so it is
# listed here once it has one. pg_locks gives 32-bit ids: each is widened to the 64-bit id nearest the next one.
# Ids at or above the next one at the statement's start were not taken yet: their numbers will come later.
_HORIZON = text(
    """
    WITH next AS (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS x),
    ours AS (
        SELECT t.transactionid::text::bigint - (next.x & 4294967295) AS d
        FROM pg_locks w
        JOIN pg_locks t ON t.pid = w.pid AND t.locktype = 'transactionid' AND t.mode = 'ExclusiveLock'
        CROSS JOIN next
        WHERE w.locktype = 'advisory' AND w.granted AND w.classid = :c AND w.objid = :k AND w.objsubid = 2
          AND w.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    )
    SELECT LEAST(
        (SELECT x FROM next),
        (SELECT min((SELECT x FROM next) + CASE WHEN d > 2147483648 THEN d - 4294967296
                                                WHEN d < -2147483648 THEN d + 4294967296 ELSE d END)
         FROM ours)
    )
    """
)


@dataclass(frozen=True, slots=True)
class Numbers:
    """Sequence numbers taken for one transaction's writes, rising, and (PostgreSQL) the transaction's id."""

    xid: int | None
    seqs: list[int]


def counter_baseline() -> bool:
    """Whether pushes take turns on the counter row (the old order, kept for benchmarks)."""
    return os.environ.get(ENV_CHANGE_ORDER, "").strip().lower() == "counter"


def _postgresql(session: Session) -> bool:
    return session.connection().dialect.name == "postgresql"


def write_alone(session: Session) -> None:
    """Make this write transaction the only writer of records until it ends (office writes). Call it first."""
    if _postgresql(session):
        session.execute(text("SELECT pg_advisory_xact_lock(:c, :k)"), {"c": LOCK_CLASS, "k": WRITERS_LOCK})
        session.info[_ALONE] = True


def reserve(session: Session, count: int) -> Numbers | None:
    """On PostgreSQL, take *count* numbers for a push before it reads or writes anything (unused ones are gaps,
    which pulls pass over); None on SQLite, whose numbers are taken at the flush (``take``)."""
    if count <= 0 or not _postgresql(session):
        return None
    return take(session, count)


def take(session: Session, count: int) -> Numbers:
    """*count* new numbers for this transaction's writes."""
    if not _postgresql(session):
        # BEGIN IMMEDIATE: this transaction is the only writer, the counter row's value is the newest number
        value = int(session.execute(select(Counter.value).where(Counter.name == SEQ_COUNTER)).scalar_one())
        session.execute(update(Counter).where(Counter.name == SEQ_COUNTER).values(value=value + count))
        return Numbers(None, list(range(value + 1, value + count + 1)))
    alone = bool(session.info.get(_ALONE))
    if counter_baseline() and not alone:
        # the old order: writers take turns on the counter row until commit (its lock gives the transaction its id
        # first, which is safe here: no other writer takes numbers until this one has committed)
        session.execute(
            text("SELECT pg_advisory_xact_lock_shared(:c, :k)"), {"c": LOCK_CLASS, "k": WRITERS_LOCK}
        )
        session.execute(select(Counter.value).where(Counter.name == SEQ_COUNTER).with_for_update())
        alone = True
    statement = _TAKE_ALONE if alone else _TAKE
    xid, seqs = session.execute(statement, {"n": count}).one()
    return Numbers(int(xid), [int(s) for s in seqs])


def horizon(session: Session) -> int | None:
    """On PostgreSQL, the transaction id of the oldest writer of records still in flight (or, with none, the next
    id): changes written by transactions older than that may be served. None on SQLite (every committed change may).

    Only our writers count, not every transaction of the cluster (``pg_snapshot_xmin``): a long transaction of
    anything else, in any database of the cluster, would hold every laptop's pull back."""
    if not _postgresql(session):
        return None
    return int(session.execute(_HORIZON, {"c": LOCK_CLASS, "k": WRITERS_LOCK}).scalar_one())
