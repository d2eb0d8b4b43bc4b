"""What the server refuses, item by item or whole, and never with a 5xx (issue 10, findings 2, 7 and the corpus).

- finding 2: a value the database will not store (a NUL byte, which PostgreSQL refuses; any data error the database
  raises) is a per-item ``rejected`` in both languages, the rest of the batch stored, and the server log never
  prints the record;
- finding 7: a body nested deeper than the server reads (a 3,000-deep push, a 100k-deep value) is a 422 that says
  so, before any JSON parser recurses;
- the hostile-input corpus (tests/support/hostile.py) as push items: each accepted neutralised or rejected with a
  message, 0 5xx, and the database holds exactly the accepted ones.

Real server processes on SQLite and PostgreSQL (``live_server``), raw JSON bodies (the client would refuse most of
these before sending them).
"""

from __future__ import annotations

import gzip
import json
import secrets
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from server_helpers import AppServer, enterprise, item, visit
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from support.hostile import HOSTILE
from support.live_server import LiveServer

from fieldapp.core.text import CONTROL
from sync.server.db import make_engine
from sync.server.models import Record, RecordVersion

#: a name nobody else uses, to look for in the server log
MARKER = "BIMAT" + secrets.token_hex(4).upper()


def _post(server: LiveServer, token: str, body: bytes, *, gzipped: bool = False) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if gzipped:
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    return httpx.post(f"{server.url}/api/v1/push", content=body, headers=headers, timeout=60)


def _envelope(items: list[dict[str, Any]]) -> bytes:
    # the standard library's encoder: it writes integers of any size, as a hostile client could
    return json.dumps({"device_id": "laptop-1", "items": items}, ensure_ascii=False).encode()


