"""``fieldapp doctor``: what is wrong with a data folder, and a repair that keeps every original.

``examine(folder)`` checks the folder and its files (modes, the writer lock, the snapshot's checksum and
schema version, the previous snapshot, the log's lines and their order, tails set aside earlier, the records
themselves) and returns ``Finding``s, each ``ok`` or a problem, worded by the catalog.

``repair(folder)`` copies every store file into ``doctor-backup-<UTC time>/`` first, then rebuilds the
snapshot from the newest one that passes its checksum (``store.json``, else ``store.json.prev``) and the log
lines that follow it without a gap (``store.wal.prev`` then ``store.wal``), empties the log, moves the tails
set aside earlier into the backup and makes the folder 0700 and the files 0600. Nothing is lost: what it did
not replay is in the backup, byte for byte.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import orjson

from fieldapp.core.i18n import N_, Lang, gettext
from fieldapp.core.records import SCHEMA_VERSION
from fieldapp.files import POSIX_MODES, PRIVATE_DIR, PRIVATE_FILE, make_private_dir, write_atomic
from fieldapp.store.errors import StoreCorrupt, StoreError, StoreLocked
from fieldapp.store.lock import LOCK_FILE, FolderLock
from fieldapp.store.setaside import CORRUPT_PREFIX
from fieldapp.store.snapshot import decode_snapshot, encode_snapshot
from fieldapp.store.storage import (
    INFO_TABLE,
    PREV_SNAPSHOT_FILE,
    PREV_WAL_FILE,
    SNAPSHOT_FILE,
    WAL_FILE,
    Tables,
    apply_ops,
    snapshot_info,
)
from fieldapp.store.wal import read_wal

__all__ = ["BACKUP_PREFIX", "DoctorError", "Finding", "RepairReport", "examine", "needs_rebuild", "repair"]

BACKUP_PREFIX = "doctor-backup-"
SETTINGS_FILE = "settings.json"  # fieldapp.settings.SETTINGS_FILE (the store does not import the settings)

MESSAGES: Mapping[str, str] = {
    # all is well
    "folder_ok": N_("The data folder {folder} is the owner's only (mode {mode})."),
    "snapshot_ok": N_("{path}: checksum correct, schema version {version}, last change {changes}."),
    "snapshot_unchecked": N_(
        "{path} has no checksum (written by an earlier fieldapp); it gets one with the next snapshot."
    ),
    "prev_ok": N_("{path}: the previous snapshot is readable (last change {changes})."),
    "no_prev": N_("There is no previous snapshot yet ({path}); one is kept from the next snapshot on."),
    "wal_ok": N_("{path}: the log is readable and in order (lines: {lines})."),
    "records_ok": N_("The store opens (enterprises: {enterprises}, visits: {visits})."),
    "empty": N_("The data folder {folder} holds no store yet; nothing to check."),
    # problems
    "folder_open": N_(
        "The data folder {folder} can be read by other users (mode {mode}); “fieldapp doctor --repair” makes "
        "it 0700."
    ),
    "file_open": N_(
        "{path} can be read by other users (mode {mode}); “fieldapp doctor --repair” makes it 0600."
    ),
    "not_a_file": N_("{path} is a folder where fieldapp keeps a file; move it out of the data folder."),
    "locked": N_("Another fieldapp is writing the data folder {folder}; close it before repairing."),
    "snapshot_missing": N_("The snapshot {path} is missing although the folder holds a log."),
    "snapshot_damaged": N_("{path} is damaged ({detail})."),
    "too_new": N_("{path} was written by a newer fieldapp (schema version {found}); update fieldapp."),
    "old_schema": N_("{path} has schema version {found}; it is brought to version {supported} when opened."),
    "prev_damaged": N_("The previous snapshot {path} is damaged ({detail})."),
    "wal_tail": N_(
        "{path} ends with an unreadable part (lines: {lines}, bytes: {size}); the next fieldapp that writes "
        "sets it aside."
    ),
    "wal_gap": N_("{path} misses changes {first} to {last}; what follows them cannot be replayed."),
    "set_aside_file": N_(
        "{path} holds a part of the log set aside earlier (lines: {lines}, intact: {intact}, bytes: {size}); "
        "“fieldapp doctor --repair” moves it into its backup folder."
    ),
    "records_unreadable": N_("The store does not open: {detail}"),
    "settings_unreadable": N_("{path} cannot be read ({detail}); “fieldapp config set” writes a new one."),
    # what a repair did
    "backed_up": N_("Copied the original files into {path} (files: {count})."),
    "rebuilt": N_(
        "Rebuilt {path} from {base} and the log (changes replayed: {replayed}; enterprises: {enterprises}, "
        "visits: {visits})."
    ),
    "not_replayed": N_(
        "Changes of the log that could not be replayed (after a gap): {skipped}; they are in the backup folder."
    ),
    "moved": N_("Moved {path} into the backup folder."),
    "tightened": N_("Made {path} the owner's only (mode {mode})."),
}


@dataclass(frozen=True)
class Finding:
    """One thing the doctor found or did: a code from ``MESSAGES``, its parameters, and whether it is fine."""

    code: str
    ok: bool
    params: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: Lang = "vi") -> str:
        """The sentence for a person, in *lang*."""
        return gettext(MESSAGES[self.code], lang, **self.params)

    def to_dict(self, lang: Lang = "vi") -> dict[str, Any]:
        """The JSON form: code, ok, parameters (paths as text) and the message."""
        params = {k: str(v) if isinstance(v, Path) else v for k, v in self.params.items()}
        return {"code": self.code, "ok": self.ok, "params": params, "message": self.message(lang)}


class DoctorError(StoreError):
    """The repair cannot go on; nothing was changed (the backup may already have been made)."""

    MESSAGES: ClassVar[Mapping[str, str]] = {
        "no_good_snapshot": N_(
            "Neither {path} nor its previous snapshot can be read in {folder}; the doctor cannot rebuild the "
            "store from them. Nothing was changed; keep the folder as it is and ask for help."
        ),
    }


@dataclass
class RepairReport:
    """What ``repair`` did, in order, and where the originals went (None: nothing was rebuilt)."""

    backup: Path | None
    actions: list[Finding]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def _store_files(folder: Path) -> list[Path]:
    names = [SNAPSHOT_FILE, PREV_SNAPSHOT_FILE, WAL_FILE, PREV_WAL_FILE]
    found = [folder / n for n in names if (folder / n).exists()]
    return found + sorted(folder.glob(f"{CORRUPT_PREFIX}*"))


def _read_snapshot(path: Path) -> tuple[Tables, int, int, bool]:
    """(tables, schema version, seq, checked) of a snapshot file; StoreCorrupt when it cannot be used."""
    tables, checked = decode_snapshot(path.read_bytes(), path)
    info = tables.pop(INFO_TABLE, None)
    if info is None:
        return tables, 0, 0, checked
    try:
        return tables, int(info["1"]["schema_version"]), int(info["1"]["seq"]), checked
    except (KeyError, TypeError, ValueError):
        raise StoreCorrupt(path, "no schema version") from None


def _log_lines(folder: Path) -> dict[int, list[Any]]:
    """Every intact log line of ``store.wal.prev`` and ``store.wal`` by seq (the later file wins a tie)."""
    lines: dict[int, list[Any]] = {}
    for name in (PREV_WAL_FILE, WAL_FILE):
        path = folder / name
        if path.is_file():
            lines.update(read_wal(path).entries)
    return lines


def examine(folder: Path) -> list[Finding]:
    """Check the data folder *folder*, changing nothing; every finding, problems and all-is-well alike."""
    if not folder.is_dir() or not (_store_files(folder) or (folder / LOCK_FILE).exists()):
        return [Finding("empty", True, {"folder": folder})]
    found: list[Finding] = []
    if POSIX_MODES:  # on Windows the folder's ACL decides who reads it, not a mode (fieldapp.files)
        mode = _mode(folder)
        ok_mode = not mode & 0o077
        found.append(
            Finding(
                "folder_ok" if ok_mode else "folder_open", ok_mode, {"folder": folder, "mode": f"{mode:o}"}
            )
        )
    for path in [*_store_files(folder), folder / LOCK_FILE, folder / SETTINGS_FILE]:
        if not path.exists():
            continue
        if path.is_dir():
            found.append(Finding("not_a_file", False, {"path": path}))
        elif POSIX_MODES and _mode(path) & 0o077:
            found.append(Finding("file_open", False, {"path": path, "mode": f"{_mode(path):o}"}))
    found += _check_lock(folder)
    found += _check_settings(folder / SETTINGS_FILE)
    seq = _check_snapshots(folder, found)
    found += _check_log(folder, seq)
    for path in sorted(folder.glob(f"{CORRUPT_PREFIX}*")):
        if path.is_file():
            tail = read_wal(path)
            params = {"path": path, "lines": tail.tail_lines + len(tail.entries), "size": tail.size}
            params["intact"] = len(tail.entries) + tail.tail_intact
            found.append(Finding("set_aside_file", False, params))
    if all(f.ok for f in found):
        found += _check_records(folder)
    return found


def _check_lock(folder: Path) -> list[Finding]:
    if (folder / LOCK_FILE).is_dir():
        return []  # reported as not_a_file
    lock = FolderLock(folder)
    try:
        lock.acquire()
    except StoreLocked:
        return [Finding("locked", False, {"folder": folder})]
    except OSError:
        return []  # a lock we cannot open is reported by the mode checks
    lock.release()
    return []


def _check_settings(path: Path) -> list[Finding]:
    if not path.is_file():
        return []
    try:
        orjson.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        return [Finding("settings_unreadable", False, {"path": path, "detail": str(exc)})]
    return []


def _check_snapshots(folder: Path, found: list[Finding]) -> int | None:
    """Check store.json and store.json.prev into *found*; the seq of store.json when it is usable."""
    seq: int | None = None
    path = folder / SNAPSHOT_FILE
    if not path.is_file():
        if (folder / WAL_FILE).is_file() and (folder / WAL_FILE).stat().st_size:
            found.append(Finding("snapshot_missing", False, {"path": path}))
        else:
            seq = 0
    else:
        try:
            tables, version, seq, checked = _read_snapshot(path)
        except StoreCorrupt as exc:
            found.append(Finding("snapshot_damaged", False, {"path": path, "detail": exc.params["detail"]}))
        else:
            if version > SCHEMA_VERSION:
                found.append(Finding("too_new", False, {"path": path, "found": version}))
            elif version < SCHEMA_VERSION:
                params = {"path": path, "found": version, "supported": SCHEMA_VERSION}
                found.append(Finding("old_schema", True, params))
            if checked:
                found.append(Finding("snapshot_ok", True, {"path": path, "version": version, "changes": seq}))
            else:
                found.append(Finding("snapshot_unchecked", True, {"path": path}))
    prev = folder / PREV_SNAPSHOT_FILE
    if not prev.is_file():
        found.append(Finding("no_prev", True, {"path": prev}))
    else:
        try:
            _, _, prev_seq, _ = _read_snapshot(prev)
        except StoreCorrupt as exc:
            found.append(Finding("prev_damaged", False, {"path": prev, "detail": exc.params["detail"]}))
        else:
            found.append(Finding("prev_ok", True, {"path": prev, "changes": prev_seq}))
    return seq


def _check_log(folder: Path, seq: int | None) -> list[Finding]:
    path = folder / WAL_FILE
    if not path.is_file():
        return []
    wal = read_wal(path)
    found: list[Finding] = []
    if wal.tail_lines:
        found.append(
            Finding("wal_tail", False, {"path": path, "lines": wal.tail_lines, "size": len(wal.tail)})
        )
    if seq is not None:
        expected = seq + 1
        for s, _ in wal.entries:
            if s < expected:
                continue
            if s != expected:
                found.append(Finding("wal_gap", False, {"path": path, "first": expected, "last": s - 1}))
                break
            expected += 1
    if not found:
        found.append(Finding("wal_ok", True, {"path": path, "lines": len(wal.entries)}))
    return found


def _check_records(folder: Path) -> list[Finding]:
    from fieldapp.store.store import Store

    try:
        with Store.open(folder, readonly=True) as store:
            visits = store.visits()  # builds every visit: a damaged one is found now
            return [
                Finding("records_ok", True, {"enterprises": len(store.enterprises()), "visits": len(visits)})
            ]
    except StoreError as exc:
        return [Finding("records_unreadable", False, {"detail": exc.message("en")})]


#: problems a repair fixes without touching the store's contents
MODE_PROBLEMS = frozenset({"folder_open", "file_open"})


def needs_rebuild(findings: list[Finding]) -> bool:
    """True when a problem in *findings* is one that only rebuilding the store's files fixes."""
    return any(not f.ok and f.code not in MODE_PROBLEMS for f in findings)


