"""The official map since 1 July 2025: 34 provinces and their wards (phường, xã, đặc khu), no districts.

The list is the ``vietnam-provinces`` package's (codes of the General Statistics Office). It is imported the first
time a question is asked, never when fieldapp starts: opening the app must not wait for 3,321 wards.

A ward's name is compared by ``ward_key`` (no accents, unit word optional): "thanh nhan", "P. Bạch Mai" and
"phuong bach mai" find their ward. Two wards of one province may fold to the same key ("Xã Văn Lang" and "Xã Văn
Lăng"): the accents typed then decide, else the text is ambiguous.

``resolve_ward`` is the one rule every input path calls (the terminal app's form, ``fieldapp enterprise add/edit``):
a typed ward becomes the official name with its codes, or is refused naming the closest wards.

Codes are text, as the statistics office writes them: a province "01" (2 digits), a ward "00070" (5 digits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from fieldapp.core.errors import Problem, RecordError
from fieldapp.core.text import fold, nfc
from fieldapp.core.wards import closest_wards, typed_keys, ward_key

__all__ = [
    "DEFAULT_PROVINCE",
    "PROVINCE_COUNT",
    "WARD_COUNT",
    "Unit",
    "completion",
    "load",
    "match_ward",
    "normal_province_code",
    "normal_ward_code",
    "province_name",
    "provinces",
    "provinces_with_ward",
    "resolve_ward",
    "suggest_wards",
    "unit_of",
    "ward_by_code",
    "wards_of",
]

#: the federation's province when the settings name none: Thành phố Hà Nội
DEFAULT_PROVINCE = "01"
#: the size of the 2025 map (Resolution 202/2025/QH15; communes and wards after the mergers): the index refuses
#: a package holding any other list, e.g. the 63 provinces of before
PROVINCE_COUNT = 34
WARD_COUNT = 3321


@dataclass(frozen=True, slots=True)
class Unit:
    """One ward of the 2025 map."""

    code: str
    #: the official name, with its unit word: "Phường Bạch Mai", "Xã Bát Tràng", "Đặc khu Phú Quốc"
    name: str
    province_code: str
    #: the name without its unit word: "Bạch Mai"
    short_name: str

    @property
    def key(self) -> str:
        """``ward_key`` of the name: "bach mai"."""
        return ward_key(self.name)


@dataclass(frozen=True, slots=True)
class _Index:
    provinces: dict[str, str]
    wards: dict[str, Unit]
    by_province: dict[str, tuple[Unit, ...]]
    by_key: dict[tuple[str, str], tuple[Unit, ...]]


def load() -> None:
    """Load the map now rather than on the first question (a server does it at start: no request waits for it)."""
    _index()


@cache
def _index() -> _Index:
    # imported here: the package's tables cost about 50 ms, paid by the first question, not by every start
    from vietnam_provinces import Province, Ward

    provinces = {f"{p.code.value:02d}": p.name for p in Province.iter_all()}
    units = [
        Unit(
            code=f"{w.code.value:05d}",
            name=w.name,
            province_code=f"{w.province_code.value:02d}",
            short_name=_without_unit_word(w.name, w.division_type.value),
        )
        for w in Ward.iter_all()
    ]
    if len(provinces) != PROVINCE_COUNT or len(units) != WARD_COUNT:
        raise RuntimeError(
            f"vietnam-provinces holds {len(provinces)} provinces and {len(units)} wards, not the 2025 map's "
            f"{PROVINCE_COUNT} and {WARD_COUNT}: install vietnam-provinces >= 2025.10"
        )
    by_province: dict[str, list[Unit]] = {code: [] for code in provinces}
    by_key: dict[tuple[str, str], list[Unit]] = {}
    for unit in sorted(units, key=lambda u: (fold(u.short_name), u.code)):
        by_province[unit.province_code].append(unit)
        by_key.setdefault((unit.province_code, unit.key), []).append(unit)
    return _Index(
        provinces=provinces,
        wards={unit.code: unit for unit in units},
        by_province={code: tuple(found) for code, found in by_province.items()},
        by_key={key: tuple(found) for key, found in by_key.items()},
    )


def _without_unit_word(name: str, unit_word: str) -> str:
    if name.casefold().startswith(unit_word.casefold() + " "):
        return name[len(unit_word) + 1 :]
    return name


_DIGITS = re.compile(r"^\s*\d{1,5}\s*$")


def normal_province_code(code: str) -> str:
    """A province code as the office writes it: "1" -> "01" (other text is returned as it is)."""
    return f"{int(code):02d}" if _DIGITS.match(code) and len(code.strip()) <= 2 else code.strip()


def normal_ward_code(code: str) -> str:
    """A ward code as the office writes it: "70" -> "00070" (other text is returned as it is)."""
    return f"{int(code):05d}" if _DIGITS.match(code) else code.strip()


# --- questions -------------------------------------------------------------------------------------------------
def provinces() -> dict[str, str]:
    """Every province of the 2025 map: code -> official name."""
    return dict(_index().provinces)


def province_name(code: str) -> str | None:
    """The official name of province *code* ("01" -> "Thành phố Hà Nội"); None when there is none."""
    return _index().provinces.get(normal_province_code(code))


def wards_of(province_code: str) -> tuple[Unit, ...]:
    """The wards of a province, by name (no accents) then code; empty for an unknown province."""
    return _index().by_province.get(normal_province_code(province_code), ())


def ward_by_code(code: str) -> Unit | None:
    """The ward with *code* ("00070"), or None."""
    return _index().wards.get(normal_ward_code(code))


def unit_of(ward_code: str) -> tuple[str, str] | None:
    """(province name, ward name) of *ward_code*, or None: what a record's codes read as."""
    unit = ward_by_code(ward_code)
    return None if unit is None else (_index().provinces[unit.province_code], unit.name)


