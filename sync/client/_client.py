"""SyncClient: one run pushes every pending record, then pulls; resolve() settles a sync issue."""

from __future__ import annotations

import contextlib
import random
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal, get_args

import httpx

from fieldapp.core.kinds import MODELS
from fieldapp.core.records import Record, utcnow
from sync.client import _pull, _push, _records
from sync.client._epoch import EPOCH_KEY, ServerChanged, StartOverFailed, start_over
from sync.client._errors import SyncConfigError, SyncError
from sync.client._http import DEFAULT_TIMEOUT, RetryPolicy
from sync.client._http import HttpSession as _HttpSession
from sync.client._identity import Identity, adopt_name, fetch_identity
from sync.client._models import SyncProgress, SyncSummary
from sync.client._rules import receive_rules
from sync.protocol import MAX_BODY_BYTES, MAX_PULL_PAGE, MAX_PUSH_ITEMS, Kind

if TYPE_CHECKING:
    from fieldapp.settings import Settings
    from fieldapp.store import Store

__all__ = ["LAST_SYNC_KEY", "RESOLUTIONS", "Resolution", "SyncClient"]

#: how a sync issue is settled: keep the laptop's record, or take the server's
Resolution = Literal["mine", "server"]
RESOLUTIONS: tuple[Resolution, ...] = get_args(Resolution)

#: the store meta key holding the last sync's summary (``SyncSummary.to_dict()`` plus ``at``), for the Sync screen
LAST_SYNC_KEY = "last_sync"
#: the store meta key marking a data folder made by ``fieldapp demo``: such a folder never syncs
DEMO_KEY = "demo_folder"


def who_am_i(settings: Settings, *, transport: httpx.BaseTransport | None = None) -> Identity | None:
    """Ask the server of *settings* who its token is (``GET /me``; None from a server too old to say); raises
    SyncError like a sync (SyncAuthError for a token the server refuses, SyncConfigError without server or token,
    or for plain http to another machine not allowed)."""
    server, token = (settings.server or "").strip(), (settings.token or "").strip()
    if not server or not token:
        raise SyncConfigError.missing(server=not server, token=not token)
    if settings.refuses_server():
        raise SyncConfigError("insecure_server", server=server)
    http = _HttpSession(
        server,
        token,
        verify=settings.verify_tls,
        transport=transport,
        retry=RetryPolicy(attempts=2, base=0.2, cap=1.0, total=10.0),
        cancelled=threading.Event(),
        request_deadline=min(settings.request_deadline, 15.0),
        sync_deadline=min(settings.sync_deadline, 20.0),
    )
    try:
        return fetch_identity(http)
    finally:
        http.close()


def _no_progress(_: SyncProgress) -> None:
    return None


