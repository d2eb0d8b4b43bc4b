"""How outside lists name their columns and write their values, in Vietnamese or English.

Headers and choice values are compared folded (no case, no accents, đ = d), so ``MÃ SỐ THUẾ``, ``ma so thue`` and
``Mã số thuế`` are one column, and ``Hộ kinh doanh``, ``ho kinh doanh`` and ``household`` one ownership.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from fieldapp.core.founding import CaseState, Step, StopReason
from fieldapp.core.i18n import LANGUAGES, Lang, Message
from fieldapp.core.labels import VALUE_LABELS, value_label
from fieldapp.core.records import Attitude, EnterpriseStatus, Ownership
from fieldapp.core.text import fold

__all__ = [
    "IMPORT_COLUMNS",
    "column_for_header",
    "choice_labels",
    "choices",
    "parse_bool",
    "parse_choice",
    "parse_int",
    "synonyms",
]

# canonical column -> the headers that name it (folded when compared); the canonical name always counts.
IMPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("Tên doanh nghiệp", "Tên", "Tên đơn vị", "Tên công ty", "Doanh nghiệp"),
    "tax_code": ("Mã số thuế", "MST", "Mã số doanh nghiệp", "Tax code"),
    "address": ("Địa chỉ", "Địa chỉ trụ sở"),
    "ward": ("Phường/Xã", "Phường", "Xã", "Phường, xã", "Phường - Xã"),
    "district": ("Quận/Huyện", "Quận", "Huyện", "Quận, huyện", "Quận - Huyện"),
    # the province is not stored as written: with the ward (and an old district) it finds the ward's 2025 codes
    "province": ("Tỉnh/Thành phố", "Tỉnh/TP", "Tỉnh", "Thành phố", "Tỉnh, thành phố", "Tỉnh - Thành phố"),
    "province_code": ("Mã tỉnh", "Mã tỉnh/thành phố", "Province code"),
    "ward_code": ("Mã phường/xã", "Mã xã", "Mã phường", "Ward code"),
    "ownership": ("Loại hình", "Loại hình doanh nghiệp", "Ownership"),
    "status": ("Trạng thái", "Tình trạng", "Trạng thái hoạt động"),
    "registered_workers": ("Số lao động", "Tổng số lao động", "Số LĐ", "Lao động", "Registered workers"),
    "has_union": ("Có CĐCS", "Đã có CĐCS", "CĐCS", "Has union"),
    "union_members": ("Số đoàn viên", "Đoàn viên", "Union members"),
    "family_business": ("Doanh nghiệp gia đình", "DN gia đình", "Gia đình", "Family business"),
    # not in the lists federations receive, but in our own exports: read so that an export imports back whole
    "legal_entity": ("Có tư cách pháp nhân", "Tư cách pháp nhân", "Pháp nhân", "Legal entity"),
    "assigned_to": ("Cán bộ phụ trách", "Phụ trách", "Assigned cadre"),
    # who to call: the registry's lists name the legal representative, the federation's the contact person.
    # Not read: "Di động" (mobile) and "Giám đốc" (director): a list that also has "Điện thoại" or "Người đại diện"
    # would name one column twice, and a file naming a column twice is refused whole.
    "contact_name": (
        "Người liên hệ",
        "Người liên lạc",
        "Liên hệ",
        "Đầu mối liên hệ",
        "Contact person",
        "Contact",
    ),
    "contact_role": ("Chức vụ", "Chức vụ người liên hệ", "Chức danh", "Contact's role", "Role"),
    "contact_phone": (
        "Điện thoại",
        "Số điện thoại",
        "SĐT",
        "ĐT",
        "Điện thoại liên hệ",
        "Phone",
        "Telephone",
    ),
    "contact_email": ("Email", "E-mail", "Thư điện tử", "Địa chỉ email", "Mail"),
    "representative": (
        "Người đại diện theo pháp luật",
        "Người đại diện pháp luật",
        "Người đại diện",
        "Đại diện pháp luật",
        "Người ĐDPL",
        "NĐDPL",
        "Legal representative",
        "Representative",
    ),
}


@lru_cache(maxsize=8192)  # a list repeats the same few values (có, không, đang hoạt động) thousands of times
def _key(text: str) -> str:
    # Folded, with separators and punctuation made single spaces: "Phường/Xã" -> "phuong xa", "Số LĐ" -> "so ld".
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text)).split())


_HEADER_INDEX: dict[str, str] = {}
for _column, _headers in IMPORT_COLUMNS.items():
    for _header in (_column, _column.replace("_", " "), *_headers):
        _HEADER_INDEX[_key(_header)] = _column


def column_for_header(header: Any) -> str | None:
    """The canonical column a header names, or None when it names none we read."""
    if header is None:
        return None
    return _HEADER_INDEX.get(_key(str(header)))


_TRUE = {"co", "c", "yes", "y", "x", "1", "true", "dung", "da co", "roi"}
_FALSE = {"khong", "k", "ko", "no", "n", "0", "false", "sai", "chua", "chua co", "-"}


def parse_bool(raw: Any) -> bool | None:
    """có/không, yes/no, x, 1/0, true/false -> bool; None when *raw* is none of them."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    key = _key(str(raw))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    return None


