"""Push: every pending record (enterprises first, since visits and founding cases name them) in bounded batches,
one answer each.

A record is marked synced only with the revision that was sent, so one edited while its batch was on the way stays
pending. Nothing is marked before the server's answer for it has arrived: a batch whose answer was lost is simply
sent again, and the server recognises the resend (``duplicate``). An answer that does not fit its batch (results
for other records, too few or too many, incomplete) is refused whole before anything is marked
(``_answers.check_results``).
"""

from __future__ import annotations

import itertools
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from pydantic import ValidationError

from fieldapp.core.errors import RecordError
from fieldapp.core.issues import FieldError, SyncIssue
from fieldapp.store.codec import collector_paused
from sync.client._answers import check_results
from sync.client._errors import SyncAuthError, SyncError, SyncProtocolError
from sync.client._http import HttpSession
from sync.client._models import SyncProgress, SyncSummary
from sync.client._records import get_record, server_copy
from sync.protocol import (
    MAX_BODY_BYTES,
    MAX_PUSH_ITEMS,
    ItemResult,
    Kind,
    PushItem,
    PushResponse,
)

if TYPE_CHECKING:
    from fieldapp.core.records import Record
    from fieldapp.store import Store

__all__ = ["Pusher", "batches", "push_item", "request_body"]

_ITEM_FIELD = re.compile(r"^items\.(\d+)\.(?:record\.)?(.*)$")
_ITEM_FIELDS = frozenset(PushItem.model_fields)
_new = object.__new__
_set = object.__setattr__


def push_item(kind: Kind, record: Record, content: dict[str, Any] | None = None) -> PushItem:
    """What the server is sent for *record*: its content (``record.content()`` unless given), its revision and the
    server version it starts from."""
    # Built the way pydantic's model_construct does, without validating again (~3 µs an item, as much as the
    # rest of building it): every value comes from a validated record, and the server validates it anyway.
    # tests/sync/client/test_push_items.py holds it equal to the validated model.
    item: PushItem = _new(PushItem)
    _set(
        item,
        "__dict__",
        {
            "kind": kind,
            "id": record.id,
            "rev": record.rev,
            "base_version": record.server_version,
            "record": record.content() if content is None else content,
        },
    )
    _set(item, "__pydantic_fields_set__", set(_ITEM_FIELDS))
    _set(item, "__pydantic_extra__", None)
    _set(item, "__pydantic_private__", None)
    return item


def request_body(device_id: str, batch: list[PushItem]) -> bytes:
    """The JSON of ``PushRequest(device_id=device_id, items=batch)``, the same as pydantic's dump of it, written by
    orjson from the items' values (a fifth of the time: the records are JSON values already)."""
    items = [
        {"kind": i.kind, "id": i.id, "rev": i.rev, "base_version": i.base_version, "record": i.record}
        for i in batch
    ]
    return orjson.dumps({"device_id": device_id, "items": items})


def batches(items: Iterable[Any], max_items: int) -> Iterator[list[Any]]:
    """*items* in batches of at most *max_items* (lazily); a batch over the byte bound is halved when sent."""
    todo = iter(items)
    while batch := list(itertools.islice(todo, max_items)):
        yield batch


def _items(store: Store, records: list[tuple[Kind, Record]], max_items: int) -> Iterator[list[PushItem]]:
    """The push items of *records* in batches, each built when asked for; their content is read from the
    store's documents (``Store.contents``) rather than dumped from each model again."""
    for batch in batches(records, max_items):
        contents = store.contents(batch)
        yield [
            push_item(kind, record, content) for (kind, record), content in zip(batch, contents, strict=True)
        ]


@dataclass(slots=True)
class _Answer:
    """What the server said about some items: results for *sent*, or a whole-batch refusal of *refused* items."""

    sent: list[PushItem]
    results: list[ItemResult]
    refused: list[tuple[PushItem, list[dict[str, Any]]]]


