"""Record builders, a small authenticated API client, and the app in-process (``AppServer``) for the server tests."""

from __future__ import annotations

import gzip
import random
import secrets
import uuid
from collections.abc import Sequence
from contextlib import ExitStack
from datetime import date, timedelta
from typing import Any

import httpx
import orjson
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from support.areas import TEST_WARDS, give_area

from sync.server.app import create_app
from sync.server.users import add_user


def new_id() -> str:
    return str(uuid.uuid4())


def tax_code() -> str:
    return f"{random.randrange(10**9, 10**10):010d}"


def enterprise(**fields: Any) -> dict[str, Any]:
    """Content fields of a valid enterprise (fresh id and tax code)."""
    record = {
        "id": new_id(),
        "name": "Công ty TNHH May Thành Công",
        "tax_code": tax_code(),
        "address": "12 Lê Lợi",
        "ward": "Phường Bến Thành",
        "district": "Quận 1",
        "province_code": None,
        "ward_code": None,
        "ownership": "non_state",
        "status": "active",
        "legal_entity": True,
        "family_business": False,
        "has_union": False,
        "union_members": 0,
        "registered_workers": 40,
        "assigned_to": None,
        "contact_name": "",
        "contact_role": "",
        "contact_phone": "",
        "contact_email": "",
        "representative": "",
    }
    record.update(fields)
    return record


def visit(enterprise_id: str, cadre: str, **fields: Any) -> dict[str, Any]:
    """Content fields of a valid visit by *cadre*."""
    record = {
        "id": new_id(),
        "enterprise_id": enterprise_id,
        "visited_on": (date.today() - timedelta(days=3)).isoformat(),
        "cadre": cadre,
        "headcount": 40,
        "seasonal": 5,
        "managers": 2,
        "attitude": "neutral",
        "applications": 3,
        "note": "Gặp giám đốc nhân sự",
        "next_visit_on": None,
        "met_name": "",
        "met_role": "",
        "next_step": "",
    }
    record.update(fields)
    return record


def item(kind: str, record: dict[str, Any], rev: int = 1, base: int | None = None) -> dict[str, Any]:
    return {"kind": kind, "id": record["id"], "rev": rev, "base_version": base, "record": record}


class Api:
    """An HTTP client for one user of a server: in-process (a FastAPI TestClient) or a real process (httpx)."""

    def __init__(self, http: httpx.Client, name: str = "", device: str = "laptop-1") -> None:
        self.http, self.name, self.device = http, name, device

    @classmethod
    def live(cls, url: str, token: str | None, name: str = "") -> Api:
        """A client of the server process at *url*, with *token* (None: no Authorization header)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return cls(httpx.Client(base_url=url, headers=headers, timeout=30), name)

    def close(self) -> None:
        self.http.close()

    def push_raw(self, items: list[dict[str, Any]], *, gzipped: bool = False) -> httpx.Response:
        body = orjson.dumps({"device_id": self.device, "items": items})
        headers = {"Content-Type": "application/json"}
        if gzipped:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        return self.http.post("/api/v1/push", content=body, headers=headers)

    def push(self, items: list[dict[str, Any]], **kw: Any) -> list[dict[str, Any]]:
        response = self.push_raw(items, **kw)
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results

    def pull_all(self, since: int = 0, limit: int = 1000) -> tuple[list[dict[str, Any]], int]:
        """Every change after *since* (following pages); returns (changes, cursor)."""
        changes: list[dict[str, Any]] = []
        for _ in range(10_000):
            response = self.http.get("/api/v1/changes", params={"since": since, "limit": limit})
            assert response.status_code == 200, response.text
            page = response.json()
            changes.extend(page["changes"])
            since = page["next_cursor"]
            if not page["has_more"]:
                return changes, since
        raise AssertionError("pull did not end")

    def cursor(self) -> int:
        return self.pull_all()[1]

    def get_all(self, what: str) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        offset: int | None = 0
        while offset is not None:
            response = self.http.get(f"/api/v1/{what}", params={"offset": offset, "limit": 1000})
            assert response.status_code == 200, response.text
            page = response.json()
            items.extend(page["items"])
            offset = page["next_offset"]
        return items

    def record(self, kind: str, rid: str) -> dict[str, Any] | None:
        for row in self.get_all(f"{kind}s"):
            if row["id"] == rid:
                return row
        return None


class AppServer:
    """The app in-process on one database; ``api(role)`` is a client for a new user of that role."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.app: FastAPI = create_app(database_url)
        self.engine: Engine = self.app.state.engine
        self._clients = ExitStack()

    def api(self, role: str = "cadre", name: str | None = None, wards: Sequence[str] = TEST_WARDS) -> Api:
        """A new user of *role* (fresh name unless given) and their client; a cadre works *wards*."""
        name = name or f"{role}-{secrets.token_hex(4)}"
        token = add_user(self.engine, name, role=role)
        if role == "cadre":
            give_area(self.engine, name, wards)
        return self.client(token, name)

    def client(self, token: str | None, name: str = "") -> Api:
        """A client sending *token* (None: no Authorization header)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        http = self._clients.enter_context(TestClient(self.app, headers=headers))
        return Api(http, name)

    def close(self) -> None:
        self._clients.close()
        self.engine.dispose()
