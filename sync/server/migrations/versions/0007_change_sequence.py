"""Change numbers without a queue: a PostgreSQL sequence and each change's transaction id (sync/server/changeseq.py).

``records.xid``: on PostgreSQL the id of the transaction that wrote the row (NULL for rows written before this
revision, and on SQLite): a pull serves a row only once every transaction older than the oldest one in flight has
ended. ``change_seq`` (PostgreSQL) hands out the numbers, starting after the counter's value; the ``counters`` row
stays the source on SQLite. ``fieldapp_take_seqs(n)`` takes the transaction's id and n numbers in one short critical
section, so that between writers xid order is seq order (docs/sync.md, "No gaps").

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# the (class, key) pairs of sync/server/changeseq.py: LOCK_CLASS, WRITERS_LOCK and NUMBERS_LOCK
_TAKE_SEQS = """
CREATE FUNCTION fieldapp_take_seqs(n integer, OUT xid bigint, OUT seqs bigint[]) LANGUAGE plpgsql AS $$
BEGIN
  -- a transaction that wrote already has an older id than its numbers: it must run alone (write_alone)
  IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
    RAISE EXCEPTION 'fieldapp_take_seqs: the transaction wrote before taking its change numbers';
  END IF;
  PERFORM pg_advisory_xact_lock_shared(1717661808, 1);
  PERFORM pg_advisory_lock(1717661808, 2);
  BEGIN
    xid := pg_current_xact_id()::text::bigint;
    seqs := ARRAY(SELECT nextval('change_seq') FROM generate_series(1, n));
  EXCEPTION WHEN OTHERS OR QUERY_CANCELED THEN
    PERFORM pg_advisory_unlock(1717661808, 2);
    RAISE;
  END;
  PERFORM pg_advisory_unlock(1717661808, 2);
END
$$
"""


def upgrade() -> None:
    with op.batch_alter_table("records") as records:
        records.add_column(sa.Column("xid", sa.BigInteger, nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE change_seq AS bigint")
        op.execute("SELECT setval('change_seq', value) FROM counters WHERE name = 'seq' AND value > 0")
        op.execute(_TAKE_SEQS)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION fieldapp_take_seqs(integer)")
        op.execute(
            "UPDATE counters SET value = (SELECT GREATEST(last_value, counters.value) FROM change_seq) "
            "WHERE name = 'seq'"
        )
        op.execute("DROP SEQUENCE change_seq")
    with op.batch_alter_table("records") as records:
        records.drop_column("xid")
