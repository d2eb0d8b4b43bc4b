"""Small views derived from the store, kept beside it and trusted only for the exact state they were made from.

The terminal app paints its first screen from one (``fieldapp.tui.home_view``) while the store itself loads. A
view is a file ``view-<name>.json`` in the data folder: a header line ``{"stamp": S, "sha256": D}`` then the
payload's JSON, whose SHA-256 is ``D``. ``S`` is the store's state stamp when the payload was made
(``state_stamp``): the checksum the snapshot carries in its first bytes (``fieldapp.store.snapshot``) and the
SHA-256 of the whole write-ahead log. Every change the store makes appends a log line or writes a new snapshot, so
any change, a crash between a log append and the view's write included, makes the stamp differ and the view
stale: ``read_view`` then answers None and the caller loads the store in full. A view that does not decode or
fails its own checksum is None too. Views are never a source of truth; deleting one loses nothing.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import orjson

from fieldapp.files import write_atomic
from fieldapp.store.snapshot import declared_digest
from fieldapp.store.storage import SNAPSHOT_FILE, WAL_FILE

__all__ = ["read_view", "state_stamp", "view_path", "write_view"]


def view_path(folder: Path, name: str) -> Path:
    """The file of view *name* in the data folder *folder*."""
    return folder / f"view-{name}.json"


def state_stamp(folder: Path) -> str | None:
    """What identifies the store's current state on disk, cheaply (the snapshot's first bytes and the log);
    None when there is no checksummed snapshot to identify it by."""
    digest = declared_digest(folder / SNAPSHOT_FILE)
    if digest is None:
        return (
            None  # no snapshot, or an earlier fieldapp's without a checksum: nothing cheap names its content
        )
    try:
        log = (folder / WAL_FILE).read_bytes()
    except FileNotFoundError:
        log = b""
    return digest + ":" + hashlib.sha256(log).hexdigest()


def write_view(folder: Path, name: str, stamp: str, payload: Any) -> None:
    """Keep *payload* (JSON-ready) as view *name*, made from the store's state *stamp*; atomic, owner only."""
    body = orjson.dumps(payload)
    header = orjson.dumps({"stamp": stamp, "sha256": hashlib.sha256(body).hexdigest()})
    write_atomic(view_path(folder, name), header + b"\n" + body)


def read_view(folder: Path, name: str) -> Any | None:
    """The payload of view *name* when it was made from the store's current state; None when there is none, it
    is stale (the store changed since) or it is damaged."""
    try:
        raw = view_path(folder, name).read_bytes()
    except OSError:
        return None
    header, _, body = raw.partition(b"\n")
    try:
        meta = orjson.loads(header)
        if not isinstance(meta, dict) or hashlib.sha256(body).hexdigest() != meta.get("sha256"):
            return None
        stamp = meta.get("stamp")
        if stamp is None or stamp != state_stamp(folder):
            return None
        return orjson.loads(body)
    except (orjson.JSONDecodeError, OSError):
        return None