def _tail(text: str, words: int) -> str:
    # the last *words* words, accents kept: what tells "Văn Lang" from "Văn Lăng" once the keys agree
    return " ".join(nfc(text).casefold().replace(".", " ").split()[-words:])


def match_ward(text: str, province_code: str) -> tuple[Unit, ...]:
    """The wards of the province that *text* names: none, one, or several when the name is ambiguous.

    Accents and the unit word are optional ("thanh nhan" finds "Phường Thanh Nhàn" where there is one); when
    several wards share the unaccented name, the accents typed choose among them.
    """
    province = normal_province_code(province_code)
    found: tuple[Unit, ...] = ()
    key = ""
    for key in typed_keys(text):
        found = _index().by_key.get((province, key), ())
        if found:
            break
    if not key:
        return ()
    if len(found) > 1:
        words = len(key.split())
        exact = tuple(u for u in found if _tail(u.name, words) == _tail(text, words))
        if exact:
            return exact
    return found


def provinces_with_ward(text: str) -> set[str]:
    """The provinces that have a ward named *text* (no accents, unit word optional)."""
    key = ward_key(text)
    if not key:
        return set()
    return {code for code in _index().provinces if (code, key) in _index().by_key}


def suggest_wards(text: str, province_code: str, n: int = 3) -> list[Unit]:
    """The *n* wards of the province whose names are closest to *text* (no accents): those the text begins
    first, then the closest by spelling (difflib)."""
    wards = wards_of(province_code)
    by_name: dict[str, Unit] = {}
    for unit in wards:
        by_name.setdefault(unit.name, unit)
    return [by_name[name] for name in closest_wards(text, [u.name for u in wards], n)]


def completion(text: str, province_code: str) -> str | None:
    """The official name the typed *text* begins, spelled the way it was begun (with or without the unit word),
    so an input can show the rest: "bach m" -> "Bạch Mai", "phuong bach m" -> "Phường Bạch Mai"."""
    typed = fold(text)
    if not typed:
        return None
    for unit in wards_of(province_code):
        for form in (unit.short_name, unit.name):
            if fold(form).startswith(typed):
                return form
    return None


def resolve_ward(text: str, province_code: str) -> dict[str, Any]:
    """The fields a typed ward gives a record: the official name and the codes (``ward``, ``ward_code``,
    ``province_code``), or, for an empty text, no ward at all.

    Raises RecordError on field ``ward`` when the text names no ward of the province (the message names the
    closest three) or several (it names them: type the accents).
    """
    if not text.strip():
        return {"ward": "", "ward_code": None, "province_code": None}
    province = normal_province_code(province_code)
    found = match_ward(text, province)
    if len(found) == 1:
        unit = found[0]
        return {"ward": unit.name, "ward_code": unit.code, "province_code": unit.province_code}
    where = province_name(province) or province
    if found:
        choices = ", ".join(u.name for u in found)
        raise RecordError(
            [Problem("ward", "ambiguous_ward", {"value": text, "other": where, "choices": choices})]
        )
    close = suggest_wards(text, province)
    code = "unknown_ward" if close else "unknown_ward_no_suggestion"
    choices = ", ".join(u.name for u in close)
    raise RecordError([Problem("ward", code, {"value": text, "other": where, "choices": choices})])
