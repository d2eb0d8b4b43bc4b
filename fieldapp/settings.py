"""Where the data lives and the cadre's settings (settings.json in the data folder, written atomically)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import orjson
import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from fieldapp.core.errors import Problem, RecordError, custom_error, problems_from_validation
from fieldapp.core.i18n import Lang
from fieldapp.core.records import new_id
from fieldapp.files import make_private_dir, write_atomic
from fieldapp.store.errors import StoreIOError

__all__ = [
    "ENV_DATA_DIR",
    "SETTINGS_FILE",
    "Settings",
    "load_settings",
    "mask_token",
    "resolve_data_dir",
    "save_settings",
]

ENV_DATA_DIR = "FIELDAPP_DATA_DIR"
SETTINGS_FILE = "settings.json"


def resolve_data_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: *explicit* (``--data-dir``), else ``$FIELDAPP_DATA_DIR``, else the platform's user data folder."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    return platformdirs.user_data_path("fieldapp", appauthor=False)


class Settings(BaseModel):
    """The cadre's settings. Keys settable with ``fieldapp config set KEY VALUE`` are listed in CONFIG_KEYS."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    cadre: str | None = Field(default=None, max_length=100)
    language: Lang = "vi"
    theme: str = "textual-dark"
    server: str | None = None
    token: str | None = None
    verify_tls: bool = True
    #: identifies this laptop to the server; made once, never changed
    device_id: str = Field(default_factory=new_id)

    @field_validator("server")
    @classmethod
    def _server_url(cls, value: str | None) -> str | None:
        # what the sync client can talk to: an http(s) URL with a host; empty means not set
        if not value:
            return None
        try:
            parts = urlsplit(value)
            ok = parts.scheme in ("http", "https") and bool(parts.hostname) and " " not in value
        except ValueError:  # e.g. a malformed port or IPv6 address
            ok = False
        if not ok:
            raise custom_error("bad_url", value=value)
        return value

    CONFIG_KEYS: ClassVar[tuple[str, ...]] = ("cadre", "language", "theme", "server", "token", "verify_tls")

    def updated(self, key: str, value: Any) -> Settings:
        """A copy with *key* set to *value*; raises RecordError naming the key when it is unknown or invalid."""
        if key not in self.CONFIG_KEYS:
            raise RecordError([Problem(key, "unknown_field", {})])
        data = self.model_dump()
        data[key] = value if value != "" else None
        try:
            return Settings.model_validate(data)
        except ValidationError as exc:
            raise RecordError(problems_from_validation(exc)) from None


def mask_token(token: str | None) -> str | None:
    """A token shown safely: its last 4 characters at most, and only when it is long enough to keep the rest secret."""
    if not token:
        return token
    return "…" + token[-4:] if len(token) >= 16 else "…"


def load_settings(data_dir: Path) -> Settings:
    """The settings stored in *data_dir*; defaults (with a new device id, saved) when there are none."""
    path = data_dir / SETTINGS_FILE
    try:
        raw = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        settings = Settings()
        save_settings(data_dir, settings)
        return settings
    except OSError as exc:  # no permission, a folder named settings.json: said for people
        raise StoreIOError.from_os_error(exc, data_dir) from exc
    except orjson.JSONDecodeError as exc:
        raise RecordError([_bad_file(path, exc)]) from None
    try:
        return Settings.model_validate(raw)
    except ValidationError as exc:
        raise RecordError(problems_from_validation(exc)) from None


def save_settings(data_dir: Path, settings: Settings) -> None:
    """Store *settings* in *data_dir*, atomically (the folder made 0700, the file 0600).

    Raises StoreIOError naming the folder when the disk is full, the folder read-only, and the like.
    """
    try:
        make_private_dir(data_dir)
        write_atomic(
            data_dir / SETTINGS_FILE, orjson.dumps(settings.model_dump(), option=orjson.OPT_INDENT_2)
        )
    except OSError as exc:
        raise StoreIOError.from_os_error(exc, data_dir) from exc


def _bad_file(path: Path, exc: Exception) -> Problem:
    return Problem(str(path), "invalid", {"value": str(exc)})
