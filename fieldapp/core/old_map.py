"""Addresses written before 1 July 2025 (63 provinces, districts, about 10,000 communes) put on the 2025 map.

Registries and old lists still say "Phường Thanh Nhàn, Quận Hai Bà Trưng, Hà Nội". ``place_ward`` finds the 2025
ward such an address is in now:

- a ward already on the 2025 map (of the province given, else the federation's) is taken directly, unless a
  district says the text is an old address (an old ward may share its name with a new one of another extent);
- an old ward, read with its district by the ``vietnamadminunits`` package, becomes the 2025 ward it merged into;
- an old ward that was SPLIT between several 2025 wards is not assigned: the package's converter would pick its
  "default" new ward, or geocode the street over the network; we read its table of split wards instead and give
  back every candidate, for a person to choose.

The conversion table is the package's (``converter_2025.json``), never one of ours. It is loaded at the first
question: importing the package costs about half a second.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from fieldapp.core.admin_units import (
    Unit,
    match_ward,
    normal_province_code,
    provinces,
    suggest_wards,
    wards_of,
)
from fieldapp.core.text import fold, nfc

__all__ = ["Placed", "Placement", "place_ward", "province_code_of"]


class Placed(StrEnum):
    EMPTY = "empty"  # no ward was written
    MATCHED = "matched"  # already a 2025 ward
    CONVERTED = "converted"  # an old ward, merged into one 2025 ward
    SPLIT = "split"  # an old ward split between several 2025 wards: ``candidates``
    AMBIGUOUS = "ambiguous"  # names several 2025 wards that fold alike: ``candidates``
    UNKNOWN = "unknown"  # on neither map: ``candidates`` are the closest names


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a written ward is on the 2025 map: ``unit`` when it is one ward, else the ``candidates``."""

    how: Placed
    unit: Unit | None = None
    candidates: tuple[Unit, ...] = field(default=())

    def fields(self) -> dict[str, Any]:
        """The record fields of a placed ward (official name and codes); empty when it is not placed."""
        if self.unit is None:
            return {}
        return {"ward": self.unit.name, "ward_code": self.unit.code, "province_code": self.unit.province_code}


def _compact(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


_PROVINCE_WORDS = re.compile(r"^(?:thanh pho|tinh|tp)\b\.?\s*")


def province_code_of(text: str) -> str | None:
    """The 2025 province a text names ("Hà Nội", "TP. Hồ Chí Minh", "01"); None for another text (an old
    province such as "Hải Dương" is found through the conversion, with a district)."""
    text = text.strip()
    if text.isdigit():
        code = normal_province_code(text)
        return code if code in provinces() else None
    key = _PROVINCE_WORDS.sub("", fold(text)).replace(".", " ").strip()
    key = re.sub(r"[^a-z0-9]", "", key)
    for code, name in provinces().items():
        if _compact(_PROVINCE_WORDS.sub("", fold(name))) == key:
            return code
    return None


@cache
def _table() -> dict[str, Any]:
    import vietnamadminunits

    path = Path(vietnamadminunits.__file__).parent / "data" / "converter_2025.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    # the package's province key ("thanhphohanoi", "tinhcaobang") -> our code
    keys = {}
    for code, name in provinces().items():
        compact = _compact(name)
        keys[compact if compact.startswith("thanhpho") else "tinh" + compact] = code
    data["_codes"] = keys
    return data


@cache
def _package_keys(province_code: str) -> dict[str, Unit]:
    # the package keys a 2025 ward by its folded name with the unit word ("phuongbachmai"), or, where two wards
    # fold alike, by its name lower-cased with its accents ("xãvănlăng")
    wards = wards_of(province_code)
    compact = [_compact(u.name) for u in wards]
    keys = {key: u for key, u in zip(compact, wards, strict=True) if compact.count(key) == 1}
    keys.update((nfc(u.name).casefold().replace(" ", ""), u) for u in wards)
    return keys


def _converted(ward: str, district: str, province: str) -> tuple[Unit, ...] | None:
    """The 2025 wards an old ward became (one, or several when it was split); None when it is not an old ward."""
    from vietnamadminunits import ParseMode, parse_address

    # no street: the package would geocode one over the network
    address = ", ".join(part.replace(",", " ") for part in (ward, district, province))
    try:
        old = parse_address(address, mode=ParseMode.LEGACY, keep_street=False, level=3)
    except Exception:  # the package raises bare exceptions on text it cannot read
        return None
    if not (old.province_key and old.district_key and old.ward_key):
        return None
    table = _table()
    new_province = next((k for k, olds in table["DICT_PROVINCE"].items() if old.province_key in olds), None)
    code = table["_codes"].get(new_province or "")
    if code is None:
        return None
    old_key = f"{old.province_key}_{old.district_key}_{old.ward_key}"
    new_keys = [
        k
        for k, olds in table["DICT_PROVINCE_WARD_NO_DIVIDED"].get(new_province, {}).items()
        if old_key in olds
    ]
    new_keys += [
        w["newWardKey"] for w in table["DICT_PROVINCE_WARD_DIVIDED"].get(new_province, {}).get(old_key, [])
    ]
    units = [_package_keys(code).get(key) for key in dict.fromkeys(new_keys)]
    found = tuple(u for u in units if u is not None)
    return found or None


def place_ward(
    ward: str, district: str = "", province: str = "", *, default_province: str = "01"
) -> Placement:
    """Where the ward written *ward* (with its old *district* and its *province*, when known) is on the 2025 map.

    *province* may name a 2025 province or an old one; without it, *default_province* (the federation's).
    """
    if not ward.strip():
        return Placement(Placed.EMPTY)
    code = province_code_of(province) if province.strip() else default_province
    if district.strip():
        # an old address: its old ward says where it is now, whatever a 2025 ward of the same name covers
        old_province = province if province.strip() else (provinces().get(default_province) or "")
        became = _converted(ward, district, old_province)
        if became is not None:
            if len(became) == 1:
                return Placement(Placed.CONVERTED, became[0])
            return Placement(Placed.SPLIT, candidates=became)
    if code is None:
        return Placement(Placed.UNKNOWN)
    found = match_ward(ward, code)
    if len(found) == 1:
        return Placement(Placed.MATCHED, found[0])
    if found:
        return Placement(Placed.AMBIGUOUS, candidates=found)
    return Placement(Placed.UNKNOWN, candidates=tuple(suggest_wards(ward, code)))
