"""What the client believes of the server's answers: each is checked against what was asked before it is used.

A server (a buggy one, a proxy in the way, or a liar) that answers ``accepted`` for records it was not sent, for
fewer or more than it was sent, or a cursor beyond its own newest change, would leave records marked synced that
it never stored, or a cursor that skips changes for good. Such an answer is refused as a whole, before anything is
marked or the cursor moves: the sync stops with an ``AnswerRefused`` (a SyncProtocolError) naming what was wrong,
and running it again is safe.

What an honest server can legitimately answer is accepted: a new record takes version 1 whatever its base (the
server never saw it), a duplicate may point at an older version than the base (a database restored from a backup),
a page may end before the newest change (the rest is other cadres' visits).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from fieldapp.core.i18n import N_, Message
from sync.client._errors import SyncProtocolError
from sync.protocol import ItemResult, PullResponse, PushItem

__all__ = ["AnswerRefused", "check_page", "check_results"]


class AnswerRefused(SyncProtocolError):
    """The server's answer does not fit what was asked; it was not used. ``reason`` says what did not fit."""

    MESSAGES: ClassVar[Mapping[str, str]] = {
        # {reason}: what did not fit, e.g. "3 results for 5 records sent"
        "push_answer": N_(
            "The server's answer to a push does not match what was sent: {reason}. The answer was refused and "
            "nothing was marked as synced; the records stay pending."
        ),
        "change_feed": N_(
            "The server's change feed is not consistent: {reason}. The page was refused and the pull cursor did "
            "not move."
        ),
    }


def _why(msgid: str, **params: Any) -> Message:
    return Message(msgid, params)


def _refuse_results(msgid: str, **params: Any) -> AnswerRefused:
    return AnswerRefused("push_answer", reason=_why(msgid, **params))


def check_results(sent: Sequence[PushItem], results: Sequence[ItemResult]) -> None:
    """Raise AnswerRefused unless *results* answer exactly *sent*: one each, in order, echoing kind, id and
    revision, each complete for its status (a version for what the server holds, the merged record of a soft
    conflict)."""
    if len(results) != len(sent):
        raise _refuse_results(N_("{got} results for {count} records sent"), got=len(results), count=len(sent))
    for index, (item, result) in enumerate(zip(sent, results, strict=True)):
        if (result.kind, result.id, result.rev) != (item.kind, item.id, item.rev):
            raise _refuse_results(
                N_(
                    "result {index} is for {got} (revision {got_rev}), not for {id} (revision {rev})",
                ),
                index=index,
                got=result.id,
                got_rev=result.rev,
                id=item.id,
                rev=item.rev,
            )
        missing = _missing(result)
        if missing:
            raise _refuse_results(
                N_("result {index} ({id}) says {status} without {missing}"),
                index=index,
                id=item.id,
                status=result.status,
                missing=missing,
            )


def _missing(result: ItemResult) -> str | None:
    """The field a result of its status must carry and does not (its wire name), or None."""
    if result.status in ("accepted", "duplicate") and result.server_version is None:
        return "server_version"
    if result.status == "conflict":
        if result.conflict is None:
            return "conflict"
        if result.conflict == "soft" and (result.record is None or result.server_version is None):
            return "record" if result.record is None else "server_version"
    return None


def _refuse_page(msgid: str, **params: Any) -> AnswerRefused:
    return AnswerRefused("change_feed", reason=_why(msgid, **params))


def check_page(page: PullResponse, since: int, limit: int) -> None:
    """Raise AnswerRefused unless *page* answers ``since``/``limit``: a cursor that moves forward but never past
    the server's newest change, at most *limit* changes, in order, inside the page, each complete, and
    ``has_more`` only when there can be more."""
    cursor, head = page.next_cursor, page.head
    if head < since:  # an honest server answers 409 cursor_ahead instead
        raise _refuse_page(
            N_("its newest change {head} is before the cursor asked for, {since}"),
            head=head,
            since=since,
        )
    if cursor < since:
        raise _refuse_page(
            N_("next cursor {cursor} is before the cursor asked for, {since}"),
            cursor=cursor,
            since=since,
        )
    if cursor > head:
        raise _refuse_page(
            N_("next cursor {cursor} is beyond its newest change, {head}"),
            cursor=cursor,
            head=head,
        )
    if len(page.changes) > limit:
        raise _refuse_page(
            N_("{count} changes in a page of at most {limit}"),
            count=len(page.changes),
            limit=limit,
        )
    previous = since
    for change in page.changes:
        if not previous < change.seq <= cursor:
            raise _refuse_page(
                N_(
                    "change {seq} is out of order or outside the page (after {since}, up to {cursor})",
                ),
                seq=change.seq,
                since=since,
                cursor=cursor,
            )
        previous = change.seq
        upsert = change.op == "upsert"
        if (
            upsert
            and (change.record is None or change.server_version is None)
            or not upsert
            and change.record is not None
        ):
            raise _refuse_page(
                N_("change {seq} ({id}) is an incomplete {op}"),
                seq=change.seq,
                id=change.id,
                op=change.op,
            )
    if page.has_more and (cursor <= since or cursor >= head):
        raise _refuse_page(
            N_("it says there is more, but its cursor went from {since} to {cursor} of {head}"),
            since=since,
            cursor=cursor,
            head=head,
        )
