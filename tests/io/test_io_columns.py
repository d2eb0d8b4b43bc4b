"""Headers and values of outside lists are read in either language, without case or accents."""

from __future__ import annotations

import pytest

from fieldapp.io.columns import column_for_header, parse_bool, parse_choice, parse_int


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Tên doanh nghiệp", "name"),
        ("TEN DOANH NGHIEP", "name"),
        ("name", "name"),
        ("Mã số thuế", "tax_code"),
        ("MST", "tax_code"),
        ("tax_code", "tax_code"),
        ("Địa chỉ", "address"),
        ("Phường/Xã", "ward"),
        ("Phường", "ward"),
        ("Xã", "ward"),
        ("phuong / xa", "ward"),
        ("Quận/Huyện", "district"),
        ("Loại hình", "ownership"),
        ("Trạng thái", "status"),
        ("Số lao động", "registered_workers"),
        ("Có CĐCS", "has_union"),
        ("co cdcs", "has_union"),
        ("Số đoàn viên", "union_members"),
        ("Doanh nghiệp gia đình", "family_business"),
    ],
)
def test_headers_in_either_language(header: str, column: str) -> None:
    assert column_for_header(header) == column


def test_unknown_headers_are_not_guessed() -> None:
    assert column_for_header("Lao động nữ") is None
    assert column_for_header("Ghi chú") is None
    assert column_for_header(None) is None


@pytest.mark.parametrize("raw", ["có", "Có", "CO", "yes", "x", "X", "1", 1, True, "true"])
def test_yes(raw: object) -> None:
    assert parse_bool(raw) is True


@pytest.mark.parametrize("raw", ["không", "Không", "khong", "no", "0", 0, False, "false"])
def test_no(raw: object) -> None:
    assert parse_bool(raw) is False


def test_neither_yes_nor_no() -> None:
    assert parse_bool("có lẽ") is None
    assert parse_bool(2) is None


@pytest.mark.parametrize(
    ("field", "raw", "value"),
    [
        ("ownership", "hộ kinh doanh", "household"),
        ("ownership", "HỘ KINH DOANH", "household"),
        ("ownership", "FDI", "fdi"),
        ("ownership", "ngoài nhà nước", "non_state"),
        ("ownership", "nhà nước", "state"),
        ("ownership", "Hợp tác xã", "cooperative"),
        ("ownership", "household", "household"),
        ("ownership", "Non-state", "non_state"),
        ("status", "đang hoạt động", "active"),
        ("status", "Tạm ngừng", "suspended"),
        ("status", "giải thể", "dissolved"),
        ("status", "Đã giải thể", "dissolved"),
        ("status", "dissolved", "dissolved"),
        ("attitude", "ủng hộ", "supportive"),
        ("attitude", "E NGẠI", "reluctant"),
        ("attitude", "hostile", "hostile"),
    ],
)
def test_choice_values_in_either_language(field: str, raw: str, value: str) -> None:
    assert parse_choice(field, raw) == value


def test_unknown_choice() -> None:
    assert parse_choice("ownership", "tập đoàn") is None


@pytest.mark.parametrize(
    ("raw", "value"),
    [("25", 25), (25, 25), (25.0, 25), ("1.200", 1200), ("1,200", 1200), ("-3", -3), ("7,0", 7)],
)
def test_whole_numbers(raw: object, value: int) -> None:
    assert parse_int(raw) == value


@pytest.mark.parametrize("raw", ["mười", "2.5", 2.5, "12a", True])
def test_not_whole_numbers(raw: object) -> None:
    assert parse_int(raw) is None


# the spellings Vietnamese lists use (issue 11), as they are typed in a list's cells
@pytest.mark.parametrize(
    ("field", "raw", "value"),
    [
        ("status", "đang hđ", "active"),
        ("status", "Đang HĐ", "active"),
        ("status", "Đang hoạt động", "active"),
        ("status", "NNT đang hoạt động", "active"),
        ("ownership", "TNHH", "non_state"),
        ("ownership", "Công ty TNHH", "non_state"),
        ("ownership", "TNHH MTV", "non_state"),
        ("ownership", "Cổ phần", "non_state"),
        ("ownership", "CP", "non_state"),
        ("ownership", "CTCP", "non_state"),
        ("ownership", "DNNN", "state"),
        ("ownership", "FDI", "fdi"),
        ("ownership", "vốn nước ngoài", "fdi"),
        ("ownership", "100% vốn nước ngoài", "fdi"),
        ("ownership", "HTX", "cooperative"),
        ("ownership", "hộ KD", "household"),
        ("ownership", "Hộ kd", "household"),
    ],
)
def test_the_spellings_vietnamese_lists_use(field: str, raw: str, value: str) -> None:
    assert parse_choice(field, raw) == value


def test_no_two_spellings_of_a_field_disagree_once_folded() -> None:
    from fieldapp.io.columns import _key, synonyms

    for field in ("ownership", "status", "attitude"):
        seen: dict[str, str] = {}
        for spelling, value in synonyms(field).items():
            assert seen.setdefault(_key(spelling), value) == value, (field, spelling)
            assert parse_choice(field, spelling) == value  # a label of the app never shadows a synonym