class SyncClient:
    """Syncs one laptop store with the server named in *settings* (``server``, ``token``, ``verify_tls``,
    ``allow_insecure``, ``sync_deadline``, ``request_deadline``).

    *insecure* allows a plain-http server on another machine for this client's runs (``fieldapp sync --insecure``);
    *transport* replaces the network (tests); *retry*, *timeout*, *max_items*, *max_bytes* and *pull_limit* tune
    retries and batch sizes; *in_flight* is how many visit batches may be on the wire at once; *rng* and *sleep* (called with each retry wait, in seconds) let tests watch the waits. One sync runs at a time per client; the client may be used from a worker thread.
    """

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        max_items: int = MAX_PUSH_ITEMS,
        max_bytes: int = MAX_BODY_BYTES,
        pull_limit: int = MAX_PULL_PAGE,
        in_flight: int = 1,
        rng: random.Random | None = None,
        sleep: Callable[[float], object] | None = None,
        insecure: bool = False,
    ):
        self.store = store
        self.insecure = insecure
        self.settings = settings
        self.transport = transport
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.max_items = max_items
        self.max_bytes = max_bytes
        self.pull_limit = pull_limit
        self.in_flight = in_flight
        self._rng = rng
        self._sleep = sleep
        self._cancelled = threading.Event()
        self._running = threading.Lock()
        #: seconds per HTTP request of the last run (for benchmarks)
        self.latencies: list[float] = []

    # --- running ---------------------------------------------------------------------------------------
    def run(self, progress: Callable[[SyncProgress], None] | None = None) -> SyncSummary:
        """Push all pending records, then pull the server's changes; the summary.

        When the server is not the database the laptop last synced with (another epoch, or behind the laptop's
        cursor), the laptop starts over with it: every record is sent again and everything pulled from the start
        (``summary.server_changed`` says so, ``summary.notice(lang)`` words it).
        Raises a SyncError (with ``.summary``) when the sync could not finish; running it again is safe: SyncTooSlow
        past ``settings.request_deadline`` or ``settings.sync_deadline``, SyncCancelled after cancel().
        """
        if self.store.get_meta(
            DEMO_KEY
        ):  # invented firms and visits must never reach the federation's server
            raise SyncConfigError("demo_folder")
        server, token = self._credentials()
        if not self._running.acquire(blocking=False):
            raise SyncError("already_running")
        summary = SyncSummary(server=server)
        started = time.monotonic()
        http = self._session(server, token)
        report = progress or _no_progress
        try:
            for attempt in range(2):
                try:
                    self._round(http, summary, report)
                    break
                except ServerChanged as change:
                    # another database, or one behind the laptop: forget what the laptop knew of the server, and
                    # do the whole run again against this one (once: a second change means it keeps changing)
                    if attempt:
                        raise StartOverFailed("server_keeps_changing") from None
                    start_over(self.store, change.epoch)
                    summary = SyncSummary(server=server, server_changed=change.reason)
        except SyncError as exc:
            summary.errors.append(str(exc))
            exc.summary = summary
            raise
        finally:
            summary.seconds = time.monotonic() - started
            self.latencies = http.latencies
            http.close()
            # cleared only now: a cancel() that came before the run started (the app asked to stop while the
            # client was being made) still stops it
            self._cancelled.clear()
            self._running.release()
            self._remember(summary)
        return summary

    def _session(self, server: str, token: str) -> _HttpSession:
        return _HttpSession(
            server,
            token,
            verify=self.settings.verify_tls,
            transport=self.transport,
            timeout=self.timeout,
            retry=self.retry,
            cancelled=self._cancelled,
            rng=self._rng,
            sleep=self._sleep,
            request_deadline=self.settings.request_deadline,
            sync_deadline=self.settings.sync_deadline,
        )

    def _round(
        self, http: _HttpSession, summary: SyncSummary, report: Callable[[SyncProgress], None]
    ) -> None:
        """Who am I, push, then pull; raises ServerChanged when the server is not the database the laptop
        synced with."""
        identity = fetch_identity(http)
        adopt_name(
            self.store, self.settings.cadre, identity
        )  # visits typed under another name: the server's now
        summary.identity = identity.to_dict() if identity is not None else None
        puller = _pull.Puller(self.store, http, summary, report, limit=self.pull_limit)
        counts = self.store.counts()
        if (
            self.store.get_meta(EPOCH_KEY) is not None
            and counts["pending_enterprises"] + counts["pending_visits"] + counts["pending_founding_cases"]
        ):
            # learn who answers before sending server versions that only mean something to the database that
            # handed them out (with nothing to send, the pull finds out by itself)
            puller.probe()
        _push.Pusher(
            self.store,
            http,
            self.settings.device_id,
            summary,
            report,
            max_items=self.max_items,
            max_bytes=self.max_bytes,
            in_flight=self.in_flight,
        ).run()
        puller.run()
        summary.rules_changed = receive_rules(self.store, http)

    def cancel(self) -> None:
        """Stop a running sync (or the next one, when none is running yet), from any thread: it raises
        SyncCancelled within a fraction of a second, even while a request is waiting for the server; whatever had
        no answer yet stays pending."""
        self._cancelled.set()

    def _credentials(self) -> tuple[str, str]:
        server, token = (self.settings.server or "").strip(), (self.settings.token or "").strip()
        if not server or not token:
            raise SyncConfigError.missing(server=not server, token=not token)
        if self.settings.refuses_server(insecure=self.insecure):  # before anything is sent
            raise SyncConfigError("insecure_server", server=server)
        return server, token

    def _remember(self, summary: SyncSummary) -> None:
        # never let this bookkeeping hide the sync's own outcome
        with contextlib.suppress(Exception):
            self.store.set_meta(LAST_SYNC_KEY, {**summary.to_dict(), "at": utcnow().isoformat()})

    # --- resolving -------------------------------------------------------------------------------------
    def resolve(self, kind: Kind, record_id: str, choice: Resolution) -> Record | None:
        """Settle the sync issue of one record; the local record afterwards (None when it was deleted).

        ``mine``: keep the local record; it takes the server's current version as its base and stays pending, so
        the next push is accepted (a record the server deleted is kept as a new record, under a fresh id, with an
        enterprise's pending visits). ``server``: for a conflict, take the server's values of the conflicting
        fields only (``issue.fields``, the ones the Sync screen shows) and keep the laptop's other fields: the
        record becomes the server's when nothing else differs, else it stays pending on the server's version with
        the laptop's other edits; for a rejection or an unappliable change, the server's copy; when the server
        deleted the record, delete it. Both clear the issue.

        The record is written only if it is still as it was read (an edit saved meanwhile, from the app, is never
        overwritten): otherwise SyncError ``changed_meanwhile``, the issue is kept and the cadre chooses again.
        Raises ValueError for an unknown choice or when there is no issue (or no server copy to take) for that
        record; RecordError when the server's copy is not valid here.
        """
        if kind not in MODELS or choice not in RESOLUTIONS:
            raise ValueError(
                f"resolve: kind must be one of {'|'.join(MODELS)} and choice mine|server, not {kind}/{choice}"
            )
        issue = self.store.sync_issue(kind, record_id)
        if issue is None:
            raise ValueError(f"no sync issue for {kind} {record_id}")
        local = _records.get_record(self.store, kind, record_id)
        status = issue.status
        version = issue.server_version
        result: Record | None
        if choice == "mine":
            if local is None and status == "unappliable":  # nothing of ours to keep: drop the server's copy
                self.store.clear_sync_issue(kind, record_id)
                return None
            if local is None:
                raise ValueError(f"{kind} {record_id} is no longer on this laptop")
            if status == "deleted":
                # the server will not take the id back: keep the cadre's data as a new record (removing the old
                # one also removes its issue)
                return _records.recreate(self.store, local)
            base = version if version is not None else local.server_version
            result = local.with_meta(server_version=base, pending_since=local.pending_since or utcnow())
            if status == "conflict" and issue.server_record:
                result = _keep_merged_fields(result, issue.server_record)
            self._save_unchanged(kind, result, local)
        elif status == "deleted":
            if local is not None:
                self.store.delete_record(kind, record_id)
            result = None
        else:
            content = issue.server_record
            if not content:
                raise ValueError(f"the server holds no copy of {kind} {record_id}: edit the record instead")
            result = _records.server_copy(kind, dict(content), version, local)
            if local is not None and issue.fields and status == "conflict":
                # the server's values for the fields shown in the conflict, the laptop's for every other field:
                # nothing the cadre did not see changes (their other edits stay, pending, to be sent)
                taken = {**local.content(), **{f: content[f] for f in issue.fields if f in content}}
                if type(local).parse({**local.to_doc(), **taken}).content_hash != result.content_hash:
                    result = type(local).parse(
                        {**local.to_doc(), **taken, "server_version": version,
                         "pending_since": local.pending_since or utcnow(), "updated_at": utcnow()}
                    )  # fmt: skip
            self._save_unchanged(kind, result, local)
        self.store.clear_sync_issue(kind, record_id)
        return result

    def _save_unchanged(self, kind: Kind, record: Record, read: Record | None) -> None:
        """Save *record* only if the stored one is still *read* (same revision; None: still absent), checked and
        written in one step by the store."""
        expected = read.rev if read is not None else None
        if not self.store.compare_and_save([(record, expected)], allow_pending=True):
            raise SyncError("changed_meanwhile", kind=kind, id=record.id)


def _keep_merged_fields(mine: Record, server: Mapping[str, Any]) -> Record:
    """*mine* with the server's side of each field the kind merges itself (a founding case's history: both sides'
    corrections kept), so keeping "mine" sends nothing of the server's version back out of the record."""
    content = mine.content()
    taken = {}
    for name in type(mine).CONTENT_FIELDS:
        if name in server and server[name] != content[name]:
            merges, value = type(mine).merge_field(name, None, content[name], server[name])
            if merges:
                taken[name] = value
    return mine.edit(**taken) if taken else mine
