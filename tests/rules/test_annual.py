"""The yearly round's dates: the annual day (moved off weekends and bank holidays), weekly
reminders then the close, the undertaking's chase, and grant anniversaries (leap days)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.annual import (
    REVIEW_GRACE_DAYS,
    anniversary,
    annual_day,
    chase_due,
    parse_month_day,
    review_due,
    round_for,
    round_of,
)
from bot.rules.calendar import is_working_day

APRIL = (4, 1)


@pytest.mark.parametrize(
    ("text", "expected"), [("04-01", (4, 1)), ("12-31", (12, 31)), (" 01-01 ", (1, 1))]
)
def test_parse_month_day(text: str, expected: tuple[int, int]) -> None:
    assert parse_month_day(text) == expected


@pytest.mark.parametrize(
    "text", ["", "4-1", "04/01", "13-01", "04-31", "02-29", "0401", "aa-bb", "04-01-2026"]
)
def test_parse_month_day_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        parse_month_day(text)


def test_annual_day_on_a_working_day_is_that_day() -> None:
    assert annual_day(2026, APRIL) == date(2026, 4, 1)  # a Wednesday


def test_annual_day_on_a_weekend_moves_to_monday() -> None:
    assert date(2028, 4, 1).weekday() == 5  # Saturday
    assert annual_day(2028, APRIL) == date(2028, 4, 3)


def test_annual_day_on_a_bank_holiday_moves_on() -> None:
    # Good Friday 2027 is 26 March; Easter Monday 29 March.
    assert annual_day(2027, (3, 26)) == date(2027, 3, 30)
    assert annual_day(2026, (12, 25)) == date(2026, 12, 29)  # Christmas Fri, Boxing Day Mon


@given(st.integers(2020, 2040), st.integers(1, 12), st.integers(1, 28))
def test_annual_day_is_the_first_working_day_from_the_configured_day(
    year: int, month: int, day: int
) -> None:
    found = annual_day(year, (month, day))
    start = date(year, month, day)
    assert found >= start and is_working_day(found)
    assert all(not is_working_day(start + timedelta(days=i)) for i in range((found - start).days))


def test_round_reminders_and_close() -> None:
    r = round_of(2026, APRIL, 4)
    assert r.opens_on == date(2026, 4, 1)
    assert r.reminders == (
        date(2026, 4, 8),
        date(2026, 4, 15),
        date(2026, 4, 22),
        date(2026, 4, 29),
    )
    assert r.closes_on == date(2026, 4, 30)
    assert r.period == "2026"
    assert not r.is_open(date(2026, 3, 31))
    assert r.is_open(date(2026, 4, 1)) and r.is_open(date(2026, 4, 29))
    assert not r.is_open(date(2026, 4, 30))


def test_round_without_reminders_closes_the_next_day() -> None:
    r = round_of(2026, APRIL, 0)
    assert r.reminders == () and r.closes_on == date(2026, 4, 2)


def test_round_for_picks_last_years_before_the_annual_day() -> None:
    assert round_for(date(2026, 3, 31), APRIL, 4) == round_of(2025, APRIL, 4)
    assert round_for(date(2026, 4, 1), APRIL, 4) == round_of(2026, APRIL, 4)
    # The nominal day was a Saturday: the round opens the Monday, not before.
    assert round_for(date(2028, 4, 1), APRIL, 4) == round_of(2027, APRIL, 4)


START = date(2026, 4, 1)


@pytest.mark.parametrize(
    ("today", "first_sent", "expected"),
    [
        (START - timedelta(days=1), False, None),
        (START, False, START),
        (START, True, None),  # sent this morning already
        (START + timedelta(days=3), False, START),  # the first one, late
        (START + timedelta(days=6), True, None),
        (START + timedelta(days=7), True, START + timedelta(days=7)),
        (START + timedelta(days=10), True, START + timedelta(days=7)),
        (START + timedelta(days=15), True, START + timedelta(days=14)),  # week 1 missed: not both
        (START + timedelta(days=28), True, START + timedelta(days=28)),
        (START + timedelta(days=29), True, START + timedelta(days=28)),
        (START + timedelta(days=35), True, None),  # no 5th reminder
        (START + timedelta(days=10), False, START),  # never reached them: the first, not a reminder
    ],
)
def test_chase_due(today: date, first_sent: bool, expected: date | None) -> None:
    assert chase_due(START, today, weeks=4, first_sent=first_sent) == expected


def test_chase_due_first_only_until() -> None:
    until = START + timedelta(days=29)
    assert chase_due(START, until - timedelta(days=1), weeks=4, first_sent=False, first_until=until)
    assert chase_due(START, until, weeks=4, first_sent=False, first_until=until) is None


def test_anniversary_of_a_leap_day() -> None:
    leap = date(2028, 2, 29)
    assert anniversary(leap, 2029) == date(2029, 2, 28)
    assert anniversary(leap, 2032) == date(2032, 2, 29)
    assert anniversary(date(2026, 6, 15), 2027) == date(2027, 6, 15)


def test_review_due_on_and_after_the_anniversary() -> None:
    granted = date(2026, 6, 15)
    assert review_due(granted, granted) is None
    assert review_due(granted, date(2027, 6, 14)) is None
    assert review_due(granted, date(2027, 6, 15)) == date(2027, 6, 15)
    assert review_due(granted, date(2027, 6, 17)) == date(2027, 6, 15)  # a weekend's, on Monday
    late = date(2027, 6, 15) + timedelta(days=REVIEW_GRACE_DAYS + 1)
    assert review_due(granted, late) is None
    assert review_due(granted, date(2028, 6, 15)) == date(2028, 6, 15)


def test_review_due_leap_day_grant() -> None:
    leap = date(2028, 2, 29)
    assert review_due(leap, date(2029, 2, 27)) is None
    assert review_due(leap, date(2029, 2, 28)) == date(2029, 2, 28)
    assert review_due(leap, date(2029, 3, 1)) == date(2029, 2, 28)
    assert review_due(leap, date(2032, 2, 28)) is None
    assert review_due(leap, date(2032, 2, 29)) == date(2032, 2, 29)


@given(st.dates(date(2020, 1, 1), date(2040, 12, 31)), st.integers(365, 3000))
def test_review_due_is_one_anniversary_a_year(granted: date, days: int) -> None:
    """Over any year of days after the grant, exactly one anniversary comes due (each day
    names at most one, and they are a year apart)."""
    start = granted + timedelta(days=days)
    found = {review_due(granted, start + timedelta(days=i)) for i in range(366)}
    found.discard(None)
    assert 1 <= len(found) <= 2
    for day in found:
        assert day is not None and day > granted
        assert (day.month, day.day) in ((granted.month, granted.day), (2, 28))


def test_settings_read_the_annual_declaration_day_and_weeks() -> None:
    from bot.settings import load_settings

    base = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    default = load_settings(base, dotenv_path=None).policy
    assert (default.annual_declaration_day, default.annual_declaration_reminder_weeks) == (
        (4, 1),
        4,
    )
    policy = load_settings(
        {**base, "ANNUAL_DECLARATION_DATE": "06-15", "ANNUAL_DECLARATION_REMINDER_WEEKS": "0"},
        dotenv_path=None,
    ).policy
    assert (policy.annual_declaration_day, policy.annual_declaration_reminder_weeks) == ((6, 15), 0)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ANNUAL_DECLARATION_DATE", "31-04"),
        ("ANNUAL_DECLARATION_DATE", "02-29"),
        ("ANNUAL_DECLARATION_DATE", "April 1"),
        ("ANNUAL_DECLARATION_REMINDER_WEEKS", "-1"),
        ("ANNUAL_DECLARATION_REMINDER_WEEKS", "27"),
        ("ANNUAL_DECLARATION_REMINDER_WEEKS", "four"),
    ],
)
def test_settings_refuse_a_bad_annual_setting(name: str, value: str) -> None:
    from bot.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match=name):
        load_settings(
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", name: value},
            dotenv_path=None,
        )
