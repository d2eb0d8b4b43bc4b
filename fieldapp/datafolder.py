"""Where the data folder is, and the one setting read before anything else is imported: the language.

Kept apart from fieldapp/settings.py (pydantic) so that ``fieldapp --help`` finds the user's language, and
``fieldapp --version`` the folder, without importing the settings model (tests/cli/test_cli_startup.py).
"""

from __future__ import annotations

import os
from pathlib import Path

from fieldapp.core.i18n import Lang, as_lang, is_lang

__all__ = ["ENV_DATA_DIR", "SETTINGS_FILE", "resolve_data_dir", "stored_language"]

ENV_DATA_DIR = "FIELDAPP_DATA_DIR"
SETTINGS_FILE = "settings.json"


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: *explicit* (``--data-dir``), else ``$FIELDAPP_DATA_DIR``, else the platform's user data folder."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_data_path("fieldapp", appauthor=False)


def stored_language(data_dir: Path) -> Lang | None:
    """The language saved in *data_dir*'s settings, or None when there is no settings file or it names none.

    Only reads: a missing file is not created (``load_settings`` does that, with the defaults), and an unreadable
    one is reported by ``load_settings`` when a command needs the settings.
    """
    import orjson

    try:
        raw = orjson.loads((data_dir / SETTINGS_FILE).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    value = raw.get("language") if isinstance(raw, dict) else None
    return as_lang(value) if is_lang(value) else None
