"""The snapshot file's bytes: a plain TinyDB JSON document whose first table carries the SHA-256 of the rest.

``store.json`` is ``{"_checksum":{"1":{"sha256":"<64 hex>"}},`` followed by the snapshot's JSON without its
opening brace; the digest is that of the snapshot's JSON (``{`` + the rest). Stock TinyDB still reads the file
(``_checksum`` is one more table), and a flipped byte anywhere, even inside a value that still parses, shows.
A file without the header was written by an earlier fieldapp: it is read as it is and gets a checksum with the
next snapshot.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import orjson

from fieldapp.store.errors import StoreDamaged

__all__ = ["CHECKSUM_TABLE", "decode_snapshot", "declared_digest", "encode_snapshot"]

CHECKSUM_TABLE = "_checksum"
_PREFIX = b'{"%s":{"1":{"sha256":"' % CHECKSUM_TABLE.encode()
_SUFFIX = b'"}},'
_HEX = 64


def encode_snapshot(doc: dict[str, Any]) -> bytes:
    """The bytes of a snapshot holding *doc* (a dict of tables, not empty), checksum first."""
    body = orjson.dumps(doc)
    digest = hashlib.sha256(body).hexdigest().encode()
    return _PREFIX + digest + _SUFFIX + body[1:]


def decode_snapshot(raw: bytes, path: Path) -> tuple[dict[str, Any], bool]:
    """The tables in the snapshot bytes *raw* read from *path*, and whether a checksum vouched for them.

    Raises StoreDamaged when the checksum does not match or the bytes are not a JSON object of tables.
    """
    checked = raw.startswith(_PREFIX)
    if checked:
        digest = raw[len(_PREFIX) : len(_PREFIX) + _HEX]
        body_at = len(_PREFIX) + _HEX + len(_SUFFIX)
        if raw[body_at - len(_SUFFIX) : body_at] != _SUFFIX:
            raise StoreDamaged(path, "checksum header")
        # hashed and parsed in place: a big snapshot is not copied (the whole file is JSON, header included)
        hashed = hashlib.sha256(b"{")
        hashed.update(memoryview(raw)[body_at:])
        if hashed.hexdigest().encode() != digest:
            raise StoreDamaged(path, "checksum mismatch")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise StoreDamaged(path, str(exc)) from None
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise StoreDamaged(path, "not a TinyDB file")
    data.pop(CHECKSUM_TABLE, None)
    return data, checked


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
