"""The standard streams, set up before the first word is written (a module of its own: every command, ``--help``
included, needs it, and nothing else of the command line)."""

from __future__ import annotations

import io
import sys

__all__ = ["utf8_output"]


def utf8_output() -> None:
    """Make stdout and stderr write UTF-8 when they would not (called before anything is written).

    On Windows a redirected or piped stream (``fieldapp enterprise list > list.txt``) is written in the ANSI code
    page (cp1252), which has no Vietnamese letters: every Vietnamese word would end the command with a
    UnicodeEncodeError. The console itself is already UTF-8 there, and so is nearly every POSIX locale.
    """
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding != "utf8" and isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8")
