"""Response and request models of the server-only endpoints (listings, deletion, conflicts).

The push/pull wire contract shared with the laptop is sync.protocol; these are for the office and admin tools.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from sync.protocol import Kind

__all__ = [
    "AreaOut",
    "AssignedEnterpriseOut",
    "AssigneeRequest",
    "Me",
    "WardsRequest",
    "ConflictOut",
    "ConflictPage",
    "DeleteResult",
    "RecordOut",
    "RecordPage",
    "ResolveRequest",
    "VersionOut",
    "VersionPage",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RecordOut(_Model):
    kind: Kind
    id: str
    server_version: int
    #: content fields, as on the laptop
    record: dict[str, Any]


class RecordPage(_Model):
    items: list[RecordOut]
    offset: int
    limit: int
    total: int
    #: the offset of the next page; None on the last page
    next_offset: int | None


class VersionOut(_Model):
    """One version of a record as the server keeps it."""

    version: int
    #: content fields; None for the version that deleted the record
    record: dict[str, Any] | None
    created_at: datetime
    #: the user whose push (or admin action) made it
    created_by: str
    device_id: str | None


class VersionPage(_Model):
    """Every version the server keeps of one record, oldest first."""

    kind: Kind
    id: str
    items: list[VersionOut]


class DeleteResult(_Model):
    kind: Kind
    id: str
    server_version: int
    #: visits of the enterprise deleted with it
    deleted_visits: int
    #: founding cases of the enterprise deleted with it
    deleted_founding_cases: int = 0


class ConflictOut(_Model):
    id: int
    kind: Kind
    record_id: str
    base_version: int | None
    server_version: int
    #: the fields both sides changed
    fields: list[str]
    #: what the laptop sent
    client_record: dict[str, Any]
    #: what the server holds now (None when the record has been deleted since)
    server_record: dict[str, Any] | None
    submitted_by: str
    created_at: datetime
    resolved_at: datetime | None
    #: who settled it (an admin here, or the cadre whose laptop pushed its version on top: resolution "client")
    resolved_by: str | None = None
    resolution: str | None


class ConflictPage(_Model):
    items: list[ConflictOut]


class ResolveRequest(_Model):
    #: "server": keep the server's version; "client": store what the laptop sent; "edit": store ``record``
    resolution: Literal["server", "client", "edit"]
    record: dict[str, Any] | None = None


class AssignedEnterpriseOut(_Model):
    id: str
    tax_code: str | None
    name: str


class AreaOut(_Model):
    user: str
    full_name: str | None
    #: wards as the admin first wrote them; matched as the laptop folds text
    wards: list[str]
    #: enterprises assigned to the user directly, whatever their ward
    enterprises: list[AssignedEnterpriseOut]


class Me(_Model):
    """Who the token belongs to: the name visits carry, the name screens show, the role and the area."""

    name: str
    full_name: str | None
    role: Literal["admin", "cadre", "viewer"]
    #: None for admins and viewers, who see the whole federation
    area: AreaOut | None


class WardsRequest(_Model):
    wards: list[str] = Field(min_length=1, max_length=500)


class AssigneeRequest(_Model):
    user: str = Field(min_length=1, max_length=100)
