"""The one text rule of every record field (no control characters), tax codes in ASCII digits with their check
digit, and text made safe to print."""

from __future__ import annotations

import unicodedata
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fieldapp.core.errors import RecordError
from fieldapp.core.records import Enterprise, Visit, _clean_text, canonical_id, input_fields
from fieldapp.core.taxcode import normalise_tax_code, tax_code_check_digit_ok
from fieldapp.core.text import CONTROL, control_characters, displayable

HOSTILE = [
    "a\x00b",
    "x\x01",
    "\x1b]0;title\x1b\\",
    "\x1b[2J",
    "ab\x7f",
    "a\x9bb",
    "\u202etxt.exe",
    "a\u2066b",
]
ENTERPRISE_TEXT = [
    "name",
    "address",
    "ward",
    "district",
    "assigned_to",
    "contact_name",
    "contact_role",
    "contact_phone",
    "contact_email",
    "representative",
]
VISIT_TEXT = ["cadre", "note", "met_name", "met_role", "next_step"]


def _enterprise(**fields: Any) -> Enterprise:
    return Enterprise.create(**{"name": "Công ty Hoa Sen", **fields})


def _visit(**fields: Any) -> Visit:
    base = {"enterprise_id": _enterprise().id, "visited_on": "2026-01-05", "cadre": "Lê Lan", "headcount": 10}
    return Visit.create(**{**base, "attitude": "neutral", **fields})


@pytest.mark.parametrize("field", ENTERPRISE_TEXT)
@pytest.mark.parametrize("text", HOSTILE)
def test_an_enterprise_field_with_a_control_character_is_refused_by_name(field: str, text: str) -> None:
    with pytest.raises(RecordError) as caught:
        _enterprise(**{field: text})
    assert caught.value.fields == [field]
    assert "U+" in caught.value.message("en") and "ký tự điều khiển" in caught.value.message("vi")


@pytest.mark.parametrize("field", VISIT_TEXT)
@pytest.mark.parametrize("text", HOSTILE)
def test_a_visit_field_with_a_control_character_is_refused_by_name(field: str, text: str) -> None:
    with pytest.raises(RecordError) as caught:
        _visit(**{field: text})
    assert caught.value.fields == [field]


def test_every_text_field_is_covered() -> None:
    text_fields = {
        name
        for model in (Enterprise, Visit)
        for name in input_fields(model)
        if model.model_fields[name].annotation in (str, str | None)
    }
    assert text_fields == {*ENTERPRISE_TEXT, "tax_code", *VISIT_TEXT}


def test_notes_keep_their_lines_and_white_space_controls_become_spaces() -> None:
    note = "Dòng 1\r\nDòng 2\rDòng 3\tcuối\x85Dòng 4\u2028Dòng 5"
    assert _visit(note=note).note == "Dòng 1\nDòng 2\nDòng 3 cuối\nDòng 4\nDòng 5"
    assert _enterprise(name="Công ty\tHoa\nSen\x85Mới").name == "Công ty Hoa Sen Mới"


@pytest.mark.parametrize(
    "spelling",
    [
        "0107777777",
        "０１０７７７７７７７",  # full-width
        "𝟎𝟏𝟎𝟕𝟕𝟕𝟕𝟕𝟕𝟕",  # mathematical bold
        "𝟢𝟣𝟢𝟩𝟩𝟩𝟩𝟩𝟩𝟩",  # mathematical sans-serif
        "010 777 7777",
    ],
)
def test_one_tax_code_has_one_normal_form(spelling: str) -> None:
    assert normalise_tax_code(spelling) == "0107777777"
    assert _enterprise(tax_code=spelling).tax_code == "0107777777"


@pytest.mark.parametrize("digits", ["٠١٠٧٧٧٧٧٧٧", "०१०७७७७७७७", "০১০৭৭৭৭৭৭৭"])
def test_digits_of_other_scripts_are_refused(digits: str) -> None:
    assert unicodedata.digit(digits[1]) == 1  # they are digits to Unicode, not to a tax office
    with pytest.raises(RecordError) as caught:
        _enterprise(tax_code=digits)
    assert caught.value.fields == ["tax_code"]


