"""Schema migrations of the store file, applied on open, oldest first.

``MIGRATIONS[n]`` turns the tables of a version-``n`` file into version ``n + 1``. The file's version is in its
``_store`` table; a file without one is version 0.

Version 0 (the first field prototype) kept only the content and the timestamps: records had no ``rev``,
``pending_since``, ``server_version`` or ``schema_version``, visits had no ``managers`` count, and the file had
no ``_store`` table. Every migrated record is validated in full, since it was not written by this version.

Version 1 had no map: an enterprise's ward was free text. Version 2 adds ``province_code`` and ``ward_code`` (the
2025 map, ``fieldapp.core.admin_units``). The migration puts on the map every ward it can place without a doubt:
a 2025 ward of the store's province, or an old ward (with its district) that merged into one 2025 ward. Such a
record gets the official name and the codes as a local edit (``rev`` + 1, pending): the next sync sends the codes
to the server like any correction. A ward it cannot place (split between several wards, or on no map) is left as
it is, without codes; ``fieldapp wards unmatched`` lists those with their candidates, for a person to choose.
The store's province is the one most of its wards are in (a federation works one province); Hà Nội when none is.
"""

from __future__ import annotations

import shutil
from collections import Counter
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


def _v1_to_v2(tables: Tables) -> Tables:
    # imported here: the map and the old-address table load only when a store needs migrating
    from fieldapp.core.admin_units import DEFAULT_PROVINCE, provinces_with_ward
    from fieldapp.core.old_map import place_ward

    enterprises = tables.get("enterprises", {})
    votes: Counter[str] = Counter()
    for doc in enterprises.values():
        votes.update(provinces_with_ward(str(doc.get("ward") or "")))
    province = votes.most_common(1)[0][0] if votes else DEFAULT_PROVINCE
    now = utcnow().isoformat()
    for doc_id, doc in enterprises.items():
        doc = dict(doc, schema_version=2)
        doc.setdefault("province_code", None)
        doc.setdefault("ward_code", None)
        if doc["ward_code"] is None:
            placement = place_ward(
                str(doc.get("ward") or ""), str(doc.get("district") or ""), default_province=province
            )
            fields = placement.fields()
            if fields:
                doc.update(fields)
                # a local edit: the server receives the codes at the next sync
                doc["rev"] = int(doc.get("rev") or 1) + 1
                doc["updated_at"] = now
                doc["pending_since"] = doc.get("pending_since") or now
        enterprises[doc_id] = doc
    for name, table in tables.items():
        if name != "enterprises" and not name.startswith(
            "_"
        ):  # visits, founding cases: the same layout as before
            for doc_id, doc in table.items():
                if isinstance(doc, dict) and "schema_version" in doc:
                    table[doc_id] = dict(doc, schema_version=2)
    return tables


#: version n -> the function that turns version n tables into version n + 1
MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {0: _v0_to_v1, 1: _v1_to_v2}


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
