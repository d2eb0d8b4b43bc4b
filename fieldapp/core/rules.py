"""Eligibility thresholds: the package's ``rules.toml``, then the federation's, then the laptop's own override.

Three layers, each overriding the one before key by key:

1. the package's ``rules.toml`` (the Charter's defaults);
2. the federation's rules, set on the server (``fieldapp-server rules set FILE``) and written by each sync to
   ``<data dir>/federation-rules.toml``: every laptop and the server classify with them, so they agree;
3. ``<data dir>/rules.toml``, a laptop-local override, shown as such wherever the rules are shown.

Exceptions:

    RecordError
      └── RulesError    a rules file cannot be read or holds an unknown key or a bad value; names the key
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from fieldapp.core.errors import Problem, RecordError
from fieldapp.core.labels import Lang

__all__ = [
    "DEFAULT_RULES_FILE",
    "FEDERATION_RULES_FILE",
    "RULES_FILE",
    "RULE_KEYS",
    "Rules",
    "RulesError",
    "default_rules",
    "load_rules",
    "parse_rules",
    "with_federation",
]

#: the name of the override file in the data folder
RULES_FILE = "rules.toml"
#: the federation's rules as the last sync received them, in the data folder
FEDERATION_RULES_FILE = "federation-rules.toml"
#: the defaults shipped with the package (the one source of truth for every threshold)
DEFAULT_RULES_FILE = Path(__file__).with_name("rules.toml")

# key -> (kind, lowest allowed, highest allowed). Counts of 0 are allowed where 0 simply turns a flag off.
_LIMITS: dict[str, tuple[str, int, int]] = {
    "min_members": ("count", 1, 10_000),
    "small_size": ("count", 0, 1_000_000),
    "seasonal_share": ("share", 0, 1),
    "stale_months": ("count", 1, 1200),
    "priority_size": ("count", 0, 1_000_000),
    # founding deadlines, in working days (fieldapp.core.founding)
    "bch_meeting_days": ("count", 1, 365),
    "dossier_days": ("count", 1, 365),
    "decision_days": ("count", 1, 365),
    # the federation's own days off besides the public holidays: a list of dates
    "extra_days_off": ("dates", 0, 1000),
}
#: the keys a rules file may hold, in display order
RULE_KEYS: tuple[str, ...] = tuple(_LIMITS)


class RulesError(RecordError):
    """A rules file was refused; ``problems`` name each key at fault and ``path`` the file."""

    def __init__(self, problems: list[Problem], path: Path | None = None):
        self.path = path
        super().__init__(problems)
        if path is not None:
            self.args = (f"{path}: {self.args[0]}",)

    def describe(self, lang: Lang = "vi") -> str:
        text = super().describe(lang)
        return f"{self.path}: {text}" if self.path is not None else text


@dataclass(frozen=True, slots=True)
class Rules:
    """The thresholds classification uses (see docs/rules.md for each one's source)."""

    min_members: int
    small_size: int
    seasonal_share: float
    stale_months: int
    priority_size: int
    #: working days from the founding congress to the BCH's first meeting, and to the dossier sent
    bch_meeting_days: int = 10
    dossier_days: int = 15
    #: working days from the dossier sent to the recognition decision (the federation's own target)
    decision_days: int = 15
    #: days off the federation adds to the public holidays (sorted, no repeats)
    extra_days_off: tuple[date, ...] = ()
    #: the files these values were read from, package defaults first (for the settings view)
    sources: tuple[Path, ...] = ()
    #: the keys the laptop's own override file changed
    overridden: tuple[str, ...] = ()
    #: the keys the federation's rules (from the server) changed
    federation: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        problems = [p for key in RULE_KEYS if (p := _check(key, getattr(self, key))) is not None]
        if problems:
            raise RulesError(problems)
        object.__setattr__(self, "extra_days_off", _dates(self.extra_days_off))

    def values(self) -> dict[str, int | float | list[str]]:
        """The thresholds alone, in display order, JSON-ready (days off as ISO dates)."""
        return {key: _plain(getattr(self, key)) for key in RULE_KEYS}

    def shown(self, key: str) -> str:
        """The value of *key* as a person reads it (days off as ISO dates, comma-separated; none: "–")."""
        value = _plain(getattr(self, key))
        if isinstance(value, list):
            return ", ".join(value) or "–"
        return str(value)

    def replace(self, **changes: Any) -> Rules:
        """A copy with some thresholds changed (validated). Raises RulesError."""
        return dataclasses.replace(self, **changes)


def _plain(value: Any) -> Any:
    return [d.isoformat() for d in value] if isinstance(value, tuple) else value


def _dates(value: Any) -> tuple[date, ...] | None:
    """A list of dates (TOML dates or ISO text) as a sorted tuple without repeats; None when it is not one."""
    if not isinstance(value, list | tuple):
        return None
    days: set[date] = set()
    for item in value:
        if isinstance(item, date) and not hasattr(item, "hour"):
            days.add(item)
            continue
        try:
            days.add(date.fromisoformat(item))
        except (TypeError, ValueError):
            return None
    return tuple(sorted(days))


def _check(key: str, value: Any) -> Problem | None:
    """The problem with *value* for *key*, or None when it is fine."""
    kind, low, high = _LIMITS[key]
    if kind == "dates":
        days = _dates(value)
        if days is None:
            return Problem(key, "not_a_date_list", {"value": value})
        if len(days) > high:
            return Problem(key, "too_large", {"limit": high})
        return None
    # bool is an int in Python; `true` in a TOML file is never a count.
    if kind == "count":
        if isinstance(value, bool) or not isinstance(value, int):
            return Problem(key, "not_a_number", {"value": value})
        if value < low:
            return Problem(key, "too_small", {"limit": low})
        if value > high:
            return Problem(key, "too_large", {"limit": high})
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return Problem(key, "not_a_share", {"value": value})
    if not low < value <= high:
        return Problem(key, "not_a_share", {"value": value})
    return None


def _read(path: Path) -> dict[str, Any]:
    """The checked key/values of one rules file. Raises RulesError naming the file and each bad key."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RulesError([Problem(RULES_FILE, "rules_syntax", {"value": path, "other": exc})], path) from None
    except OSError as exc:  # unreadable (permissions, a folder of that name): refuse rather than ignore it
        raise RulesError([Problem(RULES_FILE, "invalid", {"value": exc})], path) from None
    return parse_rules(text, path)


def parse_rules(text: str, path: Path | str | None = None) -> dict[str, Any]:
    """The checked key/values of a rules file's *text* (named *path* in messages). Raises RulesError naming each
    bad key: the one check for the laptop's file, the federation's file and ``fieldapp-server rules set``."""
    where = Path(path) if path is not None else None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        name = path if path is not None else RULES_FILE
        raise RulesError(
            [Problem(RULES_FILE, "rules_syntax", {"value": name, "other": exc})], where
        ) from None
    problems: list[Problem] = []
    for key, value in raw.items():
        if key not in _LIMITS:
            problems.append(Problem(key, "unknown_rule", {"choices": ", ".join(RULE_KEYS)}))
        elif (problem := _check(key, value)) is not None:
            problems.append(problem)
    if problems:
        raise RulesError(problems, where)
    # a share written as `1` is an int in TOML; keep the type the field declares
    if "seasonal_share" in raw:
        raw["seasonal_share"] = float(raw["seasonal_share"])
    if "extra_days_off" in raw:
        raw["extra_days_off"] = _dates(raw["extra_days_off"])
    return raw


@cache
def default_rules() -> Rules:
    """The rules shipped with the package."""
    values = _read(DEFAULT_RULES_FILE)
    missing = [Problem(key, "missing", {}) for key in RULE_KEYS if key not in values]
    if missing:  # a broken installation, not a user's mistake; still say which key
        raise RulesError(missing, DEFAULT_RULES_FILE)
    return Rules(**values, sources=(DEFAULT_RULES_FILE,))


def load_rules(data_dir: Path | None = None) -> Rules:
    """The package rules, overridden key by key by the federation's (``data_dir/federation-rules.toml``) and then
    by the laptop's own ``data_dir/rules.toml``, each when it exists. Raises RulesError."""
    rules = default_rules()
    if data_dir is None:
        return rules
    federation_path = Path(data_dir) / FEDERATION_RULES_FILE
    if federation_path.exists():
        rules = with_federation(rules, _read(federation_path), federation_path)
    path = Path(data_dir) / RULES_FILE
    if not path.exists():
        return rules
    overrides: Mapping[str, Any] = _read(path)
    return dataclasses.replace(
        rules,
        **overrides,
        sources=(*rules.sources, path),
        overridden=tuple(key for key in RULE_KEYS if key in overrides),
    )


def with_federation(rules: Rules, values: Mapping[str, Any], source: Path | None = None) -> Rules:
    """*rules* overridden by the federation's checked *values* (``parse_rules``)."""
    return dataclasses.replace(
        rules,
        **values,
        sources=(*rules.sources, source) if source is not None else rules.sources,
        federation=tuple(key for key in RULE_KEYS if key in values),
    )
