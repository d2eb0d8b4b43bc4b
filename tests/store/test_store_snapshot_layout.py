"""The snapshot's layout: visits last, what the indexes need of them kept apart, read on first use; still a plain
TinyDB file, and a layout that does not hold up is read in full, never trusted."""

from __future__ import annotations

import hashlib
import re
import shutil
from datetime import date
from pathlib import Path

import orjson
import pytest
from store_factories import enterprise, visit
from tinydb import TinyDB

from fieldapp.core.records import Visit
from fieldapp.store import Store
from fieldapp.store.codec import to_doc
from fieldapp.store.documents import VISITS

_PREFIX = b'{"_checksum":{"1":{"sha256":"'
_BODY_AT = len(_PREFIX) + 64 + len(b'"}},')


def _district(folder: Path) -> tuple[list[str], list[Visit]]:
    """A store of 3 enterprises and 12 visits (some synced), in a snapshot; (enterprise ids, visits)."""
    with Store.open(folder) as store:
        firms = [store.save_enterprise(enterprise(name=f"Công ty Số {i}")) for i in range(3)]
        visits = [store.save_visit(visit(firms[i % 3].id, headcount=20 + i)) for i in range(12)]
        for v in visits[:5]:
            store.mark_synced("visit", v.id, rev=v.rev, server_version=1)
        store.snapshot()
    with Store.open(
        folder, readonly=True
    ) as store:  # in the table's order (a session puts a changed visit last)
        return [e.id for e in firms], store.visits()


def _with_checksum(raw: bytes) -> bytes:
    """*raw* with its checksum made right again (a hand edit that knows the format)."""
    body = b"{" + raw[_BODY_AT:]
    return _PREFIX + hashlib.sha256(body).hexdigest().encode() + raw[len(_PREFIX) + 64 :]


def _old_layout(raw: bytes) -> bytes:
    """The same snapshot as the fieldapp before this layout wrote it: the tables in their order, checksum first."""
    data = orjson.loads(raw)
    for derived in ("_checksum", "_layout", "_columns"):
        data.pop(derived)
    tables = {"_store": data.pop("_store")}
    for name in ("enterprises", "visits", "meta", "sync_issues", "founding_cases"):
        if name in data:
            tables[name] = data.pop(name)
    body = orjson.dumps(tables)
    return _PREFIX + hashlib.sha256(body).hexdigest().encode() + b'"}},' + body[1:]


def _state(store: Store) -> tuple[object, ...]:
    """Everything a caller can see of the visits and enterprises."""
    return (
        store.enterprises(),
        store.visits(),
        store.pending_visits(),
        store.counts(),
        {e.id: store.visits_of(e.id) for e in store.enterprises()},
    )


def _lazy(store: Store) -> bool:
    return store._storage.columns(VISITS) is not None


def test_stock_tinydb_reads_the_same_documents(folder: Path) -> None:
    _district(folder)
    raw = (folder / "store.json").read_bytes()
    assert raw[_BODY_AT:].startswith(b'"_layout":{"1":{"format":1,"tail":'), "the layout follows the checksum"
    assert re.search(rb',"visits":\{.*\}\}$', raw, re.S), "visits come last"
    with Store.open(folder, readonly=True) as store:
        expected_visits = [to_doc(v) for v in store.visits()]
        expected_firms = sorted((to_doc(e) for e in store.enterprises()), key=lambda d: d["id"])
    with TinyDB(folder / "store.json") as plain:
        assert plain.table("visits").all() == expected_visits
        assert sorted(plain.table("enterprises").all(), key=lambda d: d["id"]) == expected_firms


def test_visits_are_read_on_first_use_and_equal_those_read_in_full(folder: Path, tmp_path: Path) -> None:
    firms, _ = _district(folder)
    with Store.open(
        folder
    ) as store:  # changes after the snapshot: replayed from the log over the unread table
        first = store.visits()[0]
        store.save_visit(first.edit(headcount=99))
        store.delete_visit(store.visits()[1].id)
        store.save_visit(visit(firms[2], visited_on=date(2025, 6, 1)))
    eager = tmp_path / "eager"
    shutil.copytree(folder, eager)
    (eager / "store.json").write_bytes(_old_layout((folder / "store.json").read_bytes()))
    with Store.open(folder) as lazy, Store.open(eager) as full:
        assert _lazy(lazy) and not _lazy(full)
        assert lazy.get_enterprise(firms[0]) == full.get_enterprise(firms[0])
        assert lazy.counts() == full.counts()
        assert _lazy(lazy), "counting, an enterprise: the visits are still not parsed"
        assert _state(lazy) == _state(full)
        assert not _lazy(lazy)
        assert lazy.get_visit(first.id).headcount == 99  # type: ignore[union-attr]
        assert lazy.db.table("visits").all() == full.db.table("visits").all()


