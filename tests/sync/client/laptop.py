"""Helpers for sync client tests: real laptop stores in tmp folders, and what the real server holds."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import httpx

from fieldapp.core.founding import FoundingCase, record_step, start_case
from fieldapp.core.kinds import MODELS
from fieldapp.core.records import Enterprise, Record, Visit
from fieldapp.core.rules import default_rules
from fieldapp.settings import Settings
from fieldapp.store import Store
from sync.client import RetryPolicy, SyncClient

__all__ = [
    "FAST_RETRY",
    "Recorder",
    "add_case",
    "add_enterprise",
    "add_visits",
    "client_for",
    "office_push",
    "server_hashes",
    "server_records",
]

#: retries without real waiting, so failure paths stay fast
FAST_RETRY = RetryPolicy(attempts=5, base=0.01, cap=0.05, total=10.0)


def add_enterprise(store: Store, **fields: Any) -> Enterprise:
    """A new pending enterprise saved in *store*."""
    fields.setdefault("name", f"Công ty {random.randrange(10**9)}")
    fields.setdefault("ward", "Phường 1")
    return store.save_enterprise(Enterprise.create(**fields))


def add_visits(store: Store, enterprise: Enterprise, cadre: str, count: int, seed: int = 0) -> list[Visit]:
    """*count* new pending visits of *enterprise* by *cadre* saved in *store* (one durable write)."""
    rng = random.Random(seed)
    visits = [
        Visit.create(
            enterprise_id=enterprise.id,
            visited_on=date(2026, 1, 1) + timedelta(days=rng.randrange(300)),
            cadre=cadre,
            headcount=(headcount := rng.randrange(10, 500)),
            seasonal=rng.randrange(0, headcount // 4),
            attitude=rng.choice(["supportive", "neutral", "reluctant", "hostile"]),
            applications=rng.randrange(0, 5),
            note=f"lần thăm {i} — ghi chú có dấu",
        )
        for i in range(count)
    ]
    store.save_visits(visits)
    return visits


def add_case(store: Store, enterprise: Enterprise, applications: int | None = 7) -> FoundingCase:
    """A new pending founding case of *enterprise* saved in *store*: the committee formed on 2026-03-02 (5 members,
    a head with diacritics), and *applications* collected on 2026-03-16 (None: not yet)."""
    case = start_case(
        enterprise.id,
        "2026-03-02",
        committee_members=5,
        committee_head="Trần Thị Hoà",
        today=date(2026, 12, 1),
    )
    if applications is not None:
        case = record_step(
            case,
            "applications",
            default_rules(),
            today=date(2026, 12, 1),
            applications_on="2026-03-16",
            applications=applications,
        )
    return store.save_founding_case(case)


def client_for(store: Store, server_url: str, token: str, **options: Any) -> SyncClient:
    """A SyncClient for *store* talking to *server_url* with *token* (fast retries unless told otherwise)."""
    options.setdefault("retry", FAST_RETRY)
    return SyncClient(store, Settings(server=server_url, token=token, cadre="test"), **options)


def office_push(server_url: str, token: str, records: list[tuple[str, Record]]) -> list[dict[str, Any]]:
    """Push *records* ((kind, record) with their server_version as base) as the office would; the results."""
    items = [
        {"kind": kind, "id": r.id, "rev": r.rev, "base_version": r.server_version, "record": r.content()}
        for kind, r in records
    ]
    response = httpx.post(
        f"{server_url}/api/v1/push",
        json={"device_id": "office", "items": items},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    response.raise_for_status()
    return list(response.json()["results"])


def server_records(server_url: str, admin_token: str, kind: str = "visit") -> list[dict[str, Any]]:
    """Every live record of *kind* on the server (all pages), as the API lists them."""
    found: list[dict[str, Any]] = []
    offset: int | None = 0
    with httpx.Client(headers={"Authorization": f"Bearer {admin_token}"}, timeout=30) as http:
        for _ in range(10_000):  # bound: 10 million records at 1,000 a page
            if offset is None:
                break
            path = {"founding_case": "founding-cases"}.get(kind, f"{kind}s")
            page = http.get(f"{server_url}/api/v1/{path}", params={"offset": offset, "limit": 1000})
            page.raise_for_status()
            data = page.json()
            found.extend(data["items"])
            offset = data["next_offset"]
    return found


def server_hashes(server_url: str, admin_token: str, kind: str = "visit") -> list[tuple[str, str]]:
    """(id, content hash) of every live record of *kind* on the server, ids possibly repeated (none should be)."""
    model = MODELS[kind]  # type: ignore[index]
    return [
        (item["id"], model.parse(item["record"]).content_hash)
        for item in server_records(server_url, admin_token, kind)
    ]


class Recorder(httpx.BaseTransport):
    """A real HTTP transport that records each request (method, path) and can be told to fail some of them.

    *fault(request, index)* may return an httpx.Response to answer instead of the server, raise an httpx error, or
    return None to let the request through; *after(request, response, index)* may raise to lose an answer that the
    server already gave.
    """

    def __init__(
        self,
        fault: Callable[[httpx.Request, int], httpx.Response | None] | None = None,
        after: Callable[[httpx.Request, httpx.Response, int], None] | None = None,
    ):
        self._real = httpx.HTTPTransport()
        self._fault = fault
        self._after = after
        self.requests: list[tuple[str, str]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        index = len(self.requests)
        self.requests.append((request.method, request.url.path))
        if self._fault is not None:
            answer = self._fault(request, index)
            if answer is not None:
                return answer
        response = self._real.handle_request(request)
        if self._after is not None:
            response.read()
            self._after(request, response, index)
        return response

    def paths(self, method: str | None = None) -> list[str]:
        return [p for m, p in self.requests if method is None or m == method]

    def close(self) -> None:
        self._real.close()
