"""What a sync reports: live progress and the final summary."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = ["SyncProgress", "SyncSummary"]


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """One progress report: *done* of *total* records pushed, or *done* changes pulled (total unknown)."""

    phase: Literal["push", "pull"]
    done: int
    total: int | None


@dataclass(slots=True)
class SyncSummary:
    """The outcome of one ``SyncClient.run``: counts per result, and what went wrong."""

    #: records sent (pending at the start of the sync)
    pushed: int = 0
    accepted: int = 0
    duplicates: int = 0
    #: soft and hard conflicts together
    conflicts: int = 0
    #: the soft conflicts among them, merged automatically by the server and taken by the laptop (nothing left
    #: for a person; they count as settled for ``ok``)
    merged: int = 0
    rejected: int = 0
    #: server changes applied to the laptop store
    pulled: int = 0
    #: records sent whose answer never arrived (a network failure stopped the sync)
    unanswered: int = 0
    #: server changes the laptop could not apply (kept as sync issues)
    pull_failed: int = 0
    #: what stopped the sync or went wrong, in English (the CLI and TUI translate via the exception)
    errors: list[str] = field(default_factory=list)
    server: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when every pending record was accepted, a duplicate or merged automatically (a soft conflict:
        nothing is left for a person) and nothing went wrong."""
        settled = self.accepted + self.duplicates + self.merged
        return settled == self.pushed and not self.errors and not self.pull_failed

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data (the ``fieldapp sync --json`` output)."""
        data = asdict(self)
        data["ok"] = self.ok
        data["seconds"] = round(self.seconds, 3)
        return data
