"""Working days: weekends and England-and-Wales bank holidays are not working days."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 if end <= start)."""
    days, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            days += 1
    return days


def add_working_days(start: date, days: int) -> date:
    """The first date by which `days` working days have passed since `start`: the day a step
    that started waiting on `start` reaches that many (`working_days_between` inverted)."""
    current, counted = start, 0
    while counted < days:
        current += timedelta(days=1)
        if is_working_day(current):
            counted += 1
    return current


def next_working_day(day: date) -> date:
    """`day` itself if it is a working day, else the next one."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
