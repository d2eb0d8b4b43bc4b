"""Working days in Vietnam: Monday to Friday, less public holidays and the federation's own days off.

The public holidays come from the ``holidays`` package's Vietnam calendar (``holidays.VN``), never from a table of
our own. What it gives (checked against holidays 0.109, see docs/rules.md):

- the days of Labour Code 2019 art. 112: Tết Dương lịch (1/1), Tết Nguyên Đán by the lunar calendar (the eve and
  the first four days), Giỗ Tổ Hùng Vương (10/3 lunar), 30/4, 1/5, Quốc khánh 2/9 with the day next to it (since
  2021), and Ngày Văn hóa Việt Nam (24/11, from 2026);
- compensatory days off (nghỉ bù) when a holiday falls on a weekend: the next working day; a Tết day on a Saturday
  moves to the working day before (so "29 Tết" or "mùng năm" appears when Tết meets a weekend);
- the days the government swapped by decision (e.g. 31/8/2026 off, worked on Saturday 22/8/2026): the day off is
  a holiday and the Saturday worked is a working day (``weekend_workdays``).

A year the government has not yet announced is the package's estimate by the law; a federation adds what it knows
(or its own days off) as ``extra_days_off`` in its rules file.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from functools import lru_cache

__all__ = ["add_working_days", "is_working_day", "public_holidays", "working_days_between"]

_SATURDAY = 5
_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=256)
def _year(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """The year's public holidays and its weekend days worked by a government swap (computed once per year)."""
    import holidays  # here, not at the top: 20 ms of start-up that only a date computation needs

    calendar = holidays.country_holidays("VN", years=year)
    days = frozenset(d for d in calendar if d.year == year)
    worked = frozenset(d for d in calendar.weekend_workdays if d.year == year)
    return days, worked


def public_holidays(year: int) -> dict[date, str]:
    """Vietnam's public holidays of *year* (date -> Vietnamese name), compensatory days included."""
    import holidays

    calendar = holidays.country_holidays("VN", years=year, language="vi")
    return {d: name for d, name in sorted(calendar.items()) if d.year == year}


def is_working_day(day: date, extra_days_off: Collection[date] = ()) -> bool:
    """True when *day* is a working day: a weekday (or a Saturday worked by a swap) that is no public holiday
    and none of *extra_days_off*."""
    off, worked = _year(day.year)
    if day in off or day in extra_days_off:
        return False
    return day.weekday() < _SATURDAY or day in worked


def add_working_days(start: date, n: int, extra_days_off: Collection[date] = ()) -> date:
    """The *n*-th working day after *start* (*start* itself not counted; n = 0 gives *start*).

    "Within 10 working days of the congress" is ``add_working_days(congress, 10)``: the last day allowed.
    """
    if n < 0:
        raise ValueError("n must not be negative")
    extra = frozenset(extra_days_off)
    day = start
    while n:
        day += _ONE_DAY
        if is_working_day(day, extra):
            n -= 1
    return day


def working_days_between(start: date, end: date, extra_days_off: Collection[date] = ()) -> int:
    """The working days after *start* up to and including *end*; negative when *end* is before *start*.

    ``working_days_between(d, add_working_days(d, n)) == n``.
    """
    if end < start:
        return -working_days_between(end, start, extra_days_off)
    extra = frozenset(extra_days_off)
    count = 0
    day = start
    while day < end:
        day += _ONE_DAY
        count += is_working_day(day, extra)
    return count
