"""Working days (weekends and England-and-Wales bank holidays skipped), when a waiting step
is chased, and when a reminder scheduled into working hours arrives."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.approvals import Chase, chase
from bot.rules.calendar import (
    add_working_days,
    is_working_day,
    next_working_day,
    next_working_hour,
    working_days_between,
)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 11, 20), True),  # Friday
        (date(2026, 11, 21), False),  # Saturday
        (date(2026, 11, 22), False),  # Sunday
        (date(2026, 11, 23), True),  # Monday
        (date(2026, 4, 3), False),  # Good Friday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2026, 4, 7), True),
        (date(2026, 5, 4), False),  # early May bank holiday
        (date(2026, 5, 25), False),  # spring bank holiday
        (date(2026, 8, 31), False),  # summer bank holiday (England, not Scotland's)
        (date(2026, 12, 25), False),  # Christmas Day, a Friday
        (date(2026, 12, 28), False),  # Boxing Day falls on Saturday: substitute Monday
        (date(2026, 12, 29), True),
        (date(2027, 1, 1), False),  # New Year's Day
        (date(2027, 12, 27), False),  # Christmas on Saturday: substitute Monday
        (date(2027, 12, 28), False),  # Boxing Day on Sunday: substitute Tuesday
    ],
)
def test_working_days(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_counting_skips_weekends() -> None:
    friday = date(2026, 11, 20)
    assert working_days_between(friday, friday) == 0
    assert working_days_between(friday, date(2026, 11, 22)) == 0  # the weekend
    assert working_days_between(friday, date(2026, 11, 23)) == 1
    assert working_days_between(friday, date(2026, 11, 25)) == 3
    assert working_days_between(friday, date(2026, 11, 19)) == 0  # end before start


def test_counting_skips_christmas_and_the_boxing_day_substitute() -> None:
    # Thu 24 Dec 2026 → Fri 25 (holiday), Mon 28 (substitute), Tue 29 is the first.
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 28)) == 0
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 29)) == 1
    assert add_working_days(date(2026, 12, 24), 3) == date(2026, 12, 31)


def test_counting_skips_easter() -> None:
    # Thu 2 Apr 2026 → Good Friday, the weekend, Easter Monday: Tue 7 Apr is day 1.
    assert working_days_between(date(2026, 4, 2), date(2026, 4, 7)) == 1
    assert add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)


def test_next_working_day() -> None:
    assert next_working_day(date(2026, 11, 21)) == date(2026, 11, 23)
    assert next_working_day(date(2026, 12, 25)) == date(2026, 12, 29)
    assert next_working_day(date(2026, 11, 23)) == date(2026, 11, 23)


@given(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=0, max_value=30),
)
def test_add_working_days_inverts_the_count(start: date, days: int) -> None:
    end = add_working_days(start, days)
    assert working_days_between(start, end) == days
    if days:
        assert is_working_day(end)
        assert working_days_between(start, end - timedelta(days=1)) == days - 1


# -- chase(): remind once at N working days, escalate at 2N --------------------------------

FRIDAY = date(2026, 11, 20)


@pytest.mark.parametrize(
    ("today", "reminded", "expected"),
    [
        (date(2026, 11, 24), False, Chase.NOTHING),  # 2 working days
        (date(2026, 11, 25), False, Chase.REMIND),  # exactly 3
        (date(2026, 11, 25), True, Chase.NOTHING),  # once only
        (date(2026, 11, 27), True, Chase.NOTHING),  # 5
        (date(2026, 11, 28), True, Chase.NOTHING),  # Saturday: still 5
        (date(2026, 11, 29), True, Chase.NOTHING),  # Sunday: still 5
        (date(2026, 11, 30), True, Chase.ESCALATE),  # exactly 6
        (date(2026, 11, 30), False, Chase.ESCALATE),  # never reminded: still escalates
        (date(2026, 12, 10), True, Chase.ESCALATE),  # long overdue
    ],
)
def test_chase_boundaries(today: date, reminded: bool, expected: Chase) -> None:
    assert chase(FRIDAY, today, limit_days=3, reminded=reminded) is expected


def test_chase_over_christmas_waits_for_working_days() -> None:
    # Started Wed 23 Dec 2026: 24 Dec (1), 29 (2), 30 (3) — Christmas and the substitute skipped.
    start = date(2026, 12, 23)
    assert chase(start, date(2026, 12, 29), limit_days=3, reminded=False) is Chase.NOTHING
    assert chase(start, date(2026, 12, 30), limit_days=3, reminded=False) is Chase.REMIND


def test_chase_with_a_limit_of_one_day() -> None:
    assert chase(FRIDAY, date(2026, 11, 23), limit_days=1, reminded=False) is Chase.REMIND
    assert chase(FRIDAY, date(2026, 11, 24), limit_days=1, reminded=True) is Chase.ESCALATE


# -- working hours: when a reminder scheduled into them arrives ---------------------------------

MORNING_UTC = datetime(2026, 11, 20, 7, 30, tzinfo=UTC)  # 07:30 in London


def test_within_hours_or_unknown_zone_goes_now() -> None:
    assert next_working_hour(datetime(2026, 11, 20, 10, tzinfo=UTC), "Europe/London") is None
    assert next_working_hour(MORNING_UTC, None) is None
    assert next_working_hour(MORNING_UTC, "Not/AZone") is None


def test_too_early_or_too_late_waits_for_nine_local() -> None:
    assert next_working_hour(MORNING_UTC, "Europe/London") == datetime(
        2026, 11, 20, 9, tzinfo=ZoneInfo("Europe/London")
    )
    # 07:30 UTC is 23:30 the day before in Los Angeles: nine the next morning there.
    assert next_working_hour(MORNING_UTC, "America/Los_Angeles") == datetime(
        2026, 11, 20, 9, tzinfo=ZoneInfo("America/Los_Angeles")
    )
