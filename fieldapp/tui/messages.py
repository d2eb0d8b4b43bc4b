"""The app's messages: what workers report from their threads, and what the app tells its screens.

Workers never touch widgets or app state from their threads: they post one of these (``post_message`` is
thread-safe) and a handler on the app's thread does the rest. A worker's failure is not a message: it raises, and
the one ``Worker.StateChanged`` handler of its screen (``screens/base.py``) or of the app says why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

from fieldapp.core.records import Record

if TYPE_CHECKING:
    from fieldapp.settings import Settings
    from sync.client import SyncProgress, SyncSummary

__all__ = [
    "DataChanged",
    "IndexLoaded",
    "IndexUpdated",
    "RecordSaved",
    "SyncFinished",
    "SyncProgressed",
    "TokenChecked",
]


class DataChanged(Message, bubble=False):
    """App -> every screen of every mode: the index changed (loaded, or one enterprise); screens showing data
    refresh. *enterprise_id* is None when everything may have changed."""

    def __init__(self, enterprise_id: str | None) -> None:
        self.enterprise_id = enterprise_id
        super().__init__()


class IndexLoaded(Message, bubble=False):
    """Worker -> app: every enterprise was read and classified again; *pending* records wait to be synced."""

    def __init__(self, pending: int) -> None:
        self.pending = pending
        super().__init__()


class IndexUpdated(Message, bubble=False):
    """Worker -> app: one enterprise was classified again after a save; *pending* records wait to be synced."""

    def __init__(self, enterprise_id: str, pending: int) -> None:
        self.enterprise_id = enterprise_id
        self.pending = pending
        super().__init__()


class RecordSaved(Message, bubble=False):
    """Worker -> its screen: *record* is on disk and enterprise *enterprise_id* is classified again."""

    def __init__(self, record: Record, enterprise_id: str) -> None:
        self.record = record
        self.enterprise_id = enterprise_id
        super().__init__()


class SyncProgressed(Message, bubble=False):
    """Sync worker -> the Sync screen: how far the push or the pull got."""

    def __init__(self, progress: SyncProgress) -> None:
        self.progress = progress
        super().__init__()


class SyncFinished(Message, bubble=False):
    """Sync worker -> the Sync screen: the sync ran to its end (with or without problems)."""

    def __init__(self, summary: SyncSummary) -> None:
        self.summary = summary
        super().__init__()


class TokenChecked(Message, bubble=False):
    """Worker -> the Settings screen: the server was asked who a new token is.

    *identity* is ``Identity.to_dict()`` when it said; *refused* the server's refusal (nothing is saved),
    *unreachable* why it could not be asked (the token is kept: the next sync asks)."""

    def __init__(
        self,
        settings: Settings,
        identity: dict[str, Any] | None,
        *,
        refused: str | None = None,
        unreachable: str | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.identity = identity
        self.refused = refused
        self.unreachable = unreachable
