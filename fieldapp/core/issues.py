"""Sync issues: a record a sync could not settle by itself, kept on the laptop until a person settles it.

The sync client files them, the store keeps them (``Store.sync_issues()``), the Sync screen and ``fieldapp sync``
show them; their status names and their one-line description are worded here, once, for all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from fieldapp.core.i18n import NC_, Lang, translate
from fieldapp.core.kinds import Kind
from fieldapp.core.labels import field_label
from fieldapp.core.records import utcnow

__all__ = ["ISSUE_STATUSES", "FieldError", "IssueStatus", "SyncIssue", "kind_name"]

IssueStatus = Literal["conflict", "rejected", "deleted", "unappliable"]
#: status -> its name (context "sync issue")
ISSUE_STATUSES: dict[str, str] = {
    # the server kept another version: a person chooses (hard), or it merged both (soft: filed only when the
    # merge cannot be stored here)
    "conflict": NC_("sync issue", "conflict"),
    # the server refused the record (its errors say why); it stays pending
    "rejected": NC_("sync issue", "rejected"),
    # the server deleted a record that has local changes
    "deleted": NC_("sync issue", "deleted on the server"),
    # a change pulled from the server could not be stored here
    "unappliable": NC_("sync issue", "cannot apply"),
}
_KIND_NAMES: dict[str, str] = {
    "enterprise": NC_("record kind", "enterprise"),
    "visit": NC_("record kind", "visit"),
    "founding_case": NC_("record kind", "founding case"),
}


def kind_name(kind: str, lang: Lang) -> str:
    """The name of a kind of record, e.g. ``lần thăm`` / ``visit`` (the kind itself when it has none)."""
    msgid = _KIND_NAMES.get(kind)
    return kind if msgid is None else translate(msgid, lang, "record kind")


class FieldError(BaseModel):
    """One field the server (or this laptop) found at fault, worded in both languages (``FieldProblem``)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    field: str = ""
    code: str = ""
    vi: str = ""
    en: str = ""

    def message(self, lang: Lang) -> str:
        """The message in *lang* (the other language's, or the code, when that one is missing)."""
        return (self.vi if lang == "vi" else self.en) or self.en or self.vi or self.code


class SyncIssue(BaseModel):
    """One record's unsettled sync outcome."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: Kind
    id: str
    status: IssueStatus
    #: for conflicts: ``hard`` (a person decides) or ``soft``
    conflict: Literal["soft", "hard"] | None = None
    #: the fields at stake: both sides changed them (conflict), or the server refused them (rejected)
    fields: tuple[str, ...] = ()
    #: the local revision that was sent
    rev: int | None = None
    #: the record as the server holds it (its content fields), when the server sent it
    server_record: Mapping[str, Any] | None = None
    server_version: int | None = None
    errors: tuple[FieldError, ...] = ()
    #: when it was filed (UTC, ISO 8601)
    at: str = Field(default_factory=lambda: utcnow().isoformat())

    @property
    def key(self) -> tuple[Kind, str]:
        return (self.kind, self.id)

    def status_label(self, lang: Lang) -> str:
        """What kind of issue it is, e.g. ``xung đột`` / ``conflict``."""
        return translate(ISSUE_STATUSES[self.status], lang, "sync issue")

    def kind_label(self, lang: Lang) -> str:
        """The kind of record, e.g. ``lần thăm`` / ``visit``."""
        return kind_name(self.kind, lang)

    def describe(self, lang: Lang) -> str:
        """What is wrong, field by field, in *lang* (empty when nothing more than the status is known)."""
        texts = []
        for error in self.errors:
            message = error.message(lang)
            texts.append(f"{field_label(error.field, lang)}: {message}" if error.field else message)
        if not texts and self.fields:
            texts.append(", ".join(field_label(name, lang) for name in self.fields))
        return "; ".join(texts)

    def to_doc(self) -> dict[str, Any]:
        """JSON-ready (what the store keeps and ``fieldapp sync --json`` prints)."""
        return self.model_dump(mode="json")

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> SyncIssue:
        """An issue from what ``to_doc`` gave (raises pydantic's ValidationError on anything else)."""
        return cls.model_validate(doc)
