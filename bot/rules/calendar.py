"""Working days: weekends and England-and-Wales bank holidays are not working days. Working
hours: a message for one person alone arrives between 08:00 and 19:00 in their time zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WORKING_HOURS = (time(8, 0), time(19, 0))
# A reminder the platform schedules into working hours (Slack's) arrives at nine, not as
# they open.
ARRIVE_AT = time(9, 0)


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    import holidays  # its calendars load in a twentieth of a second: wanted only once a day

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


def zone_named(name: str | None) -> ZoneInfo | None:
    """The time zone of an IANA name (a person's, from their platform), or None if unknown."""
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def held_until(at: datetime, zone: tzinfo, *, arrive: time | None = None) -> datetime | None:
    """None if `at` falls within working hours in `zone`; else when a message due then should
    arrive instead: the next `arrive` there (default: when the hours open, 08:00). Issue 12,
    "Reminders in working hours"."""
    local = at.astimezone(zone)
    start, end = WORKING_HOURS
    if start <= local.time() < end:
        return None
    day = local.date() if local.time() < start else local.date() + timedelta(days=1)
    return datetime.combine(day, arrive or start, tzinfo=zone)


def next_working_hour(now: datetime, tz: str | None) -> datetime | None:
    """None if `now` is within working hours in `tz` (or tz is unknown), else the next 09:00
    there: when Slack is asked to post a reminder held for the recipient's working hours.
    Issue 12, "Reminders in working hours"."""
    zone = zone_named(tz)
    return None if zone is None else held_until(now, zone, arrive=ARRIVE_AT)