def _counts(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            records = conn.scalar(select(func.count()).select_from(Record))
            versions = conn.scalar(select(func.count()).select_from(RecordVersion))
    finally:
        engine.dispose()
    return int(records or 0), int(versions or 0)


def _stored_ids(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {row[0] for row in conn.execute(select(Record.id))}
    finally:
        engine.dispose()


def _assert_refused_in_both_languages(result: dict[str, Any]) -> None:
    assert result["status"] == "rejected", result
    assert result["errors"], result
    for error in result["errors"]:
        assert error["field"] and error["code"] and error["vi"] and error["en"], error
        assert error["vi"] != error["en"], error  # really worded in Vietnamese


# --- finding 2: what the database will not store ------------------------------------------------------------
def test_a_nul_byte_in_a_name_refuses_that_item_alone_and_never_reaches_the_log(
    live_server: LiveServer,
) -> None:
    token = live_server.add_user("admin-nul", "admin")
    poisoned, good = enterprise(name="PLACEHOLDER"), enterprise()
    # "\u0000" written by hand into the JSON: the laptop's own checks would never send it
    body = _envelope([item("enterprise", poisoned), item("enterprise", good)])
    body = body.replace(b'"PLACEHOLDER"', f'"{MARKER}\\u0000tail"'.encode())
    response = _post(live_server, token, body)
    assert response.status_code < 500, response.text
    if response.status_code == 422:  # refused whole before the database: it must name the item
        assert any(e["field"].startswith("items.0") for e in response.json()["error"]["errors"])
        assert _counts(live_server.database_url) == (0, 0)
    else:
        assert response.status_code == 200, response.text
        first, second = response.json()["results"]
        _assert_refused_in_both_languages(first)
        assert first["id"] == poisoned["id"]
        assert second["status"] == "accepted", second
        assert _stored_ids(live_server.database_url) == {good["id"]}
    assert MARKER not in live_server.log()


def test_a_control_character_in_the_device_id_is_a_422_naming_it(live_server: LiveServer) -> None:
    # the device id is stored with every version; PostgreSQL refused its NUL with a 500 for the whole batch
    token = live_server.add_user("admin-dev", "admin")
    body = orjson.dumps({"device_id": f"{MARKER}\x00", "items": [item("enterprise", enterprise())]})
    response = _post(live_server, token, body)
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["error"]["errors"]] == ["device_id"]
    assert _counts(live_server.database_url) == (0, 0)
    assert MARKER not in live_server.log()


_REFUSING_TRIGGER = {
    # a real data error from the database itself, as a column type, a length or an encoding would raise; its
    # message quotes the record, as PostgreSQL's own JSON errors do
    "postgresql": [
        """CREATE FUNCTION refuse_marked() RETURNS trigger AS $$
           BEGIN
             IF NEW.content->>'name' LIKE '%REFUSE-ME%' THEN
               RAISE EXCEPTION 'cannot store %', NEW.content->>'name' USING ERRCODE = '22023';
             END IF;
             RETURN NEW;
           END $$ LANGUAGE plpgsql""",
        "CREATE TRIGGER refuse_marked BEFORE INSERT OR UPDATE ON records "
        "FOR EACH ROW EXECUTE FUNCTION refuse_marked()",
    ],
    # SQLite's data error: a value over its length limit (SQLITE_TOOBIG)
    "sqlite": [
        "CREATE TRIGGER refuse_marked BEFORE INSERT ON records "
        "WHEN json_extract(NEW.content, '$.name') LIKE '%REFUSE-ME%' "
        "BEGIN SELECT zeroblob(2000000000); END"
    ],
}


def test_any_data_error_of_the_database_is_a_per_item_rejection(live_server: LiveServer) -> None:
    backend = make_url(live_server.database_url).get_backend_name()
    engine = make_engine(live_server.database_url)
    try:
        with engine.begin() as conn:
            for statement in _REFUSING_TRIGGER[backend]:
                conn.execute(text(statement))
    finally:
        engine.dispose()
    token = live_server.add_user("admin-data", "admin")
    before, refused, after = enterprise(), enterprise(name=f"REFUSE-ME {MARKER}"), enterprise()
    cadre_visit = visit(after["id"], "admin-data")
    items = [item("enterprise", before), item("enterprise", refused), item("enterprise", after)]
    response = _post(live_server, token, _envelope([*items, item("visit", cadre_visit)]))
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected", "accepted", "accepted"], results
    _assert_refused_in_both_languages(results[1])
    assert results[1]["errors"][0]["code"] == "unstorable"
    assert _stored_ids(live_server.database_url) == {before["id"], after["id"], cadre_visit["id"]}
    assert _counts(live_server.database_url) == (3, 3)
    # the next push works as ever
    again = enterprise()
    assert _post(live_server, token, _envelope([item("enterprise", again)])).json()["results"][0][
        "status"
    ] == ("accepted")
    log = live_server.log()
    assert MARKER not in log
    assert "Traceback" not in log


def test_a_number_no_json_encoder_takes_is_refused_for_that_item(live_server: LiveServer) -> None:
    token = live_server.add_user("admin-big", "admin")
    place = enterprise()
    huge = visit(place["id"], "admin-big", applications=2**70)
    response = _post(live_server, token, _envelope([item("enterprise", place), item("visit", huge)]))
    assert response.status_code == 200, response.text
    first, second = response.json()["results"]
    assert first["status"] == "accepted"
    _assert_refused_in_both_languages(second)
    assert _stored_ids(live_server.database_url) == {place["id"]}


# --- finding 7: deep nesting ----------------------------------------------------------------------------------
def _deep_bodies() -> dict[str, bytes]:
    deep_value = enterprise(name="PLACEHOLDER")
    return {
        "3,000-deep push": b"[" * 3000 + b"]" * 3000,
        "3,000-deep objects": b'{"a":' * 3000 + b"1" + b"}" * 3000,
        "100k-deep value": _envelope([item("enterprise", deep_value)]).replace(
            b'"PLACEHOLDER"', b"[" * 100_000 + b"]" * 100_000
        ),
        "unclosed": b'{"device_id":"x","items":' + b"[" * 100_000,
    }


def _assert_too_deep(response: httpx.Response) -> None:
    assert response.status_code == 422, response.text[:300]
    error = response.json()["error"]
    assert error["code"] == "too_deep"
    assert "nested" in error["message"]
    assert error["errors"] and error["errors"][0]["vi"] and error["errors"][0]["en"]


@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
def test_deep_nesting_is_a_422_from_a_live_server(tmp_path: Path, gzipped: bool) -> None:
    with LiveServer(f"sqlite:///{tmp_path / 'server.sqlite3'}", tmp_path / "server.log") as server:
        token = server.add_user("admin-deep", "admin")
        for name, body in _deep_bodies().items():
            response = _post(server, token, body, gzipped=gzipped)
            assert response.status_code == 422, (name, response.text[:300])
            _assert_too_deep(response)
        # the resolve endpoint reads its body through the same place
        response = httpx.post(
            f"{server.url}/api/v1/conflicts/1/resolve",
            content=b'{"resolution":"edited","record":' + b"[" * 5000 + b"]" * 5000 + b"}",
            headers=server.headers(token),
            timeout=30,
        )
        _assert_too_deep(response)
        assert "RecursionError" not in server.log()


def test_deep_nesting_is_a_422_in_process(server: AppServer) -> None:
    api = server.api("admin")
    for body in _deep_bodies().values():
        _assert_too_deep(
            api.http.post("/api/v1/push", content=body, headers={"Content-Type": "application/json"})
        )
    # a push nested as deep as the protocol goes, and a little more, is still read
    shallow = {"device_id": "d", "items": [item("enterprise", enterprise())]}
    assert api.http.post("/api/v1/push", json=shallow).status_code == 200


# --- the hostile corpus as push items ----------------------------------------------------------------------
def _hostile_items(cadre: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for value in HOSTILE:
        for field in ("name", "address", "tax_code", "ward"):
            items.append(item("enterprise", enterprise(**{field: value})))
    host = enterprise()
    items.append(item("enterprise", host))
    for value in HOSTILE:
        for field in ("note", "cadre"):
            record = visit(host["id"], cadre)
            record[field] = value
            items.append(item("visit", record))
    return items


@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
def test_the_hostile_corpus_as_push_items(live_server: LiveServer, gzipped: bool) -> None:
    token = live_server.add_user("admin-hostile", "admin")
    items = _hostile_items("admin-hostile")
    response = _post(live_server, token, _envelope(items), gzipped=gzipped)
    assert response.status_code == 200, response.text[:500]
    results = response.json()["results"]
    assert [r["id"] for r in results] == [i["id"] for i in items]
    accepted = {r["id"] for r in results if r["status"] == "accepted"}
    for result in results:
        if result["status"] != "accepted":
            _assert_refused_in_both_languages(result)
    # nothing half-stored: exactly the accepted records, one version each
    assert _stored_ids(live_server.database_url) == accepted
    assert _counts(live_server.database_url) == (len(accepted), len(accepted))
    # what was accepted holds no control character (neutralised or refused, never stored raw)
    engine = make_engine(live_server.database_url)
    try:
        with engine.connect() as conn:
            for (content,) in conn.execute(select(Record.content)):
                for value in content.values():
                    if isinstance(value, str):
                        assert not CONTROL.search(value.replace("\n", "")), value[:80]
    finally:
        engine.dispose()
    # and one item at a time, as a laptop that splits its batch would: the same answers, 0 5xx
    for sent in items[:: max(1, len(items) // 25)]:
        answer = _post(live_server, token, _envelope([sent]), gzipped=gzipped)
        assert answer.status_code == 200, answer.text[:300]
