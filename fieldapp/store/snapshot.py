"""The snapshot file's bytes: a plain TinyDB JSON document whose first table carries the SHA-256 of the rest, laid out
so that opening it parses only what the indexes need.

``store.json`` is ``{"_checksum":{"1":{"sha256":"<64 hex>"}},`` followed by the snapshot's JSON without its
opening brace; the digest is that of the snapshot's JSON (``{`` + the rest). Stock TinyDB still reads the file
(``_checksum`` is one more table), and a flipped byte anywhere, even inside a value that still parses, shows.
A file without the header was written by an earlier fieldapp: it is read as it is and gets a checksum with the
next snapshot.

**Layout (lazy table).** Given a ``Lazy`` (a table, and the fields of its documents the indexes need), the
writer puts that table *last* and adds two small tables, still plain TinyDB tables:

- ``_layout``, right after ``_checksum``: ``{"1":{"format":1,"tail":N}}``, where ``N`` is the number of bytes from
  the lazy table's key to the end of the file (counted from the end, so the figure does not depend on its own
  width);
- ``_columns``: ``{"1":{"table":T,"fields":[...],"flags":[...],"doc_ids":[...],"values":[[...],...],"crc":C}}``:
  column by column, in the table's order, the listed fields of every document of the lazy table, then for each
  flag field whether it is set (not null); and the CRC-32 binding these columns to the lazy table's bytes.

``read_snapshot`` then checks the SHA-256 of the whole file as before (in a thread, while it parses), parses
everything *before* the lazy table, and keeps the lazy table's bytes to parse on first use. It trusts the layout
only when the checksum vouched for the file, the ``_layout`` figure lands exactly on the lazy table's key, and the
columns have the shape and the CRC they should; anything else (an earlier file, a hand edit, a damaged section)
is parsed in full, as before: the layout can make an open faster, never make it wrong. A reader that knows
nothing of it (stock TinyDB, an earlier fieldapp) sees two more tables; the store drops them when it reads a file.
"""

from __future__ import annotations

import hashlib
import re
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from fieldapp.store.errors import StoreDamaged

__all__ = [
    "CHECKSUM_TABLE",
    "COLUMNS_TABLE",
    "LAYOUT_TABLE",
    "Lazy",
    "LazyPart",
    "Snapshot",
    "decode_snapshot",
    "declared_digest",
    "encode_snapshot",
    "parse_lazy",
    "read_snapshot",
]

CHECKSUM_TABLE = "_checksum"
LAYOUT_TABLE = "_layout"
COLUMNS_TABLE = "_columns"
_DERIVED = (CHECKSUM_TABLE, LAYOUT_TABLE, COLUMNS_TABLE)
_PREFIX = b'{"%s":{"1":{"sha256":"' % CHECKSUM_TABLE.encode()
_SUFFIX = b'"}},'
_HEX = 64
_FORMAT = 1
_LAYOUT = re.compile(
    rb'"%s":\{"1":\{"format":%d,"tail":([0-9]{1,15})\}\},' % (LAYOUT_TABLE.encode(), _FORMAT)
)
# below this size the checksum is computed in line: a thread costs more than it saves
_THREAD_AT = 1 << 20


@dataclass(frozen=True)
class Lazy:
    """Which table a snapshot keeps for last and reads on first use, and what of its documents is kept apart: the
    values of *fields*, and whether each of *flags* is set (not None)."""

    table: str
    fields: tuple[str, ...]
    flags: tuple[str, ...] = ()

    def row(self, doc: dict[str, Any]) -> tuple[Any, ...]:
        """What is kept of *doc*: its *fields*' values, then its *flags*."""
        return (*(doc.get(f) for f in self.fields), *(doc.get(f) is not None for f in self.flags))


@dataclass
class LazyPart:
    """The lazy table of a snapshot as read: its JSON bytes, not parsed, and what is kept of each document: the
    document ids and one column per field then flag of ``Lazy`` (``Lazy.row`` of each), in the table's order."""

    table: str
    raw: memoryview
    doc_ids: list[str]
    columns: list[list[Any]]