def repair(folder: Path, *, rebuild: bool = True) -> RepairReport:
    """Rebuild the store in *folder* from its newest good snapshot and its log, every original kept first
    (without *rebuild*: only the modes of the folder and its files).

    Raises StoreLocked when another fieldapp writes the folder, DoctorError when no snapshot can be used;
    StoreIOError and the like when the disk refuses. The originals are copied before anything is written.
    """
    lock = FolderLock(folder)
    lock.acquire()
    try:
        report = _rebuild(folder) if rebuild else RepairReport(None, [])
        report.actions += _tighten(folder)
        return report
    finally:
        lock.release()


def _rebuild(folder: Path) -> RepairReport:
    base, tables, version, seq = _newest_good_snapshot(folder)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    backup = folder / f"{BACKUP_PREFIX}{stamp}"
    n = 1
    while backup.exists():
        n += 1
        backup = folder / f"{BACKUP_PREFIX}{stamp}-{n}"
    make_private_dir(backup)
    originals = _store_files(folder)
    for path in originals:
        if path.is_file():
            write_atomic(backup / path.name, path.read_bytes())
    actions = [Finding("backed_up", True, {"path": backup, "count": len(originals)})]

    lines = _log_lines(folder)
    replayed = 0
    while seq + 1 in lines:
        seq += 1
        apply_ops(tables, lines[seq])
        replayed += 1
    skipped = sum(1 for s in lines if s > seq)
    write_atomic(folder / SNAPSHOT_FILE, encode_snapshot(snapshot_info(version, seq, tables)))
    write_atomic(folder / WAL_FILE, b"")  # every line it held is in the snapshot or in the backup
    counts = {name: len(tables.get(name, {})) for name in ("enterprises", "visits")}
    base_name = base.name if base is not None else "-"
    actions.append(
        Finding(
            "rebuilt",
            True,
            {"path": folder / SNAPSHOT_FILE, "base": base_name, "replayed": replayed, **counts},
        )
    )
    if skipped:
        actions.append(Finding("not_replayed", True, {"skipped": skipped}))
    prev = folder / PREV_SNAPSHOT_FILE
    if prev.is_file() and prev != base:
        try:
            _read_snapshot(prev)
        except StoreCorrupt:
            prev.unlink()  # damaged, and copied into the backup above; the next snapshot makes a new one
            actions.append(Finding("moved", True, {"path": prev}))
    for path in sorted(folder.glob(f"{CORRUPT_PREFIX}*")):
        if path.is_file():
            path.unlink()  # copied into the backup above
            actions.append(Finding("moved", True, {"path": path}))
    return RepairReport(backup, actions)


