"""Windows refuses to replace a file another program (Excel) holds open: ``fieldapp.files.replace`` retries, then
names it. These fakes make its renames fail that way, on any platform."""

from __future__ import annotations

import errno
import os

import pytest

import fieldapp.files

__all__ = ["refuse_renames"]


def refuse_renames(monkeypatch: pytest.MonkeyPatch, times: int | None = None) -> list[float]:
    """Make the first *times* renames of ``fieldapp.files`` fail with Windows' PermissionError (every one when
    None), the others go through. The pauses between the retries are recorded in the list returned, not slept."""
    real_replace = os.replace
    refused = [0]

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if times is None or refused[0] < times:
            refused[0] += 1
            raise PermissionError(errno.EACCES, "Access is denied", os.fspath(dst))
        real_replace(src, dst)

    pauses: list[float] = []
    monkeypatch.setattr(fieldapp.files, "_sleep", pauses.append)
    monkeypatch.setattr(fieldapp.files.os, "replace", replace)
    return pauses
