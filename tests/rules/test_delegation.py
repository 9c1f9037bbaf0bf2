"""Delegation: what may be delegated to whom, for how long, and the one-line shortcut."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.delegation import DelegationRequest, InvalidDelegation, Period, validate
from handlers.delegation.form import FormValues, Unparsable, parse_shortcut

TODAY = date(2026, 11, 20)
ME, EVE, BOB = 1, 2, 3


def request(**overrides: object) -> DelegationRequest:
    values: dict[str, object] = {
        "delegator_id": ME,
        "deputy_id": EVE,
        "deputy_chosen": True,
        "starts_on": None,
        "ends_on": date(2026, 12, 1),
    }
    values.update(overrides)
    return DelegationRequest(**values)  # type: ignore[arg-type]


def errors(req: DelegationRequest) -> dict[str, str]:
    with pytest.raises(InvalidDelegation) as raised:
        validate(req, TODAY)
    return raised.value.errors


def test_a_good_delegation_starts_today_by_default() -> None:
    assert validate(request(), TODAY) == Period(EVE, TODAY, date(2026, 12, 1))
    later = validate(request(starts_on=date(2026, 11, 23)), TODAY)
    assert later.starts_on == date(2026, 11, 23)
    assert validate(request(ends_on=TODAY), TODAY).ends_on == TODAY  # just today


def test_the_deputy_must_be_chosen_and_in_the_org_chart() -> None:
    assert "Choose who" in errors(request(deputy_id=None, deputy_chosen=False))["deputy"]
    assert "org chart" in errors(request(deputy_id=None, deputy_chosen=True))["deputy"]


def test_not_to_yourself() -> None:
    assert errors(request(deputy_id=ME)) == {"deputy": "Choose someone other than yourself."}


def test_not_to_someone_away_who_delegated_back() -> None:
    problem = errors(request(deputy_away=(ME, date(2026, 11, 30))))["deputy"]
    assert "to you" in problem
    assert "away too" in errors(request(deputy_away=(BOB, date(2026, 11, 30))))["deputy"]
    # Back before this one starts: fine.
    ok = validate(
        request(deputy_away=(BOB, date(2026, 11, 22)), starts_on=date(2026, 11, 23)), TODAY
    )
    assert ok.deputy_id == EVE


def test_dates() -> None:
    assert "passed" in errors(request(ends_on=TODAY - timedelta(days=1)))["ends_on"]
    assert "passed" in errors(request(starts_on=TODAY - timedelta(days=1)))["starts_on"]
    assert "Choose the last day" in errors(request(ends_on=None))["ends_on"]
    before = errors(request(starts_on=date(2026, 12, 5), ends_on=date(2026, 12, 1)))
    assert "before the first" in before["ends_on"]
    assert "up to a year" in errors(request(ends_on=TODAY + timedelta(days=366)))["ends_on"]
    assert validate(request(ends_on=TODAY + timedelta(days=365)), TODAY)


def test_every_problem_is_reported_at_once_and_fits_a_modal_error() -> None:
    found = errors(request(deputy_id=ME, starts_on=TODAY - timedelta(days=3), ends_on=None))
    assert set(found) == {"deputy", "starts_on", "ends_on"}
    assert all(0 < len(m) <= 150 for m in found.values())


@given(
    deputy=st.one_of(st.none(), st.integers(1, 4)),
    chosen=st.booleans(),
    starts=st.one_of(st.none(), st.dates(TODAY - timedelta(days=30), TODAY + timedelta(days=400))),
    ends=st.one_of(st.none(), st.dates(TODAY - timedelta(days=30), TODAY + timedelta(days=800))),
    away=st.one_of(st.none(), st.tuples(st.integers(1, 4), st.dates(TODAY, TODAY + timedelta(60)))),
)
def test_validate_either_accepts_a_sound_period_or_names_fields(
    deputy: int | None,
    chosen: bool,
    starts: date | None,
    ends: date | None,
    away: tuple[int, date] | None,
) -> None:
    req = request(
        deputy_id=deputy, deputy_chosen=chosen, starts_on=starts, ends_on=ends, deputy_away=away
    )
    try:
        period = validate(req, TODAY)
    except InvalidDelegation as invalid:
        assert invalid.errors
        assert set(invalid.errors) <= {"deputy", "starts_on", "ends_on"}
        assert all(0 < len(m) <= 150 for m in invalid.errors.values())
        return
    assert period.deputy_id not in (None, ME)
    assert TODAY <= period.starts_on <= period.ends_on
    assert period.ends_on - period.starts_on < timedelta(days=366)


# -- the shortcut: /conduct delegate @person until YYYY-MM-DD --------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@UEVE|eve> until 2026-12-01", FormValues("UEVE", None, date(2026, 12, 1))),
        ("<@UEVE> until 2026-12-01", FormValues("UEVE", None, date(2026, 12, 1))),
        ("<@W123ABC|eve.other> UNTIL 2026-12-01", FormValues("W123ABC", None, date(2026, 12, 1))),
        (
            "<@UEVE|eve> from 2026-11-23 until 2026-12-01",
            FormValues("UEVE", date(2026, 11, 23), date(2026, 12, 1)),
        ),
        (
            "  <@UEVE|eve>   until 2026-12-01 from 2026-11-23 ",
            FormValues("UEVE", date(2026, 11, 23), date(2026, 12, 1)),
        ),
        ("<@UEVE|Eve Other> to 2026-12-01", FormValues("UEVE", None, date(2026, 12, 1))),
    ],
)
def test_shortcut_is_read(text: str, expected: FormValues) -> None:
    assert parse_shortcut(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("<@UEVE|eve>", "until when"),
        ("<@UEVE|eve> until", "Give a date"),
        ("<@UEVE|eve> until 01/12/2026", "YYYY-MM-DD"),
        ("<@UEVE|eve> until 2026-02-30", "YYYY-MM-DD"),
        ("<@UEVE|eve> until 2026-12-01 until 2026-12-02", "once"),
        ("<@UEVE|eve> for a week", "didn't understand"),
        ("@eve until 2026-12-01", "mention"),
        ("eve until 2026-12-01", "Say who"),
        ("", "Say who"),
    ],
)
def test_shortcut_problems_say_how_to_write_it(text: str, says: str) -> None:
    with pytest.raises(Unparsable) as raised:
        parse_shortcut(text)
    assert says in str(raised.value)


@given(st.text(max_size=80))
def test_shortcut_never_fails_except_with_a_message(text: str) -> None:
    try:
        parse_shortcut(text)
    except Unparsable as problem:
        assert str(problem)
