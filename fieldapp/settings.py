"""Where the data lives and the cadre's settings (settings.json in the data folder, written atomically)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from fieldapp.core.admin_units import DEFAULT_PROVINCE, normal_province_code, province_name
from fieldapp.core.errors import Problem, RecordError, custom_error, problems_from_validation
from fieldapp.core.i18n import N_, Lang, gettext
from fieldapp.core.records import new_id
from fieldapp.datafolder import ENV_DATA_DIR, SETTINGS_FILE, resolve_data_dir
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
    "sends_in_clear",
]


class Settings(BaseModel):
    """The cadre's settings. Keys settable with ``fieldapp config set KEY VALUE`` are listed in CONFIG_KEYS."""

    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    #: the name this laptop's visits carry: the server user name once a token is set (taken from the server, see
    #: sync/client/_identity.py), else the name the cadre gave once
    cadre: str | None = Field(default=None, max_length=100)
    #: the cadre's full name and role as the server knows them (None until the server said)
    full_name: str | None = Field(default=None, max_length=200)
    role: str | None = Field(default=None, max_length=20)
    language: Lang = "vi"
    theme: str = "textual-dark"
    server: str | None = None
    token: str | None = None
    verify_tls: bool = True
    #: allow plain http:// to a server other than this machine (the token then travels unencrypted)
    allow_insecure: bool = False
    #: seconds one sync may take in all, and one request (its answer included: a server trickling bytes keeps
    #: every read alive, so only a total deadline ends it)
    sync_deadline: float = Field(default=120.0, gt=0, le=86_400)
    request_deadline: float = Field(default=60.0, gt=0, le=86_400)
    #: the federation's province on the 2025 map (code): typed wards are completed and checked against its wards
    province: str = DEFAULT_PROVINCE
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

    @field_validator("province", mode="before")
    @classmethod
    def _province_code(cls, value: Any) -> Any:
        # written as the office writes it ("1" -> "01"); whether it exists is checked when it is set (``updated``),
        # not here: reading the settings at every start must not load the map
        if value is None or value == "":
            return DEFAULT_PROVINCE
        return normal_province_code(str(value))

    CONFIG_KEYS: ClassVar[tuple[str, ...]] = (
        "cadre", "language", "theme", "server", "token", "verify_tls",
        "allow_insecure", "sync_deadline", "request_deadline", "province",
    )  # fmt: skip

    @property
    def shown_cadre(self) -> str:
        """The cadre's name as screens show it: the full name the server gave, else the name visits carry."""
        return self.full_name or self.cadre or ""

    def with_identity(self, name: str, full_name: str | None, role: str | None) -> Settings:
        """A copy that knows who the token is (the server's answer): visits carry *name* from now on."""
        return self.model_copy(update={"cadre": name, "full_name": full_name, "role": role})

    def updated(self, key: str, value: Any, *, insecure: bool = False) -> Settings:
        """A copy with *key* set to *value*; raises RecordError naming the key when it is unknown or invalid.

        A server reached by plain http:// on another machine is refused unless ``allow_insecure`` is set or
        *insecure* is given (``--insecure``), which also sets ``allow_insecure``: the cadre said so once.
        """
        if key not in self.CONFIG_KEYS:
            raise RecordError([Problem(key, "unknown_field", {})])
        data = self.model_dump()
        data[key] = value if value != "" else None
        if key == "server" and insecure:
            data["allow_insecure"] = True
        try:
            settings = Settings.model_validate(data)
        except ValidationError as exc:
            raise RecordError(problems_from_validation(exc)) from None
        if key == "province" and province_name(settings.province) is None:
            raise RecordError([Problem("province", "unknown_province_code", {"value": value})])
        if key == "server" and settings.refuses_server():
            raise RecordError([Problem("server", "insecure_url", {"value": settings.server})])
        return settings

    # Checked when the server is set and before every sync, never when the file is read: a laptop set up before
    # this rule must still open, and `fieldapp config set` must still be able to fix it.
    def sends_token_in_clear(self) -> bool:
        """True when the server is plain http:// to another machine: the token and records travel unencrypted."""
        return bool(self.server) and sends_in_clear(self.server or "")

    def refuses_server(self, *, insecure: bool = False) -> bool:
        """True when syncing with the server must be refused: plain http:// to another machine, not allowed by
        ``allow_insecure`` nor by *insecure* (``--insecure`` for one run)."""
        return self.sends_token_in_clear() and not (self.allow_insecure or insecure)

    def insecure_warning(self, lang: Lang = "vi", *, insecure: bool = False) -> str | None:
        """What to tell the cadre at each sync with a plain-http server that is allowed (``allow_insecure`` or
        *insecure*), in *lang*; None: nothing to say (https, this machine, or refused: the refusal says it)."""
        if not self.sends_token_in_clear() or self.refuses_server(insecure=insecure):
            return None
        return gettext(_IN_CLEAR, lang, server=self.server)


_IN_CLEAR = N_(
    "Warning: {server} is reached by plain http://, so the access token and the records travel unencrypted and "
    "anyone on the network can read them. Use an https:// address unless this network is trusted."
)
_LOOPBACK_NAMES = frozenset({"localhost", "localhost."})


def sends_in_clear(url: str) -> bool:
    """True when *url* is plain http:// to a host other than this machine (127.0.0.0/8, ::1 and ``localhost`` are
    this machine: nothing leaves it)."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return False  # not a URL at all: the server check refuses it
    if parts.scheme.lower() != "http":
        return False
    if host in _LOOPBACK_NAMES:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return True  # a name: it may resolve anywhere
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1
    return not (address.is_loopback or (mapped is not None and mapped.is_loopback))


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
