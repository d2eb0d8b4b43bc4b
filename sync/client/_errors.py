"""The sync client's exceptions, each carrying its message in Vietnamese and in English.

SyncError                  anything that stopped a sync; ``.message(lang)``, ``.summary`` (work done so far)
├── SyncConfigError        no server or no token configured
├── SyncAuthError          the server refused the token (401) or the action (403)
├── SyncNetworkError       the server could not be reached; gave up after the retries
├── SyncProtocolError      the server answered something the client cannot read, or an unexpected 4xx
└── SyncCancelled          SyncClient.cancel() was called while the sync ran
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fieldapp.core.labels import Lang

if TYPE_CHECKING:
    from sync.client._models import SyncSummary

__all__ = [
    "SyncAuthError",
    "SyncCancelled",
    "SyncConfigError",
    "SyncError",
    "SyncNetworkError",
    "SyncProtocolError",
]


class SyncError(Exception):
    """A sync could not finish. Records not yet acknowledged stay pending; running the sync again is safe."""

    def __init__(self, vi: str, en: str, *, summary: SyncSummary | None = None):
        super().__init__(en)
        self.vi = vi
        self.en = en
        #: what the sync had done before it stopped (None when it never started)
        self.summary = summary
        #: for refusals: the server's error code and field problems (``{"field", "code", "vi", "en"}`` dicts)
        self.code: str = ""
        self.problems: list[dict[str, Any]] = []

    def message(self, lang: Lang = "vi") -> str:
        """The message in *lang*."""
        return self.vi if lang == "vi" else self.en


class SyncConfigError(SyncError):
    """No server address or no token in the settings."""


class SyncAuthError(SyncError):
    """The server answered 401 (no, wrong or revoked token) or 403 (not allowed)."""

    def __init__(self, vi: str, en: str, *, status_code: int, summary: SyncSummary | None = None):
        super().__init__(vi, en, summary=summary)
        self.status_code = status_code


class SyncNetworkError(SyncError):
    """Connection errors, timeouts, 429 or 5xx answers went on past the retry budget."""


class SyncProtocolError(SyncError):
    """The server's answer could not be understood, or it refused the request with an unexpected 4xx."""

    def __init__(
        self, vi: str, en: str, *, status_code: int | None = None, summary: SyncSummary | None = None
    ):
        super().__init__(vi, en, summary=summary)
        self.status_code = status_code


class SyncCancelled(SyncError):
    """The sync was cancelled (the app is closing, or the user pressed stop)."""
