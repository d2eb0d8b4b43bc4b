"""Contacts on an enterprise (person, role, phone, e-mail, legal representative) and who was met on a visit: the
phone is a Vietnamese number stored in E.164, a wrong one is refused naming the field, older records still parse
and keep their content hash."""

from __future__ import annotations

from datetime import date

import pytest

from fieldapp.core.contact import email_ok, normalise_phone, phone_display
from fieldapp.core.errors import RecordError
from fieldapp.core.records import Enterprise, Visit

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("0912345678", "+84912345678", "0912 345 678"),  # Vinaphone mobile
        ("0912 345 678", "+84912345678", "0912 345 678"),
        ("0912.345.678", "+84912345678", "0912 345 678"),
        ("0912-345-678", "+84912345678", "0912 345 678"),
        ("+84912345678", "+84912345678", "0912 345 678"),
        ("+84 912 345 678", "+84912345678", "0912 345 678"),
        ("84912345678", "+84912345678", "0912 345 678"),
        ("0351234567", "+84351234567", "0351 234 567"),  # Viettel 03x (the 2018 move from 016x)
        ("0981 234 567", "+84981234567", "0981 234 567"),
        ("02438253456", "+842438253456", "024 3825 3456"),  # Hà Nội landline
        ("(024) 3825 3456", "+842438253456", "024 3825 3456"),
        ("028 3829 5555", "+842838295555", "028 3829 5555"),  # TP. Hồ Chí Minh landline
        ("０９１２３４５６７８", "+84912345678", "0912 345 678"),  # full-width digits, as some keyboards type
    ],
)
def test_a_vietnamese_number_is_stored_in_e164_and_shown_in_national_form(
    typed: str, stored: str, shown: str
) -> None:
    assert normalise_phone(typed) == stored
    record = Enterprise.create(name="Công ty A", contact_phone=typed)
    assert record.contact_phone == stored
    assert phone_display(record.contact_phone) == shown


@pytest.mark.parametrize(
    "bad",
    [
        "091234567",  # a digit short
        "09123456789",  # a digit too many
        "12345",
        "0912abc678",  # letters: the library would read them as a keypad does
        "O912345678",  # a capital O for the zero
        "0912 345 678 ext",
        "+1 650 253 0000",  # a number of another country
        "+44 20 7946 0958",
        "0123456789",  # the old 11-digit prefix 012x, cut short: no such number
        "call 0912345678",
    ],
)
def test_a_wrong_number_is_refused_naming_the_field_in_both_languages(bad: str) -> None:
    with pytest.raises(RecordError) as caught:
        Enterprise.create(name="Công ty A", contact_phone=bad)
    assert caught.value.fields == ["contact_phone"]
    assert caught.value.problems[0].code == "phone_format"
    vi = caught.value.describe("vi")
    assert vi.startswith("Điện thoại (contact_phone): phải là số điện thoại Việt Nam")
    assert bad in vi
    assert "must be a Vietnamese phone number" in caught.value.describe("en")


def test_the_phone_keeps_its_length_limit() -> None:
    with pytest.raises(RecordError) as caught:
        Enterprise.create(name="A", contact_phone="0" * 31)
    assert caught.value.problems[0].code == "too_long"


@pytest.mark.parametrize("good", ["an@congty.vn", "nguyen.van.an+cd@abc.com.vn", "HR@Example.COM"])
def test_an_email_of_the_right_shape_is_kept_as_typed(good: str) -> None:
    assert email_ok(good)
    assert Enterprise.create(name="A", contact_email=f"  {good} ").contact_email == good


@pytest.mark.parametrize("bad", ["an", "an@", "@congty.vn", "an@congty", "an @congty.vn", "an@@congty.vn"])
def test_an_email_of_the_wrong_shape_is_refused(bad: str) -> None:
    with pytest.raises(RecordError) as caught:
        Enterprise.create(name="A", contact_email=bad)
    assert caught.value.fields == ["contact_email"]
    assert "Email (contact_email): phải là địa chỉ email" in caught.value.describe("vi")


def test_contact_text_is_one_clean_line_with_its_limit() -> None:
    record = Enterprise.create(
        name="A",
        contact_name="  Nguyễn\tVăn\n An ",
        contact_role="Trưởng   phòng nhân sự",
        representative="Trần  Thị Bình",
    )
    assert (record.contact_name, record.contact_role, record.representative) == (
        "Nguyễn Văn An",
        "Trưởng phòng nhân sự",
        "Trần Thị Bình",
    )
    with pytest.raises(RecordError) as caught:
        Enterprise.create(name="A", contact_name="x" * 101, representative="bad\x07bell")
    assert sorted(caught.value.fields) == ["contact_name", "representative"]


def test_an_empty_phone_or_email_is_no_value() -> None:
    record = Enterprise.create(name="A", contact_phone=" ", contact_email="")
    assert (record.contact_phone, record.contact_email) == ("", "")
    filled = Enterprise.create(name="A", contact_phone="0912345678")
    assert filled.edit(contact_phone="").contact_phone == ""


def test_the_new_fields_come_last_in_the_content() -> None:
    assert Enterprise.CONTENT_FIELDS[-5:] == (
        "contact_name",
        "contact_role",
        "contact_phone",
        "contact_email",
        "representative",
    )
    assert Visit.CONTENT_FIELDS[-3:] == ("met_name", "met_role", "next_step")


def _visit(**changes: object) -> Visit:
    fields = {
        "enterprise_id": "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f",
        "visited_on": "2026-06-01",
        "cadre": "Trần Văn Minh",
        "headcount": 20,
        "attitude": "neutral",
    }
    return Visit.create(today=TODAY, **(fields | changes))


def test_a_visit_says_who_was_met_and_the_next_step_on_one_line() -> None:
    v = _visit(met_name=" Lê  Thị Hoa ", met_role="Kế toán\ttrưởng", next_step="Gửi mẫu đơn\nvào thứ Hai")
    assert (v.met_name, v.met_role, v.next_step) == (
        "Lê Thị Hoa",
        "Kế toán trưởng",
        "Gửi mẫu đơn vào thứ Hai",
    )
    with pytest.raises(RecordError) as caught:
        _visit(next_step="x" * 501)
    assert caught.value.fields == ["next_step"]


def test_a_record_stored_before_the_contacts_still_parses_and_keeps_its_hash() -> None:
    enterprise = Enterprise.create(name="Công ty Cũ", tax_code="0101234567")
    visit = _visit()
    old_enterprise = {k: v for k, v in enterprise.to_doc().items() if not k.startswith(("contact", "repr"))}
    old_visit = {k: v for k, v in visit.to_doc().items() if k not in ("met_name", "met_role", "next_step")}
    # the hash the server stored for the older content is the hash the newer laptop computes
    assert Enterprise.parse(old_enterprise).content_hash == enterprise.content_hash
    assert Visit.parse(old_visit, today=TODAY).content_hash == visit.content_hash
    assert Enterprise.parse(old_enterprise).contact_phone == ""
    # filling one in is a change of content
    assert enterprise.edit(contact_name="An").content_hash != enterprise.content_hash
    assert visit.edit(today=TODAY, next_step="Gọi lại").content_hash != visit.content_hash
