"""What the store set aside when it opened: the unreadable tail of its log, copied to a file of its own.

A writer opening a log whose tail cannot be replayed (a half-written last line, a flipped byte) copies that
tail, byte for byte, to ``store.wal.corrupt-<UTC time>`` (0600, fsynced) before it cuts the log back; the Store
lists each copy in ``Store.set_aside`` and the CLI and the terminal app tell the user, in their language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fieldapp.core.i18n import Lang, gettext
from fieldapp.files import write_atomic

__all__ = ["CORRUPT_PREFIX", "SetAside", "set_aside"]

CORRUPT_PREFIX = "store.wal.corrupt-"


@dataclass(frozen=True)
class SetAside:
    """An unreadable log tail of the store in *folder*, kept in *path*: its size in bytes, its lines, how many
    of them still decode (lines after a damaged one), and whether it was only a half-written last line (a crash
    while saving). *path* is None when a read-only store saw it: still in the log, set aside by the next writer.
    """

    folder: Path
    path: Path | None
    size: int
    lines: int
    intact: int
    torn: bool

    def message(self, lang: Lang = "vi") -> str:
        """What happened, where the bytes are, and what to do, for a person."""
        if self.path is None:
            return gettext(
                "Part of the log of the data folder {folder} cannot be read and is not shown (lines: {lines}, "
                "bytes: {size}); the next fieldapp that writes the folder keeps it aside. "
                "Run “fieldapp doctor” to see what is wrong.",
                lang,
                folder=self.folder,
                lines=self.lines,
                size=self.size,
            )
        if self.torn:
            return gettext(
                "The last change in the log of {folder} was only half written (fieldapp or the computer stopped "
                "while saving it), so it was never saved. Its bytes were kept in {path}; "
                "“fieldapp doctor” tells more.",
                lang,
                folder=self.folder,
                path=self.path,
            )
        return gettext(
            "Part of the log of the data folder {folder} could not be read and is not in the store (lines: "
            "{lines}, intact: {intact}, bytes: {size}). It was kept, as it was, in {path}. "
            "Run “fieldapp doctor” to see what can be recovered, and keep that file until then.",
            lang,
            folder=self.folder,
            path=self.path,
            lines=self.lines,
            size=self.size,
            intact=self.intact,
        )

    def to_dict(self) -> dict[str, object]:
        """The JSON form (``--json`` outputs)."""
        return {
            "path": None if self.path is None else str(self.path),
            "bytes": self.size,
            "lines": self.lines,
            "intact": self.intact,
            "torn": self.torn,
        }


def set_aside(folder: Path, tail: bytes, lines: int, intact: int, torn: bool) -> SetAside:
    """Copy *tail* to a new ``store.wal.corrupt-<UTC time>`` in *folder* (durable when it returns)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = folder / f"{CORRUPT_PREFIX}{stamp}"
    n = 1
    while path.exists():  # two in one second: never write over an earlier one
        n += 1
        path = folder / f"{CORRUPT_PREFIX}{stamp}-{n}"
    write_atomic(path, tail)
    return SetAside(folder, path, len(tail), lines, intact, torn)
