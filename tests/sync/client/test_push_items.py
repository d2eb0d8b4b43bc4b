"""What a push sends is built without validating or dumping each record again: it must be exactly what the
validated wire models give (the items equal, the request's bytes the same)."""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from fieldapp.core.founding import start_case
from fieldapp.core.kinds import Kind
from fieldapp.core.records import Enterprise, Record, Visit
from fieldapp.io.demo import generate_demo
from fieldapp.store import Store
from sync.client import SyncNetworkError
from sync.client._models import SyncSummary
from sync.client._push import Pusher, push_item, request_body
from sync.protocol import PushItem, PushRequest


def _records(store: Store) -> list[tuple[Kind, Record]]:
    firms, visits = generate_demo(enterprises=8, visits=40, seed=3)
    odd = Enterprise.create(
        name='Công ty "Ánh Dương" / 株式会社 😀 \\ tab',
        ward="Phường Bồ Đề",
        address="Số 1, ngõ 2 – phố Huế",
    )
    store.save_enterprises([*firms, odd])
    store.save_visits(
        [
            *visits,
            Visit.create(
                enterprise_id=odd.id,
                visited_on=date(2025, 3, 1),
                cadre="Nguyễn Thị Hoa",
                headcount=12,
                attitude="neutral",
                note='dòng một\ndòng hai 😀 "trích" \\ /',
            ),
        ]
    )
    store.save_founding_case(start_case(odd.id, "2025-01-06", committee_members=4, today=date(2025, 6, 1)))
    pairs: list[tuple[Kind, Record]] = [("enterprise", e) for e in store.pending_enterprises()]
    pairs += [("visit", v) for v in store.pending_visits()]
    pairs += [("founding_case", c) for c in store.pending_founding_cases()]
    return pairs


def _validated(kind: Kind, record: Record) -> PushItem:
    return PushItem(
        kind=kind, id=record.id, rev=record.rev, base_version=record.server_version, record=record.content()
    )


def test_items_and_body_are_what_the_wire_models_give(tmp_path: Path) -> None:
    with Store.open(tmp_path / "laptop") as store:
        pairs = _records(store)
        store.mark_synced_many(
            [(kind, r.id, r.rev + 1, 3) for kind, r in pairs[::2]]
        )  # some with a base version
        store.close()
    with Store.open(tmp_path / "laptop") as store:  # reopened: contents read from the stored documents
        pairs = [(k, r) for k, r in _records_again(store)]
        contents = store.contents(pairs)
        items = [push_item(kind, r, content) for (kind, r), content in zip(pairs, contents, strict=True)]
        expected = [_validated(kind, r) for kind, r in pairs]
    assert any(item.base_version == 3 for item in items)
    assert items == expected
    assert [push_item(kind, r) for kind, r in pairs] == expected
    assert (
        request_body("laptop-1", items)
        == PushRequest(device_id="laptop-1", items=expected).model_dump_json().encode()
    )


def _records_again(store: Store) -> list[tuple[Kind, Record]]:
    pairs: list[tuple[Kind, Record]] = [("enterprise", e) for e in store.pending_enterprises()]
    pairs += [("visit", v) for v in store.pending_visits()]
    pairs += [("founding_case", c) for c in store.pending_founding_cases()]
    assert len(pairs) > 40
    return pairs


class _Wire:
    """Answers the first batch (noting whether the collector ran), then fails like a server gone away."""

    def __init__(self) -> None:
        self.collector_on: list[bool] = []

    def post_json(self, path: str, body: bytes) -> Any:
        self.collector_on.append(gc.isenabled())
        if len(self.collector_on) > 1:
            raise SyncNetworkError("unreachable", server="http://127.0.0.1:9", attempts=1, cause="test")
        items = orjson.loads(body)["items"]
        results = [
            {**{k: i[k] for k in ("kind", "id", "rev")}, "status": "accepted", "server_version": 1}
            for i in items
        ]
        return {"results": results}


def test_the_collector_is_paused_for_a_push_and_back_after_it_fails(tmp_path: Path) -> None:
    with Store.open(tmp_path / "laptop") as store:
        _records(store)
        wire = _Wire()
        assert gc.isenabled()
        with pytest.raises(SyncNetworkError):
            Pusher(store, wire, "laptop-1", SyncSummary(), lambda _: None, max_items=10).run()  # type: ignore[arg-type]
        assert gc.isenabled()
        assert wire.collector_on[:2] == [False, False]
        assert (
            store.counts()["pending_enterprises"] == 0
        )  # the first batch (enterprises) was answered and marked