class Pusher:
    """Sends the pending records of one store and applies the answers."""

    def __init__(
        self,
        store: Store,
        http: HttpSession,
        device_id: str,
        summary: SyncSummary,
        progress: Callable[[SyncProgress], None],
        *,
        max_items: int = MAX_PUSH_ITEMS,
        max_bytes: int = MAX_BODY_BYTES,
        in_flight: int = 1,
    ):
        self.store = store
        self.http = http
        self.device_id = device_id
        self.summary = summary
        self.progress = progress
        self.max_items = max(1, min(max_items, MAX_PUSH_ITEMS))
        self.max_bytes = max(1, min(max_bytes, MAX_BODY_BYTES))
        self.in_flight = max(1, in_flight)
        self._issues: set[tuple[str, str]] = set()
        self._done = 0

    def run(self) -> None:
        """Push everything pending; raises SyncError when the server cannot be reached or understood."""
        # The collector is paused for the push: it builds a model of every pending record and a new copy of every
        # record it marks, all living as long as the store, and each full collection rescans every record loaded
        # (measured on a 10,400-record push: ~20 µs of the laptop's CPU per record, a third of it). What the push
        # allocates is freed by reference counting (records and documents are not cyclic); the pause lasts one
        # push.
        with collector_paused():
            self._run()

    def _run(self) -> None:
        records: list[tuple[Kind, Record]] = [("enterprise", e) for e in self.store.pending_enterprises()]
        records += [("visit", v) for v in self.store.pending_visits()]
        records += [("founding_case", c) for c in self.store.pending_founding_cases()]
        self._issues = {i.key for i in self.store.sync_issues()}
        total = len(records)
        self.summary.pushed = total
        self.summary.unanswered = total
        self.progress(SyncProgress("push", 0, total))
        # Each batch is built only once the previous one has left, so the laptop builds it while the server stores
        # that one, instead of building everything before the first request.
        todo = _items(self.store, records, self.max_items)
        # Batches naming enterprises (the first ones) go one at a time, each after the previous one's answer, so
        # an enterprise is stored before the visits and cases that name it; after them, up to `in_flight` batches
        # travel at once. The next batch leaves before the answers of the last one are written to the store, so
        # the laptop's work hides behind the server's. Nothing is marked before its own answer is here.
        ready = next(todo, None)
        on_wire: deque[tuple[bool, Future[list[_Answer]]]] = deque()
        with ThreadPoolExecutor(max_workers=self.in_flight, thread_name_prefix="fieldapp-push") as wire:

            def fill() -> None:
                nonlocal ready
                while ready is not None:
                    serial = any(item.kind == "enterprise" for item in ready)
                    if (
                        serial
                        and on_wire
                        or not serial
                        and (any(s for s, _ in on_wire) or len(on_wire) >= self.in_flight)
                    ):
                        return
                    on_wire.append((serial, wire.submit(self._exchange, ready)))
                    ready = next(todo, None)

            while on_wire or ready is not None:
                fill()
                answers = on_wire.popleft()[1].result()
                fill()
                for answer in answers:
                    for item, problems in answer.refused:
                        self._reject(item, problems)
                    self._apply(answer.sent, answer.results)
                self.progress(SyncProgress("push", self._done, total))

    def _exchange(self, batch: list[PushItem]) -> list[_Answer]:
        """Send *batch*; the answers. Network only (runs on the wire thread): no store, no summary."""
        body = request_body(self.device_id, batch)
        # Measured once, as sent: real batches are far below the byte bound, so measuring each item would cost
        # more than the rare halving of a batch of long records.
        if len(body) > self.max_bytes and len(batch) > 1:
            return self._halves(batch)
        try:
            answer = self.http.post_json("/push", body)
        except SyncProtocolError as exc:
            if exc.status_code == 413 and len(batch) > 1:  # the server's limit is lower than ours: halve
                return self._halves(batch)
            raise
        except SyncAuthError as exc:
            # The server refuses a whole batch (403) for items this cadre may not send (a visit in another
            # cadre's name, someone else's visit). Keep those as rejected and send the rest: one bad record
            # must not hold back the others.
            refused = _refused_items(exc, len(batch))
            if exc.status_code != 403 or not refused:
                raise
            rest = [item for i, item in enumerate(batch) if i not in refused]
            answers = self._exchange(rest) if rest else []
            return [_Answer([], [], [(batch[i], problems) for i, problems in refused.items()]), *answers]
        try:
            results = PushResponse.model_validate(answer).results
        except ValidationError as exc:
            raise SyncProtocolError("bad_push_answer", errors=exc.error_count()) from None
        check_results(batch, results)  # before anything of it is used
        return [_Answer(batch, results, [])]

    def _halves(self, batch: list[PushItem]) -> list[_Answer]:
        half = len(batch) // 2
        return self._exchange(batch[:half]) + self._exchange(batch[half:])

    def _apply(self, batch: list[PushItem], results: list[ItemResult]) -> None:
        """Apply *results*, checked to answer *batch* one for one, in order (check_results)."""
        marks: list[tuple[Kind, str, int, int | None]] = []
        for item, result in zip(batch, results, strict=True):
            key = (result.kind, result.id)
            if result.status in ("accepted", "duplicate"):
                marks.append((result.kind, result.id, item.rev, result.server_version))
                if result.status == "accepted":
                    self.summary.accepted += 1
                else:
                    self.summary.duplicates += 1
                if key in self._issues:
                    self.store.clear_sync_issue(*key)
            elif result.status == "conflict":
                self.summary.conflicts += 1
                self._conflict(item, result)
            else:
                self._reject(
                    item, [e.model_dump() for e in result.errors], result.server_version, counted=True
                )
        self.store.mark_synced_many(marks)
        self._done += len(results)
        self.summary.unanswered -= len(results)

    def _reject(
        self,
        item: PushItem,
        errors: list[dict[str, Any]],
        server_version: int | None = None,
        *,
        counted: bool = False,
    ) -> None:
        """Keep *item* pending with a ``rejected`` issue naming the fields at fault."""
        self.summary.rejected += 1
        if not counted:  # refused outside a result list: it counts as answered here
            self._done += 1
            self.summary.unanswered -= 1
        kind, record_id = item.kind, item.id
        self.store.set_sync_issue(
            SyncIssue(
                kind=kind,
                id=record_id,
                status="rejected",
                rev=item.rev,
                fields=tuple(str(e.get("field", "")) for e in errors),
                server_version=server_version,
                errors=tuple(FieldError.model_validate(e) for e in errors),
            )
        )
        self._issues.add((kind, record_id))

    def _conflict(self, item: PushItem, result: ItemResult) -> None:
        kind, record_id = result.kind, result.id
        if result.conflict == "soft" and result.record is not None:
            local = get_record(self.store, kind, record_id)
            # Merged on the server; take the merge only if nobody edited the record meanwhile (checked and
            # written in one step by compare_and_save). If someone did, it stays pending on its old base, and the
            # next push lets the server merge that edit too: nothing is left for a person either way.
            if local is not None and local.rev == item.rev:
                try:
                    merged = server_copy(kind, result.record, result.server_version, local)
                    self.store.compare_and_save([(merged, item.rev)], allow_pending=True)
                except RecordError as exc:  # the merge cannot be stored here: a person must look at it
                    self._keep_issue(item, result, [p.as_dict() for p in exc.problems])
                    return
                if (kind, record_id) in self._issues:
                    self.store.clear_sync_issue(kind, record_id)
            self.summary.merged += 1
            return
        self._keep_issue(item, result, [e.model_dump() for e in result.errors])

    def _keep_issue(self, item: PushItem, result: ItemResult, errors: list[dict[str, Any]]) -> None:
        self.store.set_sync_issue(
            SyncIssue(
                kind=result.kind,
                id=result.id,
                status="conflict",
                rev=item.rev,
                conflict=result.conflict or "hard",
                fields=tuple(result.conflict_fields),
                server_record=result.record,
                server_version=result.server_version,
                errors=tuple(FieldError.model_validate(e) for e in errors),
            )
        )
        self._issues.add((result.kind, result.id))


def _refused_items(exc: SyncError, count: int) -> dict[int, list[dict[str, Any]]]:
    """The items a whole-batch refusal names (``items.3.record.cadre``), with their problems (field unprefixed)."""
    refused: dict[int, list[dict[str, Any]]] = {}
    for problem in exc.problems:
        match = _ITEM_FIELD.match(str(problem.get("field", "")))
        if match and int(match.group(1)) < count:
            field = match.group(2) or "id"
            refused.setdefault(int(match.group(1)), []).append({**problem, "field": field})
    return refused