# field -> synonym -> canonical value: the one table of how lists spell a value (documented in docs/cli.md, "Import").
# Synonyms are written as lists write them and compared folded (_key), so "Đang hđ", "đang HĐ" and "dang hd" are one.
# VALUE_LABELS (the labels the app shows) are added below, so a file written with our own labels always reads back.
_CHOICE_SYNONYMS: dict[str, dict[str, str]] = {
    "ownership": {
        "nhà nước": Ownership.STATE,
        "DNNN": Ownership.STATE,
        "doanh nghiệp nhà nước": Ownership.STATE,
        "state owned": Ownership.STATE,
        "ngoài nhà nước": Ownership.NON_STATE,
        "tư nhân": Ownership.NON_STATE,
        "doanh nghiệp tư nhân": Ownership.NON_STATE,
        "DNTN": Ownership.NON_STATE,
        "DN ngoài nhà nước": Ownership.NON_STATE,
        # the company forms of the Enterprise Law: a limited or joint-stock company is non-state unless the list
        # says FDI or state-owned (those lists name the ownership, not the form)
        "TNHH": Ownership.NON_STATE,
        "công ty TNHH": Ownership.NON_STATE,
        "TNHH MTV": Ownership.NON_STATE,
        "cổ phần": Ownership.NON_STATE,
        "công ty cổ phần": Ownership.NON_STATE,
        "CP": Ownership.NON_STATE,
        "CTCP": Ownership.NON_STATE,
        "hợp danh": Ownership.NON_STATE,
        "non state": Ownership.NON_STATE,
        "private": Ownership.NON_STATE,
        "FDI": Ownership.FDI,
        "vốn nước ngoài": Ownership.FDI,
        "100% vốn nước ngoài": Ownership.FDI,
        "có vốn đầu tư nước ngoài": Ownership.FDI,
        "đầu tư nước ngoài": Ownership.FDI,
        "foreign": Ownership.FDI,
        "foreign invested": Ownership.FDI,
        "hợp tác xã": Ownership.COOPERATIVE,
        "HTX": Ownership.COOPERATIVE,
        "hộ kinh doanh": Ownership.HOUSEHOLD,
        "hộ KD": Ownership.HOUSEHOLD,
        "HKD": Ownership.HOUSEHOLD,
        "hộ kinh doanh cá thể": Ownership.HOUSEHOLD,
        "hộ cá thể": Ownership.HOUSEHOLD,
    },
    "status": {
        "hoạt động": EnterpriseStatus.ACTIVE,
        "đang hoạt động": EnterpriseStatus.ACTIVE,
        "đang hđ": EnterpriseStatus.ACTIVE,
        "NNT đang hoạt động": EnterpriseStatus.ACTIVE,
        "tạm ngừng": EnterpriseStatus.SUSPENDED,
        "tạm ngừng hoạt động": EnterpriseStatus.SUSPENDED,
        "tạm ngừng hđ": EnterpriseStatus.SUSPENDED,
        "tạm ngừng kinh doanh": EnterpriseStatus.SUSPENDED,
        "tạm dừng": EnterpriseStatus.SUSPENDED,
        "giải thể": EnterpriseStatus.DISSOLVED,
        "đã giải thể": EnterpriseStatus.DISSOLVED,
        "ngừng hoạt động": EnterpriseStatus.DISSOLVED,
        "ngừng hđ": EnterpriseStatus.DISSOLVED,
        "đã đóng mã số thuế": EnterpriseStatus.DISSOLVED,
        "phá sản": EnterpriseStatus.DISSOLVED,
    },
    "attitude": {
        "ủng hộ": Attitude.SUPPORTIVE,
        "trung lập": Attitude.NEUTRAL,
        "e ngại": Attitude.RELUCTANT,
        "phản đối": Attitude.HOSTILE,
    },
}
_CHOICE_INDEX: dict[str, dict[str, str]] = {
    field: {_key(spelling): value for spelling, value in table.items()}
    for field, table in _CHOICE_SYNONYMS.items()
}
_CHOICES: dict[str, tuple[str, ...]] = {
    "ownership": tuple(Ownership),
    "status": tuple(EnterpriseStatus),
    "attitude": tuple(Attitude),
    # founding cases (the CLI's choices; no list carries them)
    "step": tuple(Step),
    "state": tuple(CaseState),
    "state_reason": tuple(StopReason),
}
for _field, _value in VALUE_LABELS:
    for _label in (_value, *(value_label(_field, _value, _lang) for _lang in LANGUAGES)):
        _CHOICE_INDEX.setdefault(_field, {}).setdefault(_key(_label), _value)