@dataclass
class Snapshot:
    """A snapshot as read: its tables (the lazy one left out when ``lazy`` holds it), and whether a checksum
    vouched for them."""

    tables: dict[str, Any]
    checked: bool
    lazy: LazyPart | None = None


def encode_snapshot(doc: dict[str, Any], lazy: Lazy | None = None) -> bytes:
    """The bytes of a snapshot holding *doc* (a dict of tables, not empty), checksum first; with *lazy*, in the
    layout that lets ``read_snapshot`` leave that table for later."""
    if lazy is None or lazy.table not in doc:
        body = orjson.dumps(doc)
    else:
        table = doc[lazy.table]
        value = orjson.dumps(table)
        values = [[d.get(f) for d in table.values()] for f in lazy.fields]
        values += [[d.get(f) is not None for d in table.values()] for f in lazy.flags]
        columns: dict[str, Any] = {
            "table": lazy.table,
            "fields": list(lazy.fields),
            "flags": list(lazy.flags),
        }
        columns["doc_ids"] = list(table)
        columns["values"] = values
        columns["crc"] = _columns_crc(columns, value)
        head = orjson.dumps(
            {COLUMNS_TABLE: {"1": columns}, **{k: v for k, v in doc.items() if k != lazy.table}}
        )
        tail = b"%s:%s}" % (orjson.dumps(lazy.table), value)
        layout = b'"%s":{"1":{"format":%d,"tail":%d}},' % (LAYOUT_TABLE.encode(), _FORMAT, len(tail))
        body = b"".join((b"{", layout, memoryview(head)[1:-1], b",", tail))
    digest = hashlib.sha256(body).hexdigest().encode()
    return b"".join((_PREFIX, digest, _SUFFIX, memoryview(body)[1:]))


def decode_snapshot(raw: bytes, path: Path) -> tuple[dict[str, Any], bool]:
    """Every table in the snapshot bytes *raw* read from *path* (parsed in full), and whether a checksum vouched
    for them. Raises StoreDamaged when the checksum does not match or the bytes are not a JSON object of tables.
    """
    snapshot = read_snapshot(raw, path, None)
    return snapshot.tables, snapshot.checked


def read_snapshot(raw: bytes, path: Path, lazy: Lazy | None) -> Snapshot:
    """The snapshot in *raw* (read from *path*), with *lazy*'s table left unparsed when the file's layout allows it.

    Raises StoreDamaged when the checksum does not match or the bytes are not a JSON object of tables.
    """
    checked = raw.startswith(_PREFIX)
    body_at = len(_PREFIX) + _HEX + len(_SUFFIX)
    if checked and raw[body_at - len(_SUFFIX) : body_at] != _SUFFIX:
        raise StoreDamaged(path, "checksum header")
    check = _Checksum(raw, body_at) if checked else None
    split = _split(raw, body_at, lazy) if checked and lazy is not None else None
    part = None
    if split is not None:
        try:
            tables = _tables(split[0], path)
            part = _lazy_part(tables, split[1], lazy)  # type: ignore[arg-type]
        except StoreDamaged:
            pass  # the layout does not hold up: the whole file, as an earlier one
    if part is None:
        try:
            tables = _tables(raw, path)
        except StoreDamaged:
            if check is not None:
                check.verify(path)  # a checksum mismatch is the better name for damage
            raise
    if check is not None:
        check.verify(path)
    for name in _DERIVED:
        tables.pop(name, None)
    return Snapshot(tables, checked, part)


def parse_lazy(part: LazyPart, path: Path) -> dict[str, Any]:
    """The documents of the lazy table *part* (read from *path*): parsed now."""
    try:
        docs = orjson.loads(part.raw)
    except orjson.JSONDecodeError as exc:  # cannot happen to bytes the checksum and the CRC vouched for
        raise StoreDamaged(path, str(exc)) from None
    if not isinstance(docs, dict):
        raise StoreDamaged(path, "not a TinyDB file")
    return docs


