"""The server's tables (SQLAlchemy 2 declarative). Changing them needs a new Alembic revision in migrations/.

- ``users``: accounts; only the SHA-256 of each token is kept.
- ``records``: the current state of every enterprise and visit (content as JSON, deleted ones kept as tombstones);
  ``seq`` is the record's place in the global change sequence that pull pages through, ``xid`` (PostgreSQL) the
  transaction that wrote it.
- ``record_versions``: every accepted version's content, to tell which fields changed since a stale base.
- ``conflicts``: hard conflicts kept for a person to resolve.
- ``counters``: the change-sequence counter on SQLite (PostgreSQL uses the sequence ``change_seq``; see
  sync/server/changeseq.py).
- ``server_identity``: one row, the database's epoch (see sync/server/identity.py).
- ``area_wards`` and ``enterprise_assignees``: each user's area, wards and single firms (see sync/server/areas.py).
- ``targets``: the office's yearly targets (federation, ward or cadre); ``membership_changes``: every accepted change
  of an enterprise's ``union_members``, dated (see sync/server/targets.py, docs/office.md).
- ``web_sessions``: the dashboard's signed-in browsers (see sync/server/web/auth.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "SEQ_COUNTER",
    "AreaWard",
    "EnterpriseAssignee",
    "FederationSetting",
    "MembershipChange",
    "Target",
    "as_utc",
    "Base",
    "Conflict",
    "Counter",
    "Record",
    "RecordVersion",
    "ServerIdentity",
    "User",
    "WebSession",
]

SEQ_COUNTER = "seq"

JsonType = JSON().with_variant(JSONB(), "postgresql")


def as_utc(moment: datetime | None) -> datetime | None:
    """A stored timestamp with its zone: SQLite hands them back naive, and they were all written in UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    full_name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: moves whenever what the user's area holds changes: the laptop then pulls the area again from the start
    scope_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: the dashboard password (argon2id, PHC string); None: the user cannot sign in to the dashboard
    password_hash: Mapped[str | None] = mapped_column(String(200))


class Record(Base):
    __tablename__ = "records"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JsonType)
    content_hash: Mapped[str] = mapped_column(String(64))
    #: a visit's cadre (who may see and change it); None for enterprises
    owner: Mapped[str | None] = mapped_column(String(100), index=True)
    enterprise_id: Mapped[str | None] = mapped_column(String(36), index=True)
    #: an enterprise's tax code while it is not deleted (unique among them)
    tax_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    #: an enterprise's ward as ``fieldapp.core.wards.ward_key`` (None for visits): what areas are matched by
    ward_key: Mapped[str | None] = mapped_column(String(100), index=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    #: PostgreSQL: the writing transaction's id; a pull serves the row once no older transaction is in flight
    #: (None on SQLite and for rows written before migration 0007)
    xid: Mapped[int | None] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100))


class RecordVersion(Base):
    __tablename__ = "record_versions"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: None for the version that deleted the record
    content: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(100))
    device_id: Mapped[str | None] = mapped_column(String(100))


class Conflict(Base):
    __tablename__ = "conflicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    base_version: Mapped[int | None] = mapped_column(Integer)
    server_version: Mapped[int] = mapped_column(Integer)
    fields: Mapped[list[str]] = mapped_column(JsonType)
    client_content: Mapped[dict[str, Any]] = mapped_column(JsonType)
    client_hash: Mapped[str] = mapped_column(String(64))
    submitted_by: Mapped[str] = mapped_column(String(100))
    device_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolution: Mapped[str | None] = mapped_column(String(20))


class Counter(Base):
    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


class ServerIdentity(Base):
    """The database's identity: one row (id 1), made with the database (migration 0002)."""

    __tablename__ = "server_identity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: a random UUID: laptops compare it with the one they last synced with, to notice another database
    epoch: Mapped[str] = mapped_column(String(36))
    #: the backend the epoch was made on ("sqlite", "postgresql"): a copy onto another backend gets a new epoch
    backend: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AreaWard(Base):
    """A ward in a user's area (migration 0003); a ward may be in several users' areas."""

    __tablename__ = "area_wards"
    __table_args__ = (UniqueConstraint("user_id", "ward_key", name="uq_area_wards_user_ward"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id", ondelete="CASCADE"))
    #: ``fieldapp.core.wards.ward_key`` of the ward: what enterprises' wards are matched by
    ward_key: Mapped[str] = mapped_column(String(100), index=True)
    #: the ward as the admin wrote it first, for lists
    ward: Mapped[str] = mapped_column(String(100))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    assigned_by: Mapped[str] = mapped_column(String(100))


class EnterpriseAssignee(Base):
    """An enterprise assigned to one user directly, whatever its ward (a big firm)."""

    __tablename__ = "enterprise_assignees"

    enterprise_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    assigned_by: Mapped[str] = mapped_column(String(100))


class FederationSetting(Base):
    """A setting the federation shares with every laptop: ``rules`` (the rules file's text)."""

    __tablename__ = "federation_settings"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100))


class Target(Base):
    """A year's targets for the federation, a ward or a cadre (migration 0005): None where none was set."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("year", "scope_key", name="uq_targets_year_scope"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer)
    #: "federation", "ward:<ward key>" or "user:<user name>": one target row per year and scope
    scope_key: Mapped[str] = mapped_column(String(120))
    #: the ward as the admin wrote it first (None unless a ward's target)
    ward: Mapped[str | None] = mapped_column(String(100))
    ward_key: Mapped[str | None] = mapped_column(String(100))
    user_id: Mapped[int | None] = mapped_column(Integer, ForeignKey("users.id", ondelete="CASCADE"))
    new_unions: Mapped[int | None] = mapped_column(Integer)
    new_members: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100))


class MembershipChange(Base):
    """One accepted change of an enterprise's ``union_members``: what "new members" in a period add up."""

    __tablename__ = "membership_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enterprise_id: Mapped[str] = mapped_column(String(36), index=True)
    #: the day it counts on: the day the server accepted it, in Vietnam's time (UTC+7)
    counted_on: Mapped[date] = mapped_column(Date, index=True)
    #: the moment the server accepted it (UTC)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delta: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    by: Mapped[str] = mapped_column(String(100))
    #: the enterprise version's place in the change sequence
    seq: Mapped[int] = mapped_column(BigInteger)


class WebSession(Base):
    """A browser signed in to the dashboard (migration 0005); the cookie holds the value whose SHA-256 is ``id``."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: the token every POST form of this session must carry
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