def parse_choice(field: str, raw: Any) -> str | None:
    """The canonical value of *field* (ownership, status, attitude) that *raw* names, in either language; or None."""
    return _CHOICE_INDEX.get(field, {}).get(_key(str(raw)))


def synonyms(field: str) -> dict[str, str]:
    """The spellings of *field*'s values that lists use, as written (docs/cli.md shows this table), -> value."""
    return dict(_CHOICE_SYNONYMS[field])


def choices(field: str) -> tuple[str, ...]:
    """The canonical values of a choice field."""
    return _CHOICES[field]


class _ChoiceLabels(Message):
    """The allowed values of a choice field, said in the language asked for: the Vietnamese labels a cadre reads
    (``đang hoạt động, tạm ngừng, đã giải thể``), or in English the codes scripts type (``active, suspended``)."""

    def render(self, lang: Lang = "vi") -> str:
        field = self.msgid
        if lang == "en":
            return ", ".join(choices(field))
        return ", ".join(_lower_first(value_label(field, value, lang)) for value in choices(field))


def _lower_first(label: str) -> str:
    # "Đang hoạt động" reads as a word in a sentence; "FDI ..." keeps its capitals
    first = label.split(" ", 1)[0]
    return label if len(first) > 1 and first.isupper() else label[:1].lower() + label[1:]


def choice_labels(field: str) -> Message:
    """The allowed values of *field* (ownership, status, attitude) for a message: a ``Message`` parameter that
    renders in the message's language."""
    return _ChoiceLabels(field)


_GROUPED = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")


def parse_int(raw: Any) -> int | None:
    """A whole number from a cell: 25, 25.0, "25", "1.200" or "1,200" (thousands); None when it is not one."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else None
    text = str(raw).strip()
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if _GROUPED.match(text):
        return int(re.sub(r"[.,\s]", "", text))
    if re.fullmatch(r"\d+[.,]0+", text):
        return int(re.split(r"[.,]", text)[0])
    return None