def test_tinydb_and_a_new_snapshot_see_visits_never_parsed(folder: Path) -> None:
    firms, visits = _district(folder)
    with Store.open(folder) as store:
        assert len(store.db.table("visits").all()) == 12  # TinyDB's read parses them
    with Store.open(folder) as store:
        added = store.save_visit(visit(firms[0]))
        assert _lazy(store)
        store.snapshot()  # written whole, the unread visits with the new one
    with Store.open(folder) as store:
        assert _lazy(store)
        assert store.visits() == [*visits, added]


def _tamper(folder: Path, edit: bytes, to: bytes) -> None:
    path = folder / "store.json"
    raw = path.read_bytes()
    assert raw.count(edit) == 1, edit
    path.write_bytes(_with_checksum(raw.replace(edit, to)))


@pytest.mark.parametrize("what", ["offset", "pending flag", "owner", "table after the columns"])
def test_a_layout_that_does_not_hold_up_is_read_in_full(folder: Path, what: str) -> None:
    firms, visits = _district(folder)
    with Store.open(folder, readonly=True) as store:
        expected = _state(store)
    raw = (folder / "store.json").read_bytes()
    tail = re.search(rb'"tail":(\d+)', raw)
    assert tail is not None
    flags = re.search(rb"\[(?:true|false)(?:,(?:true|false))*\]", raw)
    assert flags is not None and flags.group().count(b"false") == 5
    if what == "offset":
        _tamper(folder, tail.group(), b'"tail":%d' % (int(tail.group(1)) + 1))
    elif (
        what == "pending flag"
    ):  # the columns say a synced visit waits (checksum recomputed: only the CRC sees)
        _tamper(folder, flags.group(), flags.group().replace(b"false", b"true", 1))
    elif what == "owner":
        columns_at = raw.index(b'"_columns"')
        owner = raw.index(firms[0].encode(), columns_at)
        path = folder / "store.json"
        path.write_bytes(_with_checksum(raw[:owner] + firms[1].encode() + raw[owner + len(firms[0]) :]))
    else:  # a visit edited in the table, the columns left as they were: the CRC no longer matches
        doc = to_doc(visits[0])
        _tamper(folder, orjson.dumps(doc)[1:-1], orjson.dumps({**doc, "headcount": 77})[1:-1])
        expected = None
    with Store.open(folder) as store:
        assert not _lazy(store), "read in full"
        if expected is not None:
            assert _state(store) == expected
        else:
            assert store.get_visit(visits[0].id).headcount == 77  # type: ignore[union-attr]
            assert store.pending_visits() == [v for v in store.visits() if v.pending_since is not None]


def test_a_snapshot_in_the_earlier_layout_still_opens(folder: Path) -> None:
    firms, visits = _district(folder)
    with Store.open(folder, readonly=True) as store:
        expected = _state(store)
    path = folder / "store.json"
    path.write_bytes(_old_layout(path.read_bytes()))
    with TinyDB(path) as plain:
        assert set(plain.tables()) == {"_checksum", "_store", "enterprises", "visits"}
    with Store.open(folder) as store:
        assert not _lazy(store)
        assert _state(store) == expected
        store.save_visit(visit(firms[0]))
        store.snapshot()  # the next snapshot is in the new layout
    assert path.read_bytes()[_BODY_AT:].startswith(b'"_layout"')
    with Store.open(folder) as store:
        assert _lazy(store) and len(store.visits()) == len(visits) + 1


def test_a_damaged_visits_table_is_refused_at_open(folder: Path) -> None:
    from fieldapp.store import StoreDamaged

    _, visits = _district(folder)
    path = folder / "store.json"
    raw = path.read_bytes()
    at = raw.rindex(b'"headcount":2')  # inside the visits, which are not parsed at open: the checksum sees it
    path.write_bytes(raw[:at] + b'"headcount":3' + raw[at + 13 :])
    with pytest.raises(StoreDamaged):
        Store.open(folder)
