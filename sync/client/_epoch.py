"""Which database the laptop syncs with, and starting over when it is another one.

The pull cursor and each record's ``server_version`` are places in one server database's history. The laptop
remembers that database's epoch (``EPOCH_KEY``, from the pull pages). When the server answers with another epoch
(another server, a new database, a move between SQLite and PostgreSQL), or says the cursor is beyond its newest
change (``cursor_ahead``: a database restored from a backup), nothing the laptop knows about the server holds
there any more, and it starts over (``start_over``): every record pending again with no server version, sync issues
(which hold the old server's copies) cleared, the cursor back to 0. The run then pushes everything (the new server
answers ``duplicate`` for what it already has) and pulls from 0. Nothing local is lost: only bookkeeping changes.

Every step is safe to cut short: the new epoch is written last, so an interrupted start-over is found again and
redone by the next run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar, Literal

from fieldapp.core.i18n import N_
from fieldapp.core.records import Record, utcnow
from sync.client._errors import SyncError

if TYPE_CHECKING:
    from fieldapp.store import Store

__all__ = [
    "CURSOR_KEY",
    "EPOCH_KEY",
    "ServerChange",
    "ServerChanged",
    "StartOverFailed",
    "adopt_or_check",
    "start_over",
]

#: the store meta key holding the last cursor whose changes are all applied
CURSOR_KEY = "pull_cursor"
#: the store meta key holding the epoch of the server database this laptop last synced with
EPOCH_KEY = "server_epoch"
#: why the laptop started over: another database answered, or the server is behind the laptop's cursor
ServerChange = Literal["other_server", "server_behind"]
# rounds of re-reading records edited (from the app) while they were being reset
_RESET_TRIES = 10


class StartOverFailed(SyncError):
    """Starting over with a new server could not finish; running the sync again does it again."""

    MESSAGES: ClassVar[Mapping[str, str]] = {
        "server_keeps_changing": N_(
            "Another database answered again while this laptop was starting over with a new one. Nothing on "
            "this laptop was lost; sync again later, and tell the office if this happens again."
        ),
        "records_keep_changing": N_(
            "Records on this laptop kept changing while the sync was starting over with a new server. Nothing "
            "was lost; sync again."
        ),
    }


class ServerChanged(Exception):
    """Raised inside a run when the server is not the one the laptop synced with; SyncClient.run starts over.

    Never leaves SyncClient.run.
    """

    def __init__(self, reason: ServerChange, epoch: str | None) -> None:
        super().__init__(reason)
        self.reason: ServerChange = reason
        #: the new server's epoch when it is known (a ``cursor_ahead`` answer does not carry one)
        self.epoch = epoch


def adopt_or_check(store: Store, epoch: str) -> None:
    """Remember *epoch* when no epoch is known yet; raise ServerChanged when another one is known.

    A laptop that synced before servers had epochs knows none: it takes the first one it sees (the cursor check,
    ``cursor_ahead``, still catches a server that went back).
    """
    known = store.get_meta(EPOCH_KEY)
    if known is None:
        store.set_meta(EPOCH_KEY, epoch)
    elif known != epoch:
        raise ServerChanged("other_server", epoch)


def start_over(store: Store, epoch: str | None) -> int:
    """Forget everything the laptop knew about the server (see the module docstring); the number of records
    made pending again. *epoch*: the new server's, or None to take the one of the next pull page."""
    now = utcnow()
    marked = 0
    for _ in range(_RESET_TRIES):
        records: list[Record] = [*store.enterprises(), *store.visits(), *store.founding_cases()]
        stale = [
            (r.with_meta(server_version=None, pending_since=r.pending_since or now), r.rev)
            for r in records
            if r.server_version is not None or not r.pending
        ]
        # each record written only if it is still at the revision read (an edit saved meanwhile from the app is
        # kept, and read again in the next round)
        saved = store.compare_and_save(stale, allow_pending=True) if stale else []
        marked += len(saved)
        if len(saved) == len(stale):
            break
    else:
        raise StartOverFailed("records_keep_changing")
    for issue in store.sync_issues():  # they hold the old server's copies and versions
        store.clear_sync_issue(issue.kind, issue.id)
    store.set_meta(CURSOR_KEY, 0)
    store.set_meta(EPOCH_KEY, epoch)
    return marked
