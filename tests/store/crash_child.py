"""Child process for the crash tests: writes to a store in a loop and reports each change once it returned.

    python crash_child.py FOLDER ENTERPRISE_ID SNAPSHOT_BYTES [MODE]

Prints, flushed, one line per event: ``ready`` once the store is open; ``intent ID...`` before a batch save
(so the parent can check a killed batch is all there or not at all); ``edit ID HASH`` before replacing a
visit; ``saved ID HASH`` after a save returned; ``meta N`` after ``set_meta("counter", N)`` returned.
MODE ``stall-snapshot`` or ``stall-truncate`` freezes the first snapshot half way (temp file half written)
or between the new snapshot and the move of the log to store.wal.prev, printing ``stalled``, so the parent can kill it there.
Bounded: stops after 20 s or 50,000 changes.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from store_factories import visit

import fieldapp.store.storage as storage_module
from fieldapp.store import Store
from fieldapp.store.wal import WriteAheadLog


def _stall(*_: object) -> None:
    print("stalled", flush=True)
    time.sleep(30)
    os._exit(3)


def _half_written_snapshot(path: Path, payload: bytes) -> None:
    # what write_atomic has done when a crash hits it mid-write: a temp file with part of the payload
    fd, _tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.write(fd, payload[: len(payload) // 2])
    os.fsync(fd)
    _stall()


def main() -> None:
    folder, enterprise_id, snapshot_bytes = sys.argv[1], sys.argv[2], int(sys.argv[3])
    mode = sys.argv[4] if len(sys.argv) > 4 else "normal"
    store = Store.open(folder, snapshot_bytes=snapshot_bytes)
    if mode == "stall-snapshot":
        storage_module.write_atomic = _half_written_snapshot  # type: ignore[assignment]
    elif mode == "stall-truncate":
        WriteAheadLog.rotate = _stall  # type: ignore[assignment,method-assign]
    print("ready", flush=True)
    deadline = time.monotonic() + 20
    saved = []
    for i in range(1, 50_001):
        if time.monotonic() > deadline:
            break
        if i % 7 == 0:
            batch = [visit(enterprise_id, note=f"lô {i} số {k}") for k in range(3)]
            print("intent", *(v.id for v in batch), flush=True)
            store.save_visits(batch)
            for v in batch:
                print("saved", v.id, v.content_hash, flush=True)
            saved += batch
        elif i % 11 == 0 and saved:
            edited = saved[i % len(saved)].edit(headcount=31 + i % 50)
            print("edit", edited.id, edited.content_hash, flush=True)
            store.save_visit(edited)
            print("saved", edited.id, edited.content_hash, flush=True)
        elif i % 13 == 0:
            store.set_meta("counter", i)
            print("meta", i, flush=True)
        else:
            v = store.save_visit(visit(enterprise_id, note=f"lần {i}: công nhân quan tâm"))
            print("saved", v.id, v.content_hash, flush=True)
            saved.append(v)
    store.close()


if __name__ == "__main__":
    main()
