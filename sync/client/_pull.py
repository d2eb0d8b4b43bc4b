"""Pull: the server's changes after the stored cursor, page by page, each page applied before the cursor moves.

A record with local changes is never overwritten or deleted by a pull: it stays as it is, and the next push lets the
server report the conflict (or, for a deletion, the Sync screen asks the cadre). A visit or a founding case can
arrive before its enterprise (the enterprise changed later, so it sits further on in the feed): such records wait
for the following pages, and the stored cursor does not move past them until they are applied.

The laptop names the kinds it pulls (``kinds``: every kind of ``fieldapp.core.kinds``); a server answers a pull
that names none with the kinds of protocol 3 only (enterprises and visits), so a laptop that predates a kind is
never handed a record it cannot read. When the laptop's kinds are not the ones of its last complete pull (it was
updated and knows a new kind), it pulls from 0 once, as for a new scope, to get the records it skipped before.

Each page names the user's scope (the server's "all", or a cadre's area at one moment, see docs/sync.md). When it
is not the scope the laptop last pulled completely, the area changed: the pull starts from 0, and once the whole
area has arrived, the records the server no longer hands this user are removed from the laptop, except those
holding unsent work (pending records, and enterprises with a pending visit), which stay until they are sent. The
scope is stored last, so a pull cut short is redone whole by the next sync. Such a pull asks the server (``held``)
for the records of the area it could not serve yet, written behind another writer still in flight (on PostgreSQL,
docs/sync.md "No gaps"): the record this laptop pushed a moment ago may be one. Those are in the area and stay;
the next pull brings them.

Every page is checked before it is used (``_answers.check_page``: a cursor that moves forward, never past the
server's newest change) and must come from the database the laptop synced with (``_epoch``): another epoch, or a
``cursor_ahead`` refusal, raises ServerChanged before anything of the page is applied, and the run starts over.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from fieldapp.core.errors import Problem, RecordError
from fieldapp.core.issues import FieldError, SyncIssue
from fieldapp.core.kinds import KINDS, Kind
from fieldapp.core.records import Record
from sync.client._answers import check_page
from sync.client._epoch import CURSOR_KEY, ServerChanged, adopt_or_check
from sync.client._errors import SyncProtocolError
from sync.client._http import HttpSession
from sync.client._models import SyncProgress, SyncSummary
from sync.client._records import get_record, server_copy
from sync.protocol import CURSOR_AHEAD, MAX_PULL_PAGE, Change, PullResponse

if TYPE_CHECKING:
    from fieldapp.store import Store

__all__ = ["CURSOR_KEY", "KINDS_KEY", "SCOPE_KEY", "Puller"]

#: the store meta key holding the scope of the last complete pull (see the module's docstring)
SCOPE_KEY = "pull_scope"
#: the store meta key holding the kinds of the last complete pull (see the module's docstring)
KINDS_KEY = "pull_kinds"
#: the ``kinds`` a pull asks for
_KINDS_PARAM = ",".join(KINDS)

#: a sanity bound on pages in one pull (10 million changes at the largest page size)
_MAX_PAGES = 10_000


class Puller:
    """Applies the server's change feed to one store."""

    def __init__(
        self,
        store: Store,
        http: HttpSession,
        summary: SyncSummary,
        progress: Callable[[SyncProgress], None],
        *,
        limit: int = MAX_PULL_PAGE,
    ):
        self.store = store
        self.http = http
        self.summary = summary
        self.progress = progress
        self.limit = max(1, min(limit, MAX_PULL_PAGE))
        self._seen = 0

    def run(self) -> None:
        """Pull until the server has nothing more; raises SyncError when it cannot be reached or understood."""
        cursor = int(self.store.get_meta(CURSOR_KEY, 0) or 0)
        waiting: list[Change] = []  # visits and founding cases whose enterprise has not arrived yet
        self.progress(SyncProgress("pull", 0, None))
        stored = self.store.get_meta(SCOPE_KEY)
        first_pull = stored is None  # never completed one: a new scope, whatever the page says
        page = self._fetch(cursor, self.limit, held=first_pull)
        scope = page.scope
        seen: set[tuple[str, str]] | None = None  # while pulling a new scope: every record it holds
        if scope != stored or self.store.get_meta(KINDS_KEY) != list(KINDS):
            seen = set()
            if cursor or not first_pull:  # from 0, asking for what is held back
                cursor = 0
                page = self._fetch(0, self.limit, held=True)
        for number in range(_MAX_PAGES):
            if number:
                page = self._fetch(cursor, self.limit, held=seen is not None)
            if page.scope != scope:  # the area changed during this pull: the next sync pulls it whole
                seen, scope = None, ""
            if seen is not None:
                seen.update((c.kind, c.id) for c in page.changes if c.op == "upsert")
                # in the scope, only not served yet (behind a write in flight): never dropped for that
                seen.update((r.kind, r.id) for r in page.held or ())
            waiting = self._apply(waiting + page.changes)
            cursor = page.next_cursor  # checked: not behind the cursor asked for
            if not waiting:
                self.store.set_meta(CURSOR_KEY, cursor)
            self._seen += len(page.changes)
            self.progress(SyncProgress("pull", self._seen, None))
            if not page.has_more:
                break
        for change in waiting:  # their enterprise never came: keep them for the Sync screen and move on
            enterprise_id = (change.record or {}).get("enterprise_id", "")
            self._unappliable(
                change, [Problem("enterprise_id", "unknown_enterprise", {"value": enterprise_id}).as_dict()]
            )
        self.store.set_meta(CURSOR_KEY, cursor)
        if seen is not None:
            self._drop_outside(seen)
            self.store.set_meta(KINDS_KEY, list(KINDS))
            self.store.set_meta(SCOPE_KEY, scope)

    def _drop_outside(self, seen: set[tuple[str, str]]) -> None:
        """Remove the synced records the server no longer hands this user (they left the area).

        *seen* holds what the pages brought and what the last page listed as held back: a record in neither is
        outside the user's view as of the last page, which was read after every write the laptop was answered
        for, so its own latest write is included (docs/sync.md, "Areas")."""
        kinds: tuple[tuple[Kind, list[Record]], ...] = (
            ("founding_case", list(self.store.founding_cases())),
            ("visit", list(self.store.visits())),
            ("enterprise", list(self.store.enterprises())),
        )
        for kind, records in kinds:
            for record in records:
                if (kind, record.id) in seen or record.pending or record.server_version is None:
                    continue  # in the area, or holding work the server has not got: kept
                if self.store.delete_if_synced(kind, record.id) == "deleted":
                    self.summary.left_area += 1

    def probe(self) -> None:
        """Ask for one change after the stored cursor, only to learn whether the server is still the database the
        laptop synced with (raises ServerChanged when not). Run before pushing: records must not be sent with
        server versions from another database."""
        self._fetch(int(self.store.get_meta(CURSOR_KEY, 0) or 0), 1)

    def _fetch(self, cursor: int, limit: int, *, held: bool = False) -> PullResponse:
        """The page after *cursor*, checked; raises ServerChanged when it comes from another database (or the
        server is behind the cursor), AnswerRefused when it does not fit what was asked. *held*: ask the last page
        for the records of the view not served yet (a server before protocol 5 ignores it and lists none, right
        for it: its pulls hold nothing back)."""
        params: dict[str, Any] = {"since": cursor, "limit": limit, "kinds": _KINDS_PARAM}
        if held:
            params["held"] = "true"
        try:
            answer = self.http.get_json("/changes", params)
        except SyncProtocolError as exc:
            if exc.status_code != 409 or exc.server_code != CURSOR_AHEAD or cursor == 0:
                raise
            # Behind the laptop's cursor: another database (a new one, after a move) or this one restored from a
            # backup. The first page tells which (it raises ServerChanged for another epoch).
            first = self._fetch(0, 1)
            raise ServerChanged("server_behind", first.epoch) from None
        try:
            page = PullResponse.model_validate(answer)
        except ValidationError as exc:
            raise SyncProtocolError("bad_change_feed", errors=exc.error_count()) from None
        check_page(page, cursor, limit)
        adopt_or_check(self.store, page.epoch)
        return page

    def _apply(self, changes: list[Change]) -> list[Change]:
        """Apply *changes*; the visit and founding case upserts that must wait for their enterprise."""
        latest: dict[tuple[str, str], Change] = {}
        for change in changes:  # a record changed twice in a page: only its last state matters
            key = (change.kind, change.id)
            if key not in latest or change.seq >= latest[key].seq:
                latest[key] = change
        ordered = sorted(latest.values(), key=_apply_order)
        enterprises = [c for c in ordered if c.kind == "enterprise" and c.op == "upsert"]
        self._upsert("enterprise", enterprises)
        waiting: list[Change] = []
        for kind in KINDS[1:]:  # the kinds that name an enterprise
            waiting += self._upsert(kind, [c for c in ordered if c.kind == kind and c.op == "upsert"])
        for change in ordered:
            if change.op == "delete":
                self._delete(change)
        return waiting

    def _upsert(self, kind: Kind, changes: list[Change]) -> list[Change]:
        fresh: list[tuple[Change, Record, int | None]] = []  # with the local revision it was decided on
        for change in changes:
            local = get_record(self.store, change.kind, change.id)
            if local is not None and (local.pending or local.server_version == change.server_version):
                continue  # pending: the cadre's version wins until the push settles it; same version: nothing new
            try:
                copy = server_copy(kind, change.record or {}, change.server_version, local)
            except RecordError as exc:
                self._unappliable(change, [p.as_dict() for p in exc.problems])
                continue
            fresh.append((change, copy, local.rev if local is not None else None))
        if not fresh:
            return []
        # The app stays usable during a sync: compare_and_save writes each record only if it is still as it was
        # looked at (same revision, not pending), checked and written in one step under the store's lock, so an
        # edit saved meanwhile from the TUI is never overwritten.
        try:  # all at once (one durable write); one bad record makes us fall back to one at a time
            self.summary.pulled += len(self.store.compare_and_save([(r, rev) for _, r, rev in fresh]))
            return []
        except RecordError:
            pass
        waiting: list[Change] = []
        for change, record, rev in fresh:
            try:
                self.summary.pulled += len(self.store.compare_and_save([(record, rev)]))
            except RecordError as exc:
                if any(p.code == "unknown_enterprise" for p in exc.problems):
                    waiting.append(change)
                else:
                    self._unappliable(change, [p.as_dict() for p in exc.problems])
        return waiting

    def _delete(self, change: Change) -> None:
        # checked and done in one step: a record edited meanwhile is kept
        outcome = self.store.delete_if_synced(change.kind, change.id)
        if outcome == "pending":  # never throw away what the cadre typed: ask on the Sync screen
            self.store.set_sync_issue(
                SyncIssue(
                    kind=change.kind, id=change.id, status="deleted", server_version=change.server_version
                )
            )
        elif outcome == "deleted":
            self.summary.pulled += 1

    def _unappliable(self, change: Change, errors: list[dict[str, Any]]) -> None:
        self.summary.pull_failed += 1
        self.store.set_sync_issue(
            SyncIssue(
                kind=change.kind,
                id=change.id,
                status="unappliable",
                fields=tuple(e["field"] for e in errors),
                server_record=change.record,
                server_version=change.server_version,
                errors=tuple(FieldError.model_validate(e) for e in errors),
            )
        )


def _apply_order(change: Change) -> tuple[int, int]:
    # enterprises before the records naming them; within a kind, feed order
    return (KINDS.index(change.kind), change.seq)
