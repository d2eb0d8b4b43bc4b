"""A server whose answers do not fit what was asked is refused, with nothing marked and the cursor unchanged.

The liar is in-process (an httpx MockTransport): it answers every push honestly by default (each item accepted at
version 1) and every pull with an empty, honest page, and each test makes it lie in one way. Last, the lie the
audit found (every push ``accepted``, a cursor of 2**62) followed by the real server: the laptop recovers all.
"""

from __future__ import annotations

import gzip
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import orjson
import pytest

from fieldapp.store import Store
from sync.client import CURSOR_KEY, SyncProtocolError

from .conftest import User
from .laptop import add_enterprise, add_visits, client_for, server_hashes

Results = list[dict[str, Any]]
Page = dict[str, Any]
EPOCH = str(uuid.uuid4())


class Liar:
    """An in-process server: *push(results)* and *pull(page, since)* rewrite its otherwise honest answers."""

    def __init__(
        self,
        push: Callable[[Results], Results] = lambda results: results,
        pull: Callable[[Page, int], Page] = lambda page, since: page,
        head: int = 0,
        epoch: str = EPOCH,
    ) -> None:
        self.push, self.pull, self.head, self.epoch = push, pull, head, epoch
        self.transport = httpx.MockTransport(self.answer)

    def answer(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/push"):
            items = orjson.loads(gzip.decompress(request.content))["items"]
            results = [
                {"kind": i["kind"], "id": i["id"], "rev": i["rev"], "status": "accepted", "server_version": 1}
                for i in items
            ]
            return httpx.Response(200, json={"results": self.push(results)})
        if request.url.path.endswith("/me"):  # honest about who the token is
            return httpx.Response(
                200, json={"name": "test", "full_name": None, "role": "cadre", "area": None}
            )
        if request.url.path.endswith("/rules"):
            return httpx.Response(200, json={"text": ""})
        since = int(request.url.params["since"])
        head = max(self.head, since)
        page = {"changes": [], "next_cursor": since, "has_more": False, "epoch": self.epoch, "head": head}
        return httpx.Response(200, json=self.pull(page, since))


def _sync(laptop: Store, liar: Liar) -> pytest.ExceptionInfo[SyncProtocolError]:
    with pytest.raises(SyncProtocolError) as refused:
        client_for(laptop, "http://127.0.0.1:9", "token", transport=liar.transport).run()
    return refused


def _nothing_marked(laptop: Store, pending: int, cursor: int | None) -> None:
    counts = laptop.counts()
    assert counts["pending_enterprises"] + counts["pending_visits"] == pending
    assert all(v.server_version is None for v in laptop.visits())
    assert laptop.get_meta(CURSOR_KEY) == cursor and not laptop.sync_issues()


def _extra(results: Results) -> Results:
    return [*results, {**results[0], "id": str(uuid.uuid4())}]


def _twice(results: Results) -> Results:
    return [*results[:-1], results[0]]


def _rev(results: Results) -> Results:
    return [{**results[0], "rev": results[0]["rev"] + 1}, *results[1:]]


def _kind(results: Results) -> Results:
    return [
        {**results[0], "kind": "visit" if results[0]["kind"] == "enterprise" else "enterprise"},
        *results[1:],
    ]


def _no_version(results: Results) -> Results:
    return [{**results[0], "server_version": None}, *results[1:]]


def _soft_without_record(results: Results) -> Results:
    return [{**results[0], "status": "conflict", "conflict": "soft"}, *results[1:]]


@pytest.mark.parametrize(
    ("lie", "words"),
    [
        (lambda results: results[:-1], "2 results for 3 records"),
        (_extra, "4 results for 3 records"),
        (_twice, "result 2 is for"),
        (_rev, "result 0 is for"),
        (_kind, "result 0 is for"),
        (_no_version, "says accepted without server_version"),
        (_soft_without_record, "says conflict without record"),
    ],
    ids=[
        "one missing",
        "one extra",
        "one twice",
        "revision not echoed",
        "kind not echoed",
        "no version",
        "soft",
    ],
)
def test_a_push_answer_that_does_not_fit_the_batch_is_refused_and_nothing_is_marked(
    laptop: Store, lie: Callable[[Results], Results], words: str
) -> None:
    company = add_enterprise(laptop)
    add_visits(laptop, company, "an", 2)  # one batch: the enterprise, then its two visits

    refused = _sync(laptop, Liar(push=lie))

    assert refused.value.code == "push_answer" and words in refused.value.message("en")
    vi = refused.value.message("vi")
    assert "không khớp" in vi and "kết quả" in vi and "vẫn chờ gửi" in vi and words not in vi
    _nothing_marked(laptop, pending=3, cursor=None)


def _change(seq: int, kind: str = "enterprise", **fields: Any) -> dict[str, Any]:
    record = {"id": str(uuid.uuid4()), "name": f"Công ty {seq}", "ward": "Phường 1"}
    return {"seq": seq, "kind": kind, "id": record["id"], "op": "upsert", "server_version": 1, "record": record,
            **fields}  # fmt: skip


def _cursor_beyond_head(page: Page, since: int) -> Page:
    return {**page, "changes": [_change(since + 1)], "next_cursor": 2**62, "head": since + 1}


def _cursor_back(page: Page, since: int) -> Page:
    return {**page, "next_cursor": since - 3}


def _head_behind(page: Page, since: int) -> Page:
    return {**page, "head": since - 1, "next_cursor": since - 1}


def _out_of_order(page: Page, since: int) -> Page:
    return {
        **page,
        "changes": [_change(since + 2), _change(since + 1)],
        "next_cursor": since + 2,
        "head": since + 2,
    }


def _outside(page: Page, since: int) -> Page:
    return {**page, "changes": [_change(since)], "next_cursor": since, "head": since}


def _too_many(page: Page, since: int) -> Page:
    changes = [_change(since + 1 + i) for i in range(3)]
    return {**page, "changes": changes, "next_cursor": since + 3, "head": since + 3}


def _more_at_head(page: Page, since: int) -> Page:
    return {
        **page,
        "changes": [_change(since + 1)],
        "next_cursor": since + 1,
        "head": since + 1,
        "has_more": True,
    }


def _empty_upsert(page: Page, since: int) -> Page:
    return {**page, "changes": [_change(since + 1, record=None)], "next_cursor": since + 1, "head": since + 1}


@pytest.mark.parametrize(
    ("lie", "words"),
    [
        (_cursor_beyond_head, f"next cursor {2**62} is beyond its newest change, 11"),
        (_cursor_back, "next cursor 7 is before the cursor asked for, 10"),
        (_head_behind, "its newest change 9 is before the cursor asked for, 10"),
        (_out_of_order, "change 11 is out of order"),
        (_outside, "change 10 is out of order or outside the page"),
        (_too_many, "3 changes in a page of at most 2"),
        (_more_at_head, "it says there is more, but its cursor went from 10 to 11 of 11"),
        (_empty_upsert, "is an incomplete upsert"),
    ],
    ids=[
        "cursor 2**62",
        "cursor back",
        "head behind",
        "out of order",
        "outside",
        "too many",
        "more",
        "empty",
    ],
)
def test_a_pull_page_that_does_not_fit_what_was_asked_is_refused_and_the_cursor_stays(
    laptop: Store, lie: Callable[[Page, int], Page], words: str
) -> None:
    laptop.set_meta(CURSOR_KEY, 10)
    laptop.set_meta("server_epoch", EPOCH)
    with pytest.raises(SyncProtocolError) as refused:
        client_for(
            laptop, "http://127.0.0.1:9", "token", transport=Liar(pull=lie, head=10).transport, pull_limit=2
        ).run()

    assert refused.value.code == "change_feed" and words in refused.value.message("en")
    vi = refused.value.message("vi")
    assert "con trỏ nhận dữ liệu không dịch chuyển" in vi and words not in vi
    _nothing_marked(laptop, pending=0, cursor=10)
    assert laptop.enterprises() == []  # nothing of the page was applied


def test_after_a_server_that_accepted_everything_and_jumped_to_2_62_the_real_server_gets_everything(
    module_server, laptop: Store, cadre: User, admin: User
) -> None:
    add_visits(laptop, add_enterprise(laptop), cadre.name, 4)
    real_epoch = httpx.get(f"{module_server.url}/api/v1/health").json()["epoch"]

    def jump(page: Page, since: int) -> Page:  # a cursor and a head that agree, both a lie
        return {**page, "next_cursor": 2**62, "head": 2**62}

    liar = Liar(pull=jump, epoch=real_epoch)  # it even names the real database
    fooled = client_for(laptop, "http://127.0.0.1:9", "token", transport=liar.transport).run()
    assert fooled.accepted == 5 and laptop.get_meta(CURSOR_KEY) == 2**62  # no way to tell, yet

    summary = client_for(laptop, module_server.url, cadre.token).run()

    assert summary.server_changed == "server_behind" and summary.ok
    held = dict(server_hashes(module_server.url, admin.token))
    assert {v.id: v.content_hash for v in laptop.visits()}.items() <= held.items()
    assert laptop.get_meta(CURSOR_KEY) < 2**62 and laptop.counts()["pending_visits"] == 0
