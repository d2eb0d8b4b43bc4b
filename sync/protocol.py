"""Wire models shared by the client and the server (JSON over HTTP, under ``/api/v1``).

Semantics (see docs/sync.md):
- push: ``POST /api/v1/push`` with a PushRequest (gzip allowed); one ItemResult per item, in order.
  ``accepted``: stored as a new version; ``duplicate``: the server already holds this id with this content (a resend);
  ``conflict``: the item's base version is stale and its content differs: ``soft`` when the fields it changed do not
  overlap the server's changes (merged: ``record`` holds the merged result, which the server now stores), ``hard`` when
  they do (the server keeps its version and files a conflict for a person to resolve; ``record`` holds the server's
  version); ``rejected``: invalid or not allowed, with ``errors`` naming the fields. One bad item never sinks the batch.
- pull: ``GET /api/v1/changes?since=CURSOR&limit=N&kinds=K1,K2`` returns the changes after CURSOR to records of
  those kinds (without ``kinds``: ``PROTOCOL_3_KINDS``, what a laptop before founding cases can read) in sequence
  order, including deletions; the client stores ``next_cursor`` only after applying the page, and asks again while ``has_more``.
  Every page names the database (``epoch``) and its newest sequence number (``head``); a CURSOR beyond ``head`` is
  answered 409 ``cursor_ahead`` (a database restored from a backup, or another server). Either way the laptop's
  cursor and server versions mean nothing there: it starts over (docs/sync.md, "Another server").
  With ``held=true`` the last page also lists (``held``) the records of the user's view it could not serve yet, so
  a laptop that completes a new area drops only what the server says is outside it (docs/sync.md, "Areas").
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from fieldapp.core.kinds import Kind

__all__ = [
    "API_PREFIX",
    "CURSOR_AHEAD",
    "MAX_BODY_BYTES",
    "MAX_CURSOR",
    "MAX_PULL_PAGE",
    "MAX_PUSH_ITEMS",
    "PROTOCOL_3_KINDS",
    "PROTOCOL_VERSION",
    "Change",
    "ErrorBody",
    "ErrorDetail",
    "FieldProblem",
    "Health",
    "ItemResult",
    "Kind",
    "PullResponse",
    "PushItem",
    "PushRequest",
    "PushResponse",
    "RecordRef",
]

#: 2: pull pages and /health carry the database's ``epoch``, pull pages its ``head``; 409 ``cursor_ahead``
#: 3: pull pages carry the user's ``scope`` (areas: a cadre pulls their area); ``out_of_area`` rejections
#: 4: the ``founding_case`` kind; a pull names the kinds it reads (``kinds``), and one that names none is answered
#:    with PROTOCOL_3_KINDS only (a laptop of protocol 3 would refuse the whole page for a kind it does not know)
#: 5: a pull may ask for ``held=true``: its last page then lists in ``held`` the records of the user's view not
#:    served yet (written by a transaction still ahead of the horizon, docs/sync.md "No gaps"); a pull that does
#:    not ask gets no ``held`` key (a laptop of protocol 4 refuses a key it does not know)
PROTOCOL_VERSION = 5
#: the kinds a pull that names none gets
PROTOCOL_3_KINDS: tuple[Kind, ...] = ("enterprise", "visit")
API_PREFIX = "/api/v1"
#: most items in one push request; a larger batch is refused with 413 and the client splits its batches to fit
MAX_PUSH_ITEMS = 1000
#: most bytes of one (uncompressed) request body
MAX_BODY_BYTES = 8 * 1024 * 1024
#: most changes in one pull page
MAX_PULL_PAGE = 1000
#: the largest cursor (change sequence number) there can be: a page naming a larger one is not the protocol
MAX_CURSOR = 2**62
#: the error code of a pull whose ``since`` is beyond the server's newest sequence number (409)
CURSOR_AHEAD = "cursor_ahead"

ResultStatus = Literal["accepted", "duplicate", "conflict", "rejected"]


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldProblem(_Wire):
    """One field at fault, in both languages (from fieldapp.core.errors.Problem.as_dict)."""

    field: str
    code: str
    vi: str
    en: str


class PushItem(_Wire):
    kind: Kind
    id: str
    #: the laptop's local revision of the record, echoed back in the result
    rev: int = Field(ge=1)
    #: the server version this edit starts from; None when the server has never seen the record
    base_version: int | None = Field(default=None, ge=1)
    #: the record's content fields (``MODELS[kind].CONTENT_FIELDS``), same names as on the laptop
    record: dict[str, Any]


class PushRequest(_Wire):
    device_id: str = Field(min_length=1, max_length=100)
    items: list[PushItem] = Field(max_length=MAX_PUSH_ITEMS)


class ItemResult(_Wire):
    kind: Kind
    id: str
    rev: int
    status: ResultStatus
    #: the server's version of the record after this item (None when rejected before anything was stored)
    server_version: int | None = None
    conflict: Literal["soft", "hard"] | None = None
    #: for conflicts: the fields both sides changed (hard) or the fields merged (soft)
    conflict_fields: list[str] = Field(default_factory=list)
    #: for conflicts: the record as the server now holds it (content fields)
    record: dict[str, Any] | None = None
    errors: list[FieldProblem] = Field(default_factory=list)


class PushResponse(_Wire):
    results: list[ItemResult]


class Change(_Wire):
    seq: int
    kind: Kind
    id: str
    op: Literal["upsert", "delete"]
    server_version: int | None = None
    #: content fields for an upsert; None for a delete
    record: dict[str, Any] | None = None


class RecordRef(_Wire):
    kind: Kind
    id: str


class PullResponse(_Wire):
    changes: list[Change]
    next_cursor: int = Field(ge=0, le=MAX_CURSOR)
    has_more: bool
    #: the database's identity (a UUID made with it): another epoch is another database
    epoch: str = Field(min_length=1, max_length=64)
    #: the newest sequence number in the database (any user's): ``next_cursor`` is never beyond it
    head: int = Field(ge=0, le=MAX_CURSOR)
    #: what this user's pull covers ("all", or their area at one moment): when it changes, the laptop pulls again
    #: from 0 and drops the records that are no longer in it (unless they hold unsent work)
    scope: str = Field(default="all", min_length=1, max_length=100)
    #: asked for (``held=true``), on the last page only: the records of the user's view beyond ``next_cursor`` at
    #: the end of the pull (changes written behind a transaction still in flight, served by a later pull). A
    #: laptop completing a new scope keeps these, whatever the pages brought; absent when not asked for
    held: list[RecordRef] | None = None


class ErrorDetail(_Wire):
    code: str
    message: str
    errors: list[FieldProblem] = Field(default_factory=list)


class ErrorBody(_Wire):
    """Every error response: ``{"error": {"code": "...", "message": "...", "errors": [...]}}``."""

    error: ErrorDetail


class Health(_Wire):
    status: Literal["ok"] = "ok"
    version: str
    protocol: int = PROTOCOL_VERSION
    database: str
    #: the database's identity, as on every pull page
    epoch: str