class _Checksum:
    """The SHA-256 of a snapshot's body, and the CRC-32 of each byte range asked for, computed in a thread for a
    big file (hashlib and zlib let go of the interpreter lock: on two cores it runs beside the parse)."""

    def __init__(self, raw: bytes, body_at: int):
        self._raw = raw
        self._body_at = body_at
        self.digest = b""
        if len(raw) >= _THREAD_AT:
            self._thread: threading.Thread | None = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        else:
            self._thread = None
            self._run()

    def _run(self) -> None:
        hashed = hashlib.sha256(b"{")
        hashed.update(memoryview(self._raw)[self._body_at :])  # hashed in place: not copied
        self.digest = hashed.hexdigest().encode()

    def verify(self, path: Path) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self.digest != self._raw[len(_PREFIX) : len(_PREFIX) + _HEX]:
            raise StoreDamaged(path, "checksum mismatch")


def _split(raw: bytes, body_at: int, lazy: Lazy) -> tuple[bytes, memoryview] | None:
    """(the file's JSON without the lazy table, the lazy table's value) when the layout marks it; else None."""
    found = _LAYOUT.match(raw, body_at)
    if found is None:
        return None
    key = orjson.dumps(lazy.table) + b":"
    key_at = len(raw) - int(found.group(1))
    value_at = key_at + len(key)
    if (
        key_at <= found.end()
        or raw[key_at - 1 : key_at] != b","
        or raw[key_at:value_at] != key
        or not raw.endswith(b"}}")
    ):
        return None
    view = memoryview(raw)
    return b"".join((view[: key_at - 1], b"}")), view[value_at:-1]


def _lazy_part(tables: dict[str, Any], value: memoryview, lazy: Lazy) -> LazyPart | None:
    """The lazy table from its bytes and the ``_columns`` the file keeps of it, when they agree; else None."""
    try:
        columns = tables[COLUMNS_TABLE]["1"]
        doc_ids, values = columns["doc_ids"], columns["values"]
        if (
            columns["table"] != lazy.table
            or columns["fields"] != list(lazy.fields)
            or columns["flags"] != list(lazy.flags)
            or not isinstance(doc_ids, list)
            or not isinstance(values, list)
            or len(values) != len(lazy.fields) + len(lazy.flags)
            or any(not isinstance(v, list) or len(v) != len(doc_ids) for v in values)
            or columns["crc"] != _columns_crc(columns, value)
        ):
            return None
    except (KeyError, TypeError):
        return None
    # the columns came from the writer's own dict: unique document ids, numbers as text (else: not this layout)
    if len(set(doc_ids)) != len(doc_ids) or not all(type(d) is str and d.isdigit() for d in doc_ids):
        return None
    return LazyPart(lazy.table, value, doc_ids, values)


def _columns_crc(columns: dict[str, Any], value: bytes | memoryview) -> int:
    """The CRC-32 of the lazy table's bytes and of the columns kept of it: a section edited apart from the table
    (the checksum recomputed) does not pass."""
    kept = [columns["table"], columns["fields"], columns["flags"], columns["doc_ids"], columns["values"]]
    return zlib.crc32(orjson.dumps(kept), zlib.crc32(value))


def _tables(raw: bytes, path: Path) -> dict[str, Any]:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreDamaged(path, str(exc)) from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise StoreDamaged(path, "not a TinyDB file")
    return data


def declared_digest(path: Path) -> str | None:
    """The checksum the snapshot at *path* declares in its first bytes (the rest is not read, nor checked);
    None when the file is missing or has no checksum header."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(_PREFIX) + _HEX)
    except FileNotFoundError:
        return None
    if not head.startswith(_PREFIX) or len(head) != len(_PREFIX) + _HEX:
        return None
    return head[len(_PREFIX) :].decode("ascii", "replace")
