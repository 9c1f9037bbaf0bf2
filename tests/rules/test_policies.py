"""Policy review rules: the next review date (interval or explicit), the form's checks, the
"Mark reviewed" checks and where a policy stands."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.jobs.policies import Due, due
from bot.rules.policies import (
    MONTHS_MAX,
    Field,
    InvalidPolicy,
    PolicyForm,
    ReviewField,
    ReviewForm,
    Standing,
    add_months,
    interval_words,
    next_review_date,
    standing,
    valid_channel,
    valid_url,
    validate,
    validate_review,
)
from storage.policies import OVERDUE_KIND, REVIEW_KIND

TODAY = date(2026, 11, 20)
LEADS = (60, 30, 7)


def form(**overrides: object) -> PolicyForm:
    values: dict[str, object] = {
        "title": "Staff Code of Conduct",
        "owner_chosen": True,
        "owner_in_org": True,
        "url": "https://intranet.opcc.example/policies/code-of-conduct.pdf",
        "last_reviewed": date(2025, 11, 1),
        "review_months": "24",
        "next_review": None,
        "channel": "C0GOVERN",
    }
    values.update(overrides)
    return PolicyForm(**values)  # type: ignore[arg-type]


def errors(f: PolicyForm) -> dict[str, str]:
    with pytest.raises(InvalidPolicy) as raised:
        validate(f, TODAY)
    for message in raised.value.errors.values():
        assert 0 < len(message) <= 150
    return raised.value.errors


# -- dates -----------------------------------------------------------------------------------


def test_adding_months_keeps_the_day_or_takes_the_month_end() -> None:
    assert add_months(date(2023, 11, 15), 24) == date(2025, 11, 15)  # avon-and-somerset
    assert add_months(date(2024, 2, 16), 36) == date(2027, 2, 16)  # derbyshire
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)  # leap year
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 12, 31), 1) == date(2027, 1, 31)
    assert add_months(date(2026, 8, 31), 3) == date(2026, 11, 30)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)), st.integers(1, 120))
def test_adding_months_lands_in_the_right_month_never_after_the_day(start: date, n: int) -> None:
    result = add_months(start, n)
    assert (result.year * 12 + result.month) - (start.year * 12 + start.month) == n
    assert result.day <= start.day
    assert result.day == start.day or (result + timedelta(days=1)).day == 1  # else month end


def test_an_explicit_date_wins_over_the_interval() -> None:
    printed = date(2018, 3, 1)  # warwickshire's printed review date
    assert (
        next_review_date(last_reviewed=date(2016, 3, 1), review_months=24, explicit=printed)
        == printed
    )
    assert next_review_date(
        last_reviewed=date(2016, 3, 1), review_months=36, explicit=None
    ) == date(2019, 3, 1)
    assert next_review_date(last_reviewed=None, review_months=24, explicit=None) is None


# -- the form ---------------------------------------------------------------------------------


def test_a_good_policy_with_an_interval() -> None:
    valid = validate(form(), TODAY)
    assert valid.title == "Staff Code of Conduct"
    assert valid.review_months == 24
    assert valid.next_review == date(2027, 11, 1)
    assert valid.channel_id == "C0GOVERN"
    assert valid.active and not valid.is_code_of_conduct


def test_a_printed_review_date_long_passed_is_accepted_and_shows_overdue() -> None:
    valid = validate(
        form(review_months="", last_reviewed=None, next_review=date(2018, 3, 1)), TODAY
    )
    assert valid.next_review == date(2018, 3, 1) and valid.review_months is None
    assert standing(valid.next_review, TODAY, LEADS) is Standing.OVERDUE


def test_one_of_interval_or_date_is_needed() -> None:
    assert Field.NEXT_REVIEW in errors(form(review_months=None, next_review=None))
    # An interval with nothing to count from: the last review is asked for.
    assert set(errors(form(last_reviewed=None))) == {Field.LAST_REVIEWED}


def test_each_problem_lands_on_its_own_field() -> None:
    problems = errors(
        form(
            title="  ",
            owner_chosen=False,
            url="intranet/policy",
            last_reviewed=TODAY + timedelta(days=1),
            review_months="0",
            channel="DUALICE",
        )
    )
    assert set(problems) == {
        Field.TITLE,
        Field.OWNER,
        Field.URL,
        Field.LAST_REVIEWED,
        Field.REVIEW_MONTHS,
        Field.CHANNEL,
    }
    assert "org chart" in errors(form(owner_in_org=False))[Field.OWNER]
    assert Field.TITLE in errors(form(title="x" * 201))
    assert Field.NEXT_REVIEW in errors(form(next_review=date(2025, 10, 1)))  # before last


@pytest.mark.parametrize("raw", ["1.5", "-3", "twelve", str(MONTHS_MAX + 1), "1e3"])
def test_the_interval_is_a_whole_number_of_months(raw: str) -> None:
    assert Field.REVIEW_MONTHS in errors(form(review_months=raw))


@pytest.mark.parametrize(
    "url",
    [
        "https://www.avonandsomerset-pcc.gov.uk/code.pdf",
        "http://intranet/policies/code",
        "HTTPS://example.org/a?b=c#d",
    ],
)
def test_good_links(url: str) -> None:
    assert valid_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/x",
        "www.example.org",
        "https://",
        "https:// example.org",
        "https://example.org/a|b",
        "https://example.org/<script>",
        "javascript:alert(1)",
        "https://example.org:99999/",
    ],
)
def test_bad_links(url: str) -> None:
    assert not valid_url(url)


@given(st.text(max_size=60))
def test_any_typed_text_is_a_link_or_an_error_on_the_link_field(url: str) -> None:
    try:
        valid = validate(form(url=url), TODAY)
    except InvalidPolicy as invalid:
        assert set(invalid.errors) == {Field.URL}
    else:
        assert valid.url == url.strip()
        assert valid.url == "" or valid.url.lower().startswith(("http://", "https://"))


@given(st.text(max_size=12))
def test_any_typed_interval_is_months_or_an_error(raw: str) -> None:
    try:
        valid = validate(form(review_months=raw), TODAY)
    except InvalidPolicy as invalid:
        assert Field.REVIEW_MONTHS in invalid.errors or Field.NEXT_REVIEW in invalid.errors
    else:
        assert valid.review_months is None or 1 <= valid.review_months <= MONTHS_MAX


def test_channels_not_conversations_with_people() -> None:
    assert valid_channel("C0123ABCD") and valid_channel("G0123ABCD")
    assert not valid_channel("D0123ABCD") and not valid_channel("U0123") and not valid_channel("")
    assert not valid_channel("#governance")


TEAMS_CHANNEL = "19:a1b2c3d4e5f60718293a4b5c6d7e8f90@thread.tacv2"


def test_a_teams_channel_on_teams_and_only_there() -> None:
    assert valid_channel(TEAMS_CHANNEL, "teams")
    assert valid_channel("19:0aF3-_x.y=@thread.skype", "teams")  # an older team's channel
    assert not valid_channel(TEAMS_CHANNEL) and not valid_channel(TEAMS_CHANNEL, "slack")
    assert not valid_channel("C0123ABCD", "teams")  # a Slack id on Teams
    for chat in ["19:abc@thread.v2", "19:abc@unq.gbl.spaces", "a:1xyz", "19:@thread.tacv2",
                 f"{TEAMS_CHANNEL} ", "19:a b@thread.tacv2", ""]:
        assert not valid_channel(chat, "teams"), chat  # group and 1:1 chats, junk


def test_a_policy_form_takes_the_platforms_channel() -> None:
    assert validate(form(channel=TEAMS_CHANNEL), TODAY, "teams").title
    with pytest.raises(InvalidPolicy) as refused:
        validate(form(channel="C0123ABCD"), TODAY, "teams")
    assert "channel" in refused.value.errors[Field.CHANNEL]
    with pytest.raises(InvalidPolicy):
        validate(form(channel=TEAMS_CHANNEL), TODAY)


def test_a_retired_policy_is_not_the_code_of_conduct() -> None:
    valid = validate(form(is_code_of_conduct=True, retired=True), TODAY)
    assert not valid.active and not valid.is_code_of_conduct


# -- marking reviewed -------------------------------------------------------------------------


def review_errors(f: ReviewForm, months: int | None = 24) -> dict[str, str]:
    with pytest.raises(InvalidPolicy) as raised:
        validate_review(f, review_months=months, today=TODAY)
    return raised.value.errors


def test_a_review_counts_the_interval_from_the_day_it_was_done() -> None:
    review = validate_review(
        ReviewForm(reviewed_on=date(2026, 11, 18), next_review=None, note=" Minor fixes "),
        review_months=24,
        today=TODAY,
    )
    assert review.next_review == date(2028, 11, 18)
    assert review.note == "Minor fixes"
    defaulted = validate_review(ReviewForm(None, None, None), review_months=36, today=TODAY)
    assert defaulted.reviewed_on == TODAY and defaulted.next_review == date(2029, 11, 20)


def test_review_checks() -> None:
    assert ReviewField.REVIEWED_ON in review_errors(
        ReviewForm(reviewed_on=TODAY + timedelta(days=1), next_review=None, note=None)
    )
    # No interval: the next date must be given.
    assert ReviewField.NEXT_REVIEW in review_errors(ReviewForm(TODAY, None, None), months=None)
    assert ReviewField.NEXT_REVIEW in review_errors(ReviewForm(TODAY, TODAY, None))
    # Backdated so far that the interval puts the next review in the past.
    assert ReviewField.REVIEWED_ON in review_errors(ReviewForm(date(2020, 1, 1), None, None))
    assert ReviewField.NOTE in review_errors(ReviewForm(TODAY, None, "x" * 1001))


# -- what is due ------------------------------------------------------------------------------


def test_lead_times_then_weekly_once_overdue() -> None:
    review = date(2027, 1, 29)
    assert due(review, review - timedelta(days=61), LEADS) is None
    assert due(review, review - timedelta(days=60), LEADS) == Due(
        REVIEW_KIND, review - timedelta(days=60)
    )
    # A missed lead time: only the latest reached is due.
    assert due(review, review - timedelta(days=5), LEADS).due_on == review - timedelta(days=7)
    assert due(review, review, LEADS).due_on == review - timedelta(days=7)
    day_after = review + timedelta(days=1)
    assert due(review, day_after, LEADS) == Due(OVERDUE_KIND, day_after)
    assert due(review, day_after + timedelta(days=6), LEADS).due_on == day_after
    assert due(review, day_after + timedelta(days=7), LEADS).due_on == day_after + timedelta(7)


def test_standing() -> None:
    assert standing(None, TODAY, LEADS) is Standing.NO_DATE
    assert standing(TODAY - timedelta(days=1), TODAY, LEADS) is Standing.OVERDUE
    assert standing(TODAY, TODAY, LEADS) is Standing.DUE
    assert standing(TODAY + timedelta(days=60), TODAY, LEADS) is Standing.DUE
    assert standing(TODAY + timedelta(days=61), TODAY, LEADS) is Standing.CURRENT


def test_interval_words() -> None:
    assert interval_words(24) == "every 2 years"
    assert interval_words(12) == "every year"
    assert interval_words(18) == "every 18 months"
    assert interval_words(None) == ""
