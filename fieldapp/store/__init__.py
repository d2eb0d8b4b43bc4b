"""The crash-safe offline store: enterprises and visits on TinyDB, a write-ahead log and atomic snapshots.

    from fieldapp.store import Store
    with Store.open(data_dir) as store:
        store.save_visit(visit)          # on disk when it returns

See docs/architecture.md ("The store") for the whole API and docs/performance.md for its figures.
"""

from fieldapp.store.errors import (
    StoreCorrupt,
    StoreDamaged,
    StoreError,
    StoreIOError,
    StoreLocked,
    StoreReadOnly,
    StoreTooNew,
)
from fieldapp.store.setaside import SetAside
from fieldapp.store.store import Kind, PendingOpen, Store
from fieldapp.store.views import read_view

__all__ = [
    "Kind",
    "PendingOpen",
    "SetAside",
    "Store",
    "StoreCorrupt",
    "StoreDamaged",
    "StoreError",
    "StoreIOError",
    "StoreLocked",
    "StoreReadOnly",
    "StoreTooNew",
    "read_view",
]
