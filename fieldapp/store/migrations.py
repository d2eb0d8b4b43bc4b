"""Schema migrations of the store file, applied on open, oldest first.

``MIGRATIONS[n]`` turns the tables of a version-``n`` file into version ``n + 1``. The file's version is in its
``_store`` table; a file without one is version 0.

Version 0 (the first field prototype) kept only the content and the timestamps: records had no ``rev``,
``pending_since``, ``server_version`` or ``schema_version``, visits had no ``managers`` count, and the file had
no ``_store`` table. Every migrated record is validated in full, since it was not written by this version.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fieldapp.core.errors import RecordError
from fieldapp.core.records import SCHEMA_VERSION, Enterprise, Record, Visit, utcnow
from fieldapp.store.errors import StoreCorrupt

__all__ = ["MIGRATIONS", "back_up", "migrate"]

Tables = dict[str, dict[str, dict[str, Any]]]


def _v0_to_v1(tables: Tables) -> Tables:
    now = utcnow().isoformat()
    for name, model in (("enterprises", Enterprise), ("visits", Visit)):
        table = tables.get(name, {})
        for doc_id, doc in table.items():
            doc = dict(doc)
            doc.setdefault("created_at", now)
            doc.setdefault("updated_at", doc["created_at"])
            doc.setdefault("rev", 1)
            # a version-0 record was never synced: it is pending since it was last changed
            doc.setdefault("pending_since", doc["updated_at"])
            doc.setdefault("server_version", None)
            doc["schema_version"] = 1
            if model is Visit:
                doc.setdefault("managers", 0)
            table[doc_id] = doc
        tables[name] = table
    return tables


#: version n -> the function that turns version n tables into version n + 1
MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {0: _v0_to_v1}


def migrate(tables: Tables, version: int, path: Path) -> Tables:
    """Bring *tables* (read from *path*, at *version*) to the current schema version, validating each record."""
    for step in range(version, SCHEMA_VERSION):
        tables = MIGRATIONS[step](tables)
    for name, model in (("enterprises", Enterprise), ("visits", Visit)):
        table = tables.get(name, {})
        for doc_id, doc in table.items():
            table[doc_id] = _revalidated(model, doc, path)
    return tables


def _revalidated(model: type[Record], doc: dict[str, Any], path: Path) -> dict[str, Any]:
    try:
        record = model.parse(doc)
    except RecordError as exc:
        raise StoreCorrupt(path, f"{doc.get('id')}: {exc.message('en')}") from None
    fresh = record.to_doc()
    fresh.pop("content_hash", None)
    return fresh


def back_up(folder: Path, paths: list[Path], version: int) -> None:
    """Copy each existing, non-empty file in *paths* to ``NAME.vVERSION.bak`` before a migration rewrites it."""
    from fieldapp.files import write_atomic

    for path in paths:
        if path.exists() and path.stat().st_size > 0:
            target = folder / f"{path.name}.v{version}.bak"
            write_atomic(target, path.read_bytes())
            shutil.copymode(path, target)