def _tighten(folder: Path) -> list[Finding]:
    actions: list[Finding] = []
    if not POSIX_MODES:
        return actions  # chmod cannot make a Windows file private (only read-only): nothing to claim
    for path in [folder, *_store_files(folder), folder / LOCK_FILE, folder / SETTINGS_FILE]:
        wanted = PRIVATE_DIR if path == folder else PRIVATE_FILE
        if path.exists() and not (path != folder and path.is_dir()) and _mode(path) & 0o077:
            os.chmod(path, wanted)
            actions.append(Finding("tightened", True, {"path": path, "mode": f"{wanted:o}"}))
    return actions


def _newest_good_snapshot(folder: Path) -> tuple[Path | None, Tables, int, int]:
    """(file, tables, schema version, seq) of store.json if usable, else store.json.prev; an empty start when
    neither exists (the log alone, from its first line)."""
    candidates = [folder / SNAPSHOT_FILE, folder / PREV_SNAPSHOT_FILE]
    existing = [p for p in candidates if p.is_file()]
    for path in existing:
        try:
            tables, version, seq, _ = _read_snapshot(path)
        except StoreCorrupt:
            continue
        if version <= SCHEMA_VERSION:
            return path, tables, version, seq
    if existing:
        raise DoctorError("no_good_snapshot", folder, path=candidates[0], folder=folder)
    return None, {}, SCHEMA_VERSION, 0
