"""Working days in Vietnam: weekends, public holidays by the lunar and solar calendars, compensatory days off and
the federation's own days off are skipped."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fieldapp.core.workdays import add_working_days, is_working_day, public_holidays, working_days_between

PROPS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
counts = st.integers(min_value=0, max_value=80)
# the oracle: the package's calendar itself, asked directly
VN = holidays.country_holidays("VN", years=range(2020, 2037))


def test_the_holidays_the_law_names_are_there() -> None:
    h2027 = public_holidays(2027)
    assert date(2027, 2, 6) in h2027  # Tết Nguyên Đán 2027, mùng một (lunar)
    assert date(2027, 4, 16) in h2027  # Giỗ Tổ Hùng Vương, 10/3 lunar
    assert {date(2027, 4, 30), date(2027, 5, 1), date(2027, 9, 2), date(2027, 9, 3)} <= h2027.keys()
    assert date(2028, 1, 26) in public_holidays(2028)  # Tết 2028 falls in January
    assert date(2026, 1, 1) in public_holidays(2026)


def test_names_are_vietnamese() -> None:
    assert "Quốc khánh" in public_holidays(2027)[date(2027, 9, 2)]


def test_weekends_are_off_and_weekdays_work() -> None:
    assert is_working_day(date(2027, 3, 10))  # a Wednesday
    assert not is_working_day(date(2027, 3, 13))  # Saturday
    assert not is_working_day(date(2027, 3, 14))  # Sunday


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        # Tết 2027: mùng một on Saturday 6/2; off from "29 Tết" (Thu 4/2, the Saturday moved before) to mùng năm
        # (Wed 10/2, the Sunday moved after)
        (date(2027, 2, 3), 1, date(2027, 2, 11)),
        (date(2027, 2, 1), 5, date(2027, 2, 15)),
        (date(2027, 1, 29), 10, date(2027, 2, 19)),
        # Tết 2028: mùng một on Wednesday 26/1; off Mon 24/1 to Fri 28/1 (mùng bốn, a Saturday, moved before)
        (date(2028, 1, 21), 1, date(2028, 1, 31)),
        (date(2028, 1, 20), 3, date(2028, 2, 1)),
        # 30/4 (Fri) and 1/5 (Sat) 2027: 1/5 is given back on Monday 3/5
        (date(2027, 4, 29), 1, date(2027, 5, 4)),
        # 30/4 (Sun), 1/5 (Mon) 2028: 30/4 given back on Tuesday 2/5
        (date(2028, 4, 28), 1, date(2028, 5, 3)),
        # 2/9 2027 (Thu) with the day next to it (Fri 3/9)
        (date(2027, 9, 1), 1, date(2027, 9, 6)),
        # the day a government decision swapped: 31/8/2026 off, Saturday 22/8/2026 worked
        (date(2026, 8, 21), 1, date(2026, 8, 22)),
        (date(2026, 8, 28), 1, date(2026, 9, 3)),
        (date(2027, 3, 10), 0, date(2027, 3, 10)),
    ],
)
def test_add_working_days_across_holidays(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n) == expected
    assert working_days_between(start, expected) == n


def test_tet_2027_and_2028_are_not_working_days() -> None:
    assert [d.day for d in _days(date(2027, 2, 1), date(2027, 2, 12)) if not is_working_day(d)] == [
        4,
        5,
        6,
        7,
        8,
        9,
        10,
    ]
    assert [d.day for d in _days(date(2028, 1, 22), date(2028, 2, 1)) if not is_working_day(d)] == [
        22,
        23,
        24,
        25,
        26,
        27,
        28,
        29,
        30,
    ]


def test_extra_days_off_are_skipped() -> None:
    off = (date(2027, 3, 11), date(2027, 3, 12))
    assert not is_working_day(date(2027, 3, 11), off)
    assert add_working_days(date(2027, 3, 10), 1, off) == date(2027, 3, 15)
    assert working_days_between(date(2027, 3, 10), date(2027, 3, 15), off) == 1


def test_between_is_negative_backwards() -> None:
    assert working_days_between(date(2027, 3, 15), date(2027, 3, 10)) == -3


def test_negative_count_is_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2027, 3, 10), -1)


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days)]


def _off_by_the_package(day: date) -> bool:
    return day in VN or (day.weekday() >= 5 and day not in VN.weekend_workdays)


@PROPS
@given(days, st.integers(min_value=1, max_value=80))
def test_a_deadline_is_never_a_weekend_or_a_holiday(start: date, n: int) -> None:
    due = add_working_days(start, n)
    assert not _off_by_the_package(due)
    assert due > start


@PROPS
@given(days, counts, counts)
def test_more_days_never_give_an_earlier_deadline(start: date, n: int, m: int) -> None:
    low, high = sorted((n, m))
    assert add_working_days(start, low) <= add_working_days(start, high)
    if low < high:
        assert add_working_days(start, low) < add_working_days(start, high)


@PROPS
@given(days, days, counts)
def test_a_later_start_never_gives_an_earlier_deadline(a: date, b: date, n: int) -> None:
    early, late = sorted((a, b))
    assert add_working_days(early, n) <= add_working_days(late, n)


@PROPS
@given(days, counts, st.lists(days, max_size=10))
def test_between_counts_back_what_add_added(start: date, n: int, extra: list[date]) -> None:
    due = add_working_days(start, n, extra)
    assert working_days_between(start, due, extra) == n
    if n:
        assert due not in extra
    # every day skipped on the way is a day off
    for day in _days(start + timedelta(days=1), due):
        if not is_working_day(day, extra):
            assert _off_by_the_package(day) or day in extra