def test_the_check_digit_is_a_warning_not_a_refusal() -> None:
    for good in ("0100109106", "0300588569", "0100109106-012"):
        assert tax_code_check_digit_ok(good)
        assert _enterprise(tax_code=good).warnings() == []
    odd = _enterprise(tax_code="0100109107")  # last digit mistyped: kept, with a warning naming the field
    assert not tax_code_check_digit_ok("0100109107")
    [warning] = odd.warnings()
    assert warning.field == "tax_code" and "0100109107" in warning.message("vi")
    assert _enterprise().warnings() == []  # no tax code, nothing to check


def test_displayable_text_never_holds_a_control_character() -> None:
    assert displayable("\x1b]0;title\x1b\\Tên") == "\ufffd]0;title\ufffd\\Tên"
    assert displayable("\x1b[2J") == "\ufffd[2J"
    assert displayable("dòng 1\ndòng 2") == "dòng 1 dòng 2"
    assert displayable("dòng 1\ndòng 2", newlines=True) == "dòng 1\ndòng 2"
    assert displayable("Công ty Hoa Sen") == "Công ty Hoa Sen"


# --- the fast paths agree with their definitions -----------------------------------------------------------------
_TEXTISH = st.text(
    alphabet=st.sampled_from(
        list("aĐ ệ\n\t\r-0f") + ["\x00", "\x1b", "\x85", "\x9f", "\u202e", "\u2069", "\u2028"]
    )
)


@settings(max_examples=400, deadline=None)
@given(text=_TEXTISH, newlines=st.booleans())
def test_control_characters_is_its_definition(text: str, newlines: bool) -> None:
    # the one search that answers "none" must agree with the full scan it short-cuts
    found = list(dict.fromkeys(CONTROL.findall(text)))
    if newlines:
        found = [ch for ch in found if ch != "\n"]
    assert control_characters(text, newlines=newlines) == found


_HEXISH = st.text(alphabet=st.sampled_from(list("0123456789abcdefABCDEF-{}urn:idg ")), max_size=45)


@settings(max_examples=400, deadline=None)
@given(
    value=st.one_of(
        _HEXISH,
        st.uuids().map(str),
        st.uuids().map(lambda u: str(u).upper()),
        st.uuids().map(lambda u: u.hex),
    )
)
def test_canonical_id_is_uuid_text(value: str) -> None:
    # the one match that takes a canonical id as it is must give what uuid.UUID gives, and refuse what it refuses
    try:
        expected: str | None = str(uuid.UUID(value))
    except ValueError:
        expected = None
    if expected is None:
        with pytest.raises(ValueError):
            canonical_id(value)
    else:
        assert canonical_id(value) == expected


def test_canonical_id_refuses_what_is_not_text() -> None:
    for value in (None, 12, b"0" * 32):
        with pytest.raises((ValueError, TypeError, AttributeError)):
            canonical_id(value)  # type: ignore[arg-type]


_BREAKS = ["\n", "\t", "\r", "\r\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
#: lines joined by one kind of break (each kind alone must be found), or any mix of them
_NOTES = st.one_of(
    st.builds(
        lambda lines, sep: sep.join(lines),
        st.lists(st.sampled_from(["ab", "ệ", " ", "", "\n", "c d "]), max_size=6),
        st.sampled_from(_BREAKS),
    ),
    st.text(alphabet=st.sampled_from(["a", " ", "ệ", *(b for b in _BREAKS if len(b) == 1)])),
)


@settings(max_examples=400, deadline=None)
@given(text=_NOTES)
def test_multi_line_text_is_tidied_as_its_definition_says(text: str) -> None:
    # every line break made "\n", tabs made spaces, the ends stripped: the shortcut for text whose only breaks
    # are "\n" must give the same
    expected = "\n".join(unicodedata.normalize("NFC", text).replace("\t", " ").splitlines()).strip()
    assert _clean_text(text) == expected
