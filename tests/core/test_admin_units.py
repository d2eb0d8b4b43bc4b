"""The 2025 map: lookups without accents, suggestions, codes, and the rule every input path follows."""

from __future__ import annotations

import subprocess
import sys

import pytest

from fieldapp.core import admin_units
from fieldapp.core.admin_units import (
    completion,
    match_ward,
    province_name,
    resolve_ward,
    suggest_wards,
    ward_by_code,
    wards_of,
)
from fieldapp.core.errors import RecordError
from fieldapp.core.records import Enterprise


def test_the_package_holds_the_map_after_the_reform() -> None:
    # 34 provinces and 3,321 wards since 1 July 2025 (63 provinces and about 10,000 communes before)
    assert len(admin_units.provinces()) == 34
    assert sum(len(wards_of(code)) for code in admin_units.provinces()) == 3321
    assert province_name("01") == province_name("1") == "Thành phố Hà Nội"
    assert len(wards_of("01")) == 126
    # no district level: Hoàn Kiếm is a ward now, not a district
    assert [u.name for u in match_ward("Hoàn Kiếm", "01")] == ["Phường Hoàn Kiếm"]


@pytest.mark.parametrize(
    "typed", ["bach mai", "BẠCH MAI", "P. Bạch Mai", "phuong bach  mai", "Phường Bạch Mai"]
)
def test_a_ward_is_found_without_accents_and_unit_word(typed: str) -> None:
    (unit,) = match_ward(typed, "01")
    assert (unit.name, unit.code, unit.province_code, unit.short_name) == (
        "Phường Bạch Mai",
        "00277",
        "01",
        "Bạch Mai",
    )
    assert ward_by_code("277") == ward_by_code("00277") == unit


def test_a_ward_of_another_province_is_not_found() -> None:
    assert match_ward("bach mai", "79") == ()
    assert [u.name for u in match_ward("sai gon", "79")] == ["Phường Sài Gòn"]


def test_names_that_fold_alike_are_told_apart_by_their_accents() -> None:
    # Thái Nguyên (19) has both Xã Văn Lang and Xã Văn Lăng
    assert [u.name for u in match_ward("van lang", "19")] == ["Xã Văn Lang", "Xã Văn Lăng"]
    assert [u.name for u in match_ward("Văn Lăng", "19")] == ["Xã Văn Lăng"]
    with pytest.raises(RecordError) as caught:
        resolve_ward("van lang", "19")
    assert caught.value.problems[0].code == "ambiguous_ward"
    assert resolve_ward("xã văn lang", "19")["ward"] == "Xã Văn Lang"


def test_suggestions_are_the_closest_names() -> None:
    assert [u.name for u in suggest_wards("bach maii", "01")][0] == "Phường Bạch Mai"
    assert [u.name for u in suggest_wards("hoan kie", "01")][0] == "Phường Hoàn Kiếm"
    assert len(suggest_wards("zzz", "01")) <= 3


def test_completion_keeps_the_way_the_name_was_begun() -> None:
    assert completion("bach m", "01") == "Bạch Mai"
    assert completion("phuong bach m", "01") == "Phường Bạch Mai"
    assert completion("qqq", "01") is None


def test_resolve_gives_the_official_name_and_codes_or_refuses_with_three_suggestions() -> None:
    assert resolve_ward("hoan kiem", "01") == {
        "ward": "Phường Hoàn Kiếm",
        "ward_code": "00070",
        "province_code": "01",
    }
    assert resolve_ward("  ", "01") == {"ward": "", "ward_code": None, "province_code": None}
    with pytest.raises(RecordError) as caught:
        resolve_ward("thanh nhan", "01")  # an old ward of Hai Bà Trưng: on no map since 2025
    (problem,) = caught.value.problems
    assert (problem.field, problem.code) == ("ward", "unknown_ward")
    assert problem.params["choices"].count(", ") == 2
    assert "Phường/Xã (ward)" in caught.value.describe("vi")
    assert "“thanh nhan” không phải là phường, xã nào của Thành phố Hà Nội" in caught.value.describe("vi")


def test_a_record_with_a_code_carries_the_official_name() -> None:
    e = Enterprise.create(name="Công ty A", ward="bach mai", ward_code="277")
    assert (e.ward, e.ward_code, e.province_code) == ("Phường Bạch Mai", "00277", "01")
    assert Enterprise.create(name="B", ward="Thanh Nhàn").ward_code is None  # a free text is still kept


@pytest.mark.parametrize(
    ("fields", "field", "code"),
    [
        ({"ward_code": "99999"}, "ward_code", "unknown_ward_code"),
        ({"province_code": "02"}, "province_code", "unknown_province_code"),
        ({"ward_code": "00277", "province_code": "79"}, "ward_code", "ward_not_in_province"),
    ],
)
def test_a_code_off_the_map_is_refused(fields: dict[str, str], field: str, code: str) -> None:
    with pytest.raises(RecordError) as caught:
        Enterprise.create(name="Công ty A", **fields)
    assert [(p.field, p.code) for p in caught.value.problems] == [(field, code)]


def test_starting_the_app_does_not_load_the_map() -> None:
    # the package's tables are imported at the first question, not when records, settings or the store load
    code = (
        "import sys, fieldapp.core.records, fieldapp.settings, fieldapp.store, fieldapp.core.admin_units;"
        "print('vietnam_provinces' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_every_official_name_has_the_key_of_its_short_name() -> None:
    # what areas (the server) and filters (the laptop) compare: "Phường Bạch Mai", "Xã Bát Tràng", "Đặc khu Phú
    # Quốc" as the map writes them match "Bạch Mai", "Bát Tràng", "Phú Quốc" as cadres type them
    from fieldapp.core.wards import ward_key

    checked = 0
    for code in admin_units.provinces():
        for unit in wards_of(code):
            assert unit.short_name != unit.name and unit.key != ""
            if unit.short_name.split()[0].casefold() in ("xa", "p", "x", "tt", "phuong"):
                continue  # "Xã Xa Dung": a short name that begins as a unit word typed without accents does
                # not say which it is; "Xa Dung" is "Dung"
            assert ward_key(unit.name) == ward_key(unit.short_name) == unit.key
            checked += 1
    assert checked >= 3300
    # names that begin like a unit word with other accents keep it, typed either way
    assert [u.name for u in match_ward("Phương Liệt", "01")] == ["Phường Phương Liệt"]
    assert [u.name for u in match_ward("phuong liet", "01")] == ["Phường Phương Liệt"]
    assert [u.name for u in match_ward("Phường Phương Liệt", "01")] == ["Phường Phương Liệt"]
