"""What a sync reports: live progress and the final summary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Literal

from fieldapp.core.i18n import N_, Lang, gettext

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
    #: records removed from the laptop because they left the user's area (none holding unsent work)
    left_area: int = 0
    #: the federation's rules changed with this sync (the laptop now classifies with the new ones)
    rules_changed: bool = False
    #: who the token is, as the server said at the start of this sync (``Identity.to_dict()``)
    identity: dict[str, Any] | None = None
    #: what stopped the sync or went wrong, in English (the CLI and TUI translate via the exception)
    errors: list[str] = field(default_factory=list)
    server: str = ""
    seconds: float = 0.0
    #: set when this run found a server database other than the one the laptop synced with and started over
    #: (every record sent again, the server's records pulled from the start): ``"other_server"`` (another
    #: epoch: another server or a new database) or ``"server_behind"`` (the server is behind the laptop's
    #: cursor: restored from a backup). Worded by ``notice()`` / ``server_change_notice()``.
    server_changed: Literal["other_server", "server_behind"] | None = None

    #: server_changed -> what to tell the user (English templates; translated where shown)
    SERVER_CHANGES: ClassVar[Mapping[str, str]] = {
        "other_server": N_(
            "The server's database is not the one this laptop last synced with (another server, or a new "
            "database). This laptop started over with it: every record on this laptop was sent again and the "
            "server's records were fetched from the start. Nothing on this laptop was lost."
        ),
        "server_behind": N_(
            "The server is behind this laptop (its database was probably restored from a backup). This laptop "
            "started over with it: every record on this laptop was sent again, so the server has them back, "
            "and the server's records were fetched from the start. Nothing on this laptop was lost."
        ),
    }

    @property
    def ok(self) -> bool:
        """True when every pending record was accepted, a duplicate or merged automatically (a soft conflict:
        nothing is left for a person) and nothing went wrong."""
        settled = self.accepted + self.duplicates + self.merged
        return settled == self.pushed and not self.errors and not self.pull_failed

    def notice(self, lang: Lang = "vi") -> str | None:
        """What to tell the user about the server beyond the counts (it changed), in *lang*; None: nothing."""
        return self.server_change_notice(self.server_changed, lang)

    @classmethod
    def server_change_notice(cls, server_changed: str | None, lang: Lang = "vi") -> str | None:
        """The words for a ``server_changed`` value (as kept in ``to_dict()``, e.g. the stored last sync)."""
        template = cls.SERVER_CHANGES.get(server_changed or "")
        return gettext(template, lang) if template else None

    def to_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data (the ``fieldapp sync --json`` output)."""
        data = asdict(self)
        data["ok"] = self.ok
        data["seconds"] = round(self.seconds, 3)
        return data
