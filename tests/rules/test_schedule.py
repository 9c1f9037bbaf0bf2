"""Lead times: the latest one reached is due; missed earlier ones are not sent as well."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.schedule import Due, due_lead, parse_leads, weekly_due

LEADS = (90, 30, 7, 0)
EXPIRY = date(2027, 3, 1)


@pytest.mark.parametrize(
    ("days_before", "lead"),
    [(120, None), (91, None), (90, 90), (45, 90), (30, 30), (8, 30), (7, 7), (1, 7), (0, 0)],
)
def test_latest_lead_reached(days_before: int, lead: int | None) -> None:
    due = due_lead(EXPIRY, EXPIRY - timedelta(days=days_before), LEADS)
    assert (due.lead_days if due else None) == lead
    if due:
        assert due.due_on == EXPIRY - timedelta(days=due.lead_days)


def test_nothing_after_the_date() -> None:
    assert due_lead(EXPIRY, EXPIRY + timedelta(days=1), LEADS) is None


@given(st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=10))
def test_a_day_later_never_goes_back_to_an_earlier_lead(days_before: int, step: int) -> None:
    today = EXPIRY - timedelta(days=days_before)
    first = due_lead(EXPIRY, today, LEADS)
    later = due_lead(EXPIRY, today + timedelta(days=step), LEADS)
    if first and later:
        assert later.lead_days <= first.lead_days


def test_weekly() -> None:
    start = date(2026, 11, 2)
    assert weekly_due(start, date(2026, 11, 1)) is None
    assert weekly_due(start, date(2026, 11, 8)) == start
    assert weekly_due(start, date(2026, 11, 9)) == date(2026, 11, 9)


def test_parse_leads() -> None:
    assert parse_leads("7, 90,30,0,30") == (90, 30, 7, 0)
    with pytest.raises(ValueError, match="'x'"):
        parse_leads("90,x")
    assert isinstance(Due(1, EXPIRY), Due)
