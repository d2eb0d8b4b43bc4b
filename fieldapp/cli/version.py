"""``fieldapp --version``: what a cadre reads out when asking for help — the version, the sync protocol, the folder.

It never creates the data folder nor the settings file: it only says where they are.
"""

from __future__ import annotations

import os
from pathlib import Path

import fieldapp
from fieldapp.core.i18n import Lang, gettext
from fieldapp.datafolder import ENV_DATA_DIR, resolve_data_dir
from sync.protocol import PROTOCOL_VERSION

__all__ = ["version_lines"]


def _origin(data_dir: str | None, lang: Lang) -> str:
    if data_dir:
        return "--data-dir"
    if os.environ.get(ENV_DATA_DIR):
        return f"${ENV_DATA_DIR}"
    return gettext("the platform's user data folder", lang)


def version_lines(data_dir: str | None, lang: Lang) -> list[str]:
    """The lines ``fieldapp --version`` prints; the first is always ``fieldapp X.Y.Z``, in every language."""
    folder: Path = resolve_data_dir(data_dir).absolute()
    where = _origin(data_dir, lang)
    if not folder.is_dir():
        where += ", " + gettext("not created yet", lang)
    return [
        f"fieldapp {fieldapp.__version__}",
        gettext("Sync protocol: {number}", lang, number=PROTOCOL_VERSION),
        gettext("Data folder: {folder} ({origin})", lang, folder=str(folder), origin=where),
    ]
