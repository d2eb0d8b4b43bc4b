"""Enterprise and Visit records: normalisation, every validation with a bilingual message naming the field,
the content hash, and the edit / bookkeeping semantics sync relies on."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from datetime import UTC, date, datetime

import pytest

from fieldapp.core.errors import RecordError
from fieldapp.core.records import LATER_FIELDS, SCHEMA_VERSION, Enterprise, Visit
from fieldapp.core.taxcode import normalise_tax_code

TODAY = date(2026, 6, 15)


def visit_fields(**changes) -> dict:
    fields = {
        "enterprise_id": "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f",
        "visited_on": "2026-06-01",
        "cadre": "Trần Văn Minh",
        "headcount": 20,
        "seasonal": 5,
        "managers": 2,
        "attitude": "neutral",
        "applications": 3,
    }
    fields.update(changes)
    return fields


def refused(kind, fields: dict) -> RecordError:
    with pytest.raises(RecordError) as caught:
        kind.create(today=TODAY, **fields)
    return caught.value


# --- tax codes ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("0101234567", "0101234567"),
        ("0101234567001", "0101234567-001"),
        ("0101234567-001", "0101234567-001"),
        (" 0101 234 567 ", "0101234567"),
        ("0101.234.567", "0101234567"),
    ],
)
def test_tax_code_is_normalised(raw: str, normal: str) -> None:
    assert normalise_tax_code(raw) == normal
    assert Enterprise.create(name="A", tax_code=raw).tax_code == normal


@pytest.mark.parametrize(
    "bad", ["123", "01012345678", "010123456A", "0101234567-01", "0101234567/001", "01012345670011"]
)
def test_bad_tax_code_is_refused_naming_the_field(bad: str) -> None:
    with pytest.raises(ValueError):
        normalise_tax_code(bad)
    err = refused(Enterprise, {"name": "A", "tax_code": bad})
    assert err.fields == ["tax_code"]
    assert err.problems[0].code == "tax_code_format"
    assert "Mã số thuế (tax_code): phải gồm 10 chữ số" in err.describe("vi")
    assert "Tax code (tax_code): must be 10 digits" in err.describe("en")


def test_empty_tax_code_is_none() -> None:
    assert Enterprise.create(name="A", tax_code="").tax_code is None
    assert Enterprise.create(name="A", tax_code="   ").tax_code is None


# --- enterprise ----------------------------------------------------------------------------------------------


def test_text_is_stored_as_nfc_and_single_line_fields_are_tidied() -> None:
    decomposed = unicodedata.normalize("NFD", "Công ty  Đức   Giang")
    e = Enterprise.create(name=decomposed, ward=unicodedata.normalize("NFD", "Phường Long Biên"))
    assert e.name == "Công ty Đức Giang"
    assert unicodedata.is_normalized("NFC", e.name) and unicodedata.is_normalized("NFC", e.ward)
    v = Visit.create(
        today=TODAY, **visit_fields(note=unicodedata.normalize("NFD", "Chủ doanh nghiệp hứa\nsẽ gặp lại"))
    )
    assert v.note == "Chủ doanh nghiệp hứa\nsẽ gặp lại"
    assert unicodedata.is_normalized("NFC", v.note)


def test_empty_name_is_refused() -> None:
    err = refused(Enterprise, {"name": "   "})
    assert err.fields == ["name"]
    assert "Tên doanh nghiệp (name): không được để trống" in err.describe("vi")
    assert "Enterprise name (name): must not be empty" in err.describe("en")


def test_missing_name_is_refused() -> None:
    err = refused(Enterprise, {})
    assert err.fields == ["name"] and err.problems[0].code == "missing"


def test_household_business_has_no_legal_entity() -> None:
    assert (
        Enterprise.create(name="Hộ KD Bà Tư", ownership="household", legal_entity=True).legal_entity is False
    )


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("ownership", "private", "choice"),
        ("status", "closed", "choice"),
        ("union_members", -1, "too_small"),
        ("registered_workers", "nhiều", "not_a_number"),
    ],
)
def test_bad_enterprise_values_name_the_field(field: str, value, code: str) -> None:
    err = refused(Enterprise, {"name": "A", field: value})
    assert [(p.field, p.code) for p in err.problems] == [(field, code)]


def test_unknown_field_is_refused() -> None:
    err = refused(Enterprise, {"name": "A", "colour": "red"})
    assert [(p.field, p.code) for p in err.problems] == [("colour", "unknown_field")]


def test_new_records_carry_schema_version_and_are_pending() -> None:
    e = Enterprise.create(name="A")
    assert e.schema_version == SCHEMA_VERSION and e.rev == 1
    assert e.pending and e.server_version is None
    assert e.created_at.tzinfo is not None


# --- visit validation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "code", "vi", "en"),
    [
        ({"headcount": -1}, "headcount", "too_small", "không được nhỏ hơn 0", "must not be less than 0"),
        ({"seasonal": -2}, "seasonal", "too_small", "không được nhỏ hơn 0", "must not be less than 0"),
        ({"managers": -1}, "managers", "too_small", "không được nhỏ hơn 0", "must not be less than 0"),
        (
            {"applications": -1},
            "applications",
            "too_small",
            "không được nhỏ hơn 0",
            "must not be less than 0",
        ),
        (
            {"seasonal": 21, "managers": 0},
            "seasonal",
            "exceeds_headcount",
            "tổng số lao động (20)",
            "head count (20)",
        ),
        ({"seasonal": 15, "managers": 6}, "managers", "seasonal_managers_exceed_headcount", "(21)", "(21)"),
        (
            {"applications": 21, "managers": 0},
            "applications",
            "exceeds_who_may_join",
            "không được lớn hơn số người lao động được gia nhập (20",
            "must not be greater than the workers who may join (20",
        ),
        (  # the case found in the field: 13 workers, 2 of them managers, 12 applications
            {"headcount": 13, "seasonal": 0, "managers": 2, "applications": 12},
            "applications",
            "exceeds_who_may_join",
            "(11: tổng số lao động trừ người quản lý)",
            "(11: the head count minus the managers)",
        ),
        (
            {"visited_on": "2026-06-16"},
            "visited_on",
            "date_in_future",
            "không được sau ngày hôm nay (2026-06-15)",
            "must not be after today (2026-06-15)",
        ),
        (
            {"headcount": "2O"},
            "headcount",
            "not_a_number",
            "phải là số nguyên, không phải “2O”",
            "must be a whole number",
        ),
        ({"seasonal": "năm"}, "seasonal", "not_a_number", "phải là số nguyên", "whole number, not “năm”"),
        (
            {"next_visit_on": "2026-05-31"},
            "next_visit_on",
            "before_visit",
            "không được trước ngày thăm (2026-06-01)",
            "must not be before the visit date (2026-06-01)",
        ),
        (
            {"visited_on": "01/06/2026"},
            "visited_on",
            "not_a_date",
            "phải là ngày dạng YYYY-MM-DD",
            "must be a date",
        ),
        ({"attitude": "happy"}, "attitude", "choice", "phải là một trong", "must be one of"),
        ({"cadre": ""}, "cadre", "blank", "không được để trống", "must not be empty"),
        ({"enterprise_id": "abc"}, "enterprise_id", "not_a_uuid", "UUID", "UUID"),
    ],
)
def test_visit_validation_names_the_field_in_both_languages(
    changes: dict, field: str, code: str, vi: str, en: str
) -> None:
    err = refused(Visit, visit_fields(**changes))
    assert [(p.field, p.code) for p in err.problems] == [(field, code)]
    assert f"({field}): " in err.describe("vi") and vi in err.describe("vi")
    assert f"({field}): " in err.describe("en") and en in err.describe("en")
    assert err.problems[0].as_dict()["vi"] and err.problems[0].as_dict()["en"]


def test_visit_boundaries_are_accepted() -> None:
    v = Visit.create(
        today=TODAY,
        **visit_fields(
            seasonal=15, managers=5, applications=15, visited_on="2026-06-15", next_visit_on="2026-06-15"
        ),
    )
    assert v.stable == 0
    assert (
        Visit.create(today=TODAY, **visit_fields(headcount=0, seasonal=0, managers=0, applications=0)).stable
        == 0
    )


def test_several_problems_are_all_named() -> None:
    err = refused(Visit, visit_fields(headcount=-1, attitude="x", cadre=""))
    assert set(err.fields) == {"headcount", "attitude", "cadre"}


def test_stable_is_headcount_less_seasonal_and_managers() -> None:
    assert Visit.create(today=TODAY, **visit_fields()).stable == 13


def test_visit_defaults() -> None:
    v = Visit.create(
        today=TODAY,
        **{k: v for k, v in visit_fields().items() if k not in ("managers", "applications", "seasonal")},
    )
    assert (v.seasonal, v.managers, v.applications, v.note, v.next_visit_on) == (0, 0, 0, "", None)


def test_empty_next_visit_is_none() -> None:
    assert Visit.create(today=TODAY, **visit_fields(next_visit_on="")).next_visit_on is None


# --- content hash, edit, bookkeeping ------------------------------------------------------------------------------


def test_content_hash_is_stable_and_ignores_bookkeeping() -> None:
    e = Enterprise.create(name="Công ty A", tax_code="0101234567")
    again = Enterprise.parse(e.to_doc())
    assert again.content_hash == e.content_hash
    later = e.with_meta(
        rev=7, updated_at=datetime(2030, 1, 1, tzinfo=UTC), pending_since=None, server_version=3
    )
    assert later.content_hash == e.content_hash
    assert e.edit(name="Công ty B").content_hash != e.content_hash


def test_content_hash_is_recomputed_not_trusted() -> None:
    e = Enterprise.create(name="A")
    doc = e.to_doc() | {"content_hash": "0" * 64}
    assert Enterprise.parse(doc).content_hash == e.content_hash


def test_content_hash_does_not_depend_on_unicode_form() -> None:
    a = Enterprise.create(name="Đức Giang").model_copy()
    b = Enterprise.parse(a.to_doc() | {"name": unicodedata.normalize("NFD", "Đức Giang")})
    assert a.content_hash == b.content_hash


def test_content_hash_of_known_content_is_fixed() -> None:
    # the hash travels to the server: it is SHA-256 of compact, key-sorted UTF-8 JSON of the content fields,
    # and must not change between versions or machines
    e = Enterprise.parse(
        {"id": "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f", "name": "Công ty A", "tax_code": "0101234567"}
    )
    # (the fields added later, still empty, are left out: LATER_FIELDS)
    hashed = {k: v for k, v in e.content().items() if k not in LATER_FIELDS}
    canonical = json.dumps(hashed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert e.content_hash == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert e.content_hash == "526231732a0ae416fdb3c279abc783a9f41a62bbb19791c38f3c4cc3bc0b7f29"
    assert list(e.content()) == list(Enterprise.CONTENT_FIELDS)


def test_edit_bumps_revision_and_marks_pending() -> None:
    e = Enterprise.create(name="A").with_meta(pending_since=None, server_version=2)
    edited = e.edit(name="B")
    assert (edited.name, edited.rev, edited.server_version) == ("B", 2, 2)
    assert edited.pending and edited.updated_at >= e.updated_at
    assert edited.id == e.id and edited.created_at == e.created_at


def test_edit_keeps_the_first_pending_since() -> None:
    e = Enterprise.create(name="A")
    twice = e.edit(name="B").edit(name="C")
    assert twice.rev == 3 and twice.pending_since == e.pending_since


def test_edit_to_the_same_content_changes_nothing() -> None:
    e = Enterprise.create(name="A").with_meta(pending_since=None)
    assert e.edit(name="A") is e
    assert e.edit(name="  A ") is e  # tidied to the same content


def test_edit_validates_and_refuses_bookkeeping_fields() -> None:
    v = Visit.create(today=TODAY, **visit_fields())
    with pytest.raises(RecordError) as caught:
        v.edit(seasonal=30, today=TODAY)
    assert caught.value.fields == ["seasonal"]
    with pytest.raises(RecordError) as caught:
        v.edit(rev=9)
    assert [(p.field, p.code) for p in caught.value.problems] == [("rev", "unknown_field")]


def test_with_meta_refuses_content_fields() -> None:
    with pytest.raises(ValueError):
        Enterprise.create(name="A").with_meta(name="B")


def test_records_are_frozen() -> None:
    e = Enterprise.create(name="A")
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises its own ValidationError type
        e.name = "B"  # type: ignore[misc]


def test_naive_timestamps_are_taken_as_utc() -> None:
    e = Enterprise.parse({"name": "A", "created_at": "2026-01-01T08:00:00"})
    assert e.created_at == datetime(2026, 1, 1, 8, tzinfo=UTC)


def test_to_doc_round_trips() -> None:
    v = Visit.create(today=TODAY, **visit_fields(note="Gặp chị Lan, tổ trưởng"))
    assert Visit.parse(v.to_doc()) == v
    assert v.to_doc()["content_hash"] == v.content_hash
