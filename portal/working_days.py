"""Working days: Monday to Friday, the England and Wales bank holidays not counted. One answer for
every ladder that counts in working days (kit requests, loans)."""

import datetime
from functools import cache

import holidays


@cache
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=[year]).keys())


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def next_working_day(day: datetime.date) -> datetime.date:
    day += datetime.timedelta(days=1)
    while not is_working_day(day):
        day += datetime.timedelta(days=1)
    return day


def previous_working_day(day: datetime.date) -> datetime.date:
    day -= datetime.timedelta(days=1)
    while not is_working_day(day):
        day -= datetime.timedelta(days=1)
    return day


def working_days_from(day: datetime.date, count: int) -> datetime.date:
    """The working day `count` working days after `day` (before it when `count` is negative)."""
    step = next_working_day if count > 0 else previous_working_day
    for _ in range(abs(count)):
        day = step(day)
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """How many working days after `start`, up to and including `end` (0 when `end` is not after it)."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count
