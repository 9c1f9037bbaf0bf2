"""Vetting renewal rules: intervals per level, the next expiry (29 February too), who is due
a reminder and when, who oversees whom, and checking a recorded renewal."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.calendar import is_working_day
from bot.rules.schedule import Due
from bot.rules.vetting import (
    DEFAULT_INTERVAL_YEARS,
    Clearance,
    Field,
    InvalidRenewal,
    add_years,
    days_lapsed,
    interval_years,
    lapsed,
    lapsed_list_day,
    may_record,
    next_expiry,
    overseers,
    parse_intervals,
    renewal_due,
    validate_renewal,
    window,
)

LEADS = (90, 30, 7, 0)
INTERVALS = {"NPPV3": 3, "SC": 5}
TODAY = date(2027, 3, 3)  # a Wednesday

dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


# -- intervals ------------------------------------------------------------------------------


def test_intervals_parse_per_level_case_blind() -> None:
    assert parse_intervals("NPPV1=3, nppv3 = 3,SC=5") == {"NPPV1": 3, "NPPV3": 3, "SC": 5}
    assert parse_intervals("") == {}
    assert interval_years("sc", INTERVALS) == 5
    assert interval_years(" NPPV3 ", INTERVALS) == 3


def test_a_level_not_listed_is_revetted_every_three_years() -> None:
    # warwickshire "Vetting"; avon-and-somerset §3.16.
    assert DEFAULT_INTERVAL_YEARS == 3
    assert interval_years("CTC", INTERVALS) == 3
    assert interval_years(None, INTERVALS) == 3


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("NPPV3", "LEVEL=YEARS"),
        ("=3", "LEVEL=YEARS"),
        ("SC=five", "whole number"),
        ("SC=-1", "whole number"),
        ("SC=0", "1 to 20"),
        ("SC=21", "1 to 20"),
        ("SC=5,sc=3", "twice"),
        ("SC=٣", "whole number"),
    ],
)
def test_bad_intervals_name_the_part(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        parse_intervals(text)


@given(st.dictionaries(st.from_regex(r"[A-Z][A-Z0-9]{0,9}", fullmatch=True), st.integers(1, 20)))
def test_intervals_round_trip(intervals: dict[str, int]) -> None:
    text = ",".join(f"{level}={years}" for level, years in intervals.items())
    assert parse_intervals(text) == intervals


@given(st.text(max_size=40))
def test_parsing_any_text_gives_intervals_or_value_error(text: str) -> None:
    try:
        parsed = parse_intervals(text)
    except ValueError:
        return
    assert all(1 <= years <= 20 for years in parsed.values())


# -- next expiry --------------------------------------------------------------------------------


def test_next_expiry_is_the_renewal_plus_the_levels_interval() -> None:
    assert next_expiry(date(2027, 3, 1), "NPPV3", INTERVALS) == date(2030, 3, 1)
    assert next_expiry(date(2027, 3, 1), "SC", INTERVALS) == date(2032, 3, 1)


def test_29_february_becomes_28_february() -> None:
    assert add_years(date(2028, 2, 29), 3) == date(2031, 2, 28)
    assert add_years(date(2028, 2, 29), 4) == date(2032, 2, 29)


@given(dates, st.integers(1, 20))
def test_add_years_keeps_the_month_and_never_overruns(day: date, years: int) -> None:
    later = add_years(day, years)
    assert later.year == day.year + years and later.month == day.month
    assert later.day == day.day or (day.month, day.day, later.day) == (2, 29, 28)


# -- who is due --------------------------------------------------------------------------------


def clearance(expires: date, level: str | None = "NPPV3") -> Clearance:
    return Clearance(staff_id=1, level=level, expires=expires)


@pytest.mark.parametrize(
    ("days_before", "lead"),
    [(91, None), (90, 90), (31, 90), (30, 30), (8, 30), (7, 7), (1, 7), (0, 0)],
)
def test_each_lead_time(days_before: int, lead: int | None) -> None:
    due = renewal_due(clearance(TODAY + timedelta(days=days_before)), TODAY, LEADS)
    assert (due.lead_days if due else None) == lead


def test_an_expiry_on_a_weekend_is_reminded_on_the_next_working_day() -> None:
    saturday, monday = date(2027, 3, 6), date(2027, 3, 8)
    assert renewal_due(clearance(saturday), monday, LEADS) == Due(0, saturday)
    assert renewal_due(clearance(date(2027, 3, 7)), monday, LEADS) == Due(0, date(2027, 3, 7))
    # Friday's expiry was reminded on Friday: nothing late on Monday.
    assert renewal_due(clearance(date(2027, 3, 5)), monday, LEADS) is None


def test_after_a_bank_holiday_monday() -> None:
    # Good Friday 26 and Easter Monday 29 March 2027: after Thursday, the sweep runs on
    # Tuesday 30th, and reminds what expired over the long weekend.
    assert not is_working_day(date(2027, 3, 26)) and not is_working_day(date(2027, 3, 29))
    tuesday = date(2027, 3, 30)
    assert renewal_due(clearance(date(2027, 3, 26)), tuesday, LEADS) == Due(0, date(2027, 3, 26))
    assert renewal_due(clearance(date(2027, 3, 29)), tuesday, LEADS) == Due(0, date(2027, 3, 29))
    assert renewal_due(clearance(date(2027, 3, 25)), tuesday, LEADS) is None
    assert window(tuesday, LEADS) == (date(2027, 3, 26), tuesday + timedelta(days=90))


def test_without_an_on_the_day_lead_nothing_is_sent_late() -> None:
    saturday, monday = date(2027, 3, 6), date(2027, 3, 8)
    assert renewal_due(clearance(saturday), monday, (30, 7)) is None


@given(dates, st.integers(-400, 400))
def test_a_due_reminder_is_inside_the_window_and_never_in_the_future(
    today: date, offset: int
) -> None:
    expires = today + timedelta(days=offset)
    due = renewal_due(clearance(expires), today, LEADS)
    first, last = window(today, LEADS)
    if due is not None:
        assert first <= expires <= last
        assert due.due_on <= today and due.lead_days in LEADS
        assert due.due_on == expires - timedelta(days=due.lead_days)


def test_lapsed_and_days_lapsed() -> None:
    monday = lapsed_list_day(TODAY)
    assert monday == date(2027, 3, 1) and monday.weekday() == 0
    people = [
        Clearance(1, "SC", date(2027, 2, 28)),
        Clearance(2, "NPPV3", date(2027, 1, 1)),
        Clearance(3, "NPPV3", date(2027, 3, 1)),  # valid through Monday itself
    ]
    assert [c.staff_id for c in lapsed(people, monday)] == [2, 1]
    assert days_lapsed(date(2027, 2, 28), TODAY) == 3
    assert days_lapsed(TODAY, TODAY) == 0


@given(dates)
def test_the_lapsed_list_day_is_the_monday_of_the_week(today: date) -> None:
    monday = lapsed_list_day(today)
    assert monday.weekday() == 0 and 0 <= (today - monday).days < 7


# -- who oversees, and who may record ----------------------------------------------------------


def test_overseers() -> None:
    assert overseers(5, [9], [1]) == [9]
    assert overseers(9, [9], [1]) == [1]  # the vetting officer's own: the head of office
    assert overseers(9, [9, 8], [1]) == [8]
    assert overseers(5, [], [1]) == [1]
    assert overseers(1, [], [1]) == []


@given(st.integers(1, 6), st.lists(st.integers(1, 6)), st.lists(st.integers(1, 6)))
def test_nobody_oversees_their_own_clearance(person: int, vetting: list[int], heads: list[int]):
    assert person not in overseers(person, vetting, heads)


def test_who_may_record_a_renewal() -> None:
    assert may_record(9, frozenset({"vetting_officer"}), 5) is None
    assert may_record(1, frozenset({"head_of_office"}), 5) is None
    assert "Only the vetting officer" in (may_record(4, frozenset({"admin"}), 5) or "")
    assert "Only the vetting officer" in (may_record(4, frozenset(), 5) or "")
    assert "their own" in (may_record(9, frozenset({"vetting_officer"}), 9) or "")


# -- recording a renewal ------------------------------------------------------------------------


def renew(renewed_on: date | None, current: date | None = date(2027, 3, 20), level="NPPV3"):
    return validate_renewal(
        renewed_on, today=TODAY, current_expiry=current, level=level, intervals=INTERVALS
    )


def error(renewed_on: date | None, current: date | None = date(2027, 3, 20)) -> str:
    with pytest.raises(InvalidRenewal) as caught:
        renew(renewed_on, current)
    assert list(caught.value.errors) == [Field.RENEWED_ON]
    message = caught.value.errors[Field.RENEWED_ON]
    assert 0 < len(message) <= 150
    return message


def test_a_renewal_sets_the_next_expiry() -> None:
    renewal = renew(date(2027, 3, 1))
    assert (renewal.new_expiry, renewal.years) == (date(2030, 3, 1), 3)
    assert renew(TODAY, level="sc").new_expiry == date(2032, 3, 3)


def test_a_lapsed_clearance_can_be_renewed() -> None:
    assert renew(date(2027, 2, 1), current=date(2026, 6, 30)).new_expiry == date(2030, 2, 1)


def test_a_renewal_on_29_february() -> None:
    renewal = validate_renewal(
        date(2028, 2, 29),
        today=date(2028, 3, 1),
        current_expiry=date(2028, 3, 10),
        level="NPPV3",
        intervals=INTERVALS,
    )
    assert renewal.new_expiry == date(2031, 2, 28)


def test_bad_renewal_dates() -> None:
    assert "Choose the date" in error(None)
    assert "hasn't come yet" in error(TODAY + timedelta(days=1))
    assert "over a year before" in error(date(2026, 3, 1))
    assert "already have run out" in error(date(2023, 3, 3), current=None)
    with pytest.raises(InvalidRenewal, match="no later than the current one"):
        validate_renewal(
            date(2026, 3, 20),
            today=TODAY,
            current_expiry=date(2027, 3, 20),
            level="ANNUAL",
            intervals={"ANNUAL": 1},
        )


@given(dates, st.one_of(st.none(), dates), st.sampled_from(["NPPV3", "SC", "CTC", None]))
def test_an_accepted_renewal_is_in_the_past_and_moves_the_expiry_on(
    renewed_on: date, current: date | None, level: str | None
) -> None:
    try:
        renewal = validate_renewal(
            renewed_on, today=TODAY, current_expiry=current, level=level, intervals=INTERVALS
        )
    except InvalidRenewal as invalid:
        assert all(0 < len(m) <= 150 for m in invalid.errors.values())
        return
    assert renewal.renewed_on <= TODAY < renewal.new_expiry
    assert current is None or renewal.new_expiry > current
