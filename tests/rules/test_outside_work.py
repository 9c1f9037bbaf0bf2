"""The outside-work rules, without Slack or a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.outside_work import (
    MAX_HOURS,
    Flag,
    InvalidOutsideWork,
    OfficeUse,
    OutsideWorkForm,
    OutsideWorkRequest,
    When,
    flags_for,
    format_hours,
    parse_hours,
    prefill,
    split_notes,
    stored_notes,
    validate,
    warnings,
)

TODAY = date(2026, 11, 20)
GOOD = OutsideWorkForm(
    organisation="Riverside Rugby Club",
    role="Youth coach",
    pay="voluntary",
    hours="4",
    when="outside_hours",
    start_date=TODAY + timedelta(days=14),
    involves_partner="no",
    uses_office=("none",),
    notes="Saturday mornings only.",
)


def errors_of(form: OutsideWorkForm, today: date = TODAY) -> dict[str, str]:
    with pytest.raises(InvalidOutsideWork) as raised:
        validate(form, today)
    return raised.value.errors


# --- validation ----------------------------------------------------------------------------


def test_a_good_request_passes_with_its_values() -> None:
    request = validate(GOOD, TODAY)
    assert request.organisation == "Riverside Rugby Club"
    assert request.role == "Youth coach"
    assert request.paid is False
    assert request.hours_per_week == 4.0
    assert request.when is When.OUTSIDE_HOURS
    assert request.involves_partner is False and request.partner == ""
    assert request.uses_office == frozenset()  # "none of these" is not a use
    assert request.notes == "Saturday mornings only."
    assert flags_for(request, TODAY) == frozenset()


def test_an_empty_form_names_every_required_field() -> None:
    errors = errors_of(OutsideWorkForm())
    assert set(errors) == {
        "organisation",
        "role",
        "pay",
        "hours",
        "when",
        "start_date",
        "involves_partner",
        "uses_office",
    }
    assert all(0 < len(message) <= 150 for message in errors.values())


def test_text_is_trimmed_and_limited() -> None:
    request = validate(replace(GOOD, organisation="  Acme Ltd  ", role=" Bookkeeper "), TODAY)
    assert (request.organisation, request.role) == ("Acme Ltd", "Bookkeeper")
    errors = errors_of(replace(GOOD, organisation="x" * 201, role="  ", notes="n" * 2001))
    assert set(errors) == {"organisation", "role", "notes"}
    assert "200 characters" in errors["organisation"]


def test_yes_to_a_partner_needs_to_say_which() -> None:
    assert set(errors_of(replace(GOOD, involves_partner="yes", partner=" "))) == {"partner"}
    request = validate(replace(GOOD, involves_partner="yes", partner="Acme\nCleaning  Ltd"), TODAY)
    assert (request.involves_partner, request.partner) == (True, "Acme Cleaning Ltd")


def test_a_partner_named_under_no_is_dropped() -> None:
    request = validate(replace(GOOD, involves_partner="no", partner="Acme"), TODAY)
    assert (request.involves_partner, request.partner) == (False, "")


@pytest.mark.parametrize(
    "ticked",
    [(), ("none", "skills"), ("information", "telepathy")],
)
def test_uses_of_the_job_need_a_clear_answer(ticked: tuple[str, ...]) -> None:
    assert set(errors_of(replace(GOOD, uses_office=ticked))) == {"uses_office"}


def test_uses_of_the_job_are_kept() -> None:
    request = validate(replace(GOOD, uses_office=("skills", "equipment")), TODAY)
    assert request.uses_office == {OfficeUse.SKILLS, OfficeUse.EQUIPMENT}


def test_unknown_choices_are_errors_not_crashes() -> None:
    errors = errors_of(replace(GOOD, pay="sometimes", when="weekends", involves_partner="maybe"))
    assert set(errors) == {"pay", "when", "involves_partner"}


def test_start_date_far_ahead_is_a_slip() -> None:
    assert "start_date" in errors_of(replace(GOOD, start_date=date(2062, 1, 1)))
    assert validate(replace(GOOD, start_date=TODAY + timedelta(days=365)), TODAY)


def test_a_start_date_already_passed_is_accepted_and_flagged() -> None:
    """Permission is needed before (derbyshire §12); it is still recorded, as retrospective."""
    request = validate(replace(GOOD, start_date=TODAY - timedelta(days=1)), TODAY)
    assert Flag.RETROSPECTIVE in flags_for(request, TODAY)
    assert Flag.RETROSPECTIVE not in flags_for(replace(request, start_date=TODAY), TODAY)


# --- hours ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "hours"),
    [
        ("7.5", 7.5),
        (" 7.5 ", 7.5),
        ("8", 8.0),
        (".5", 0.5),
        ("7.", 7.0),
        ("10 hours", 10.0),
        ("3 hrs a week", 3.0),
        ("12h per week", 12.0),
        ("80", 80.0),
        ("7.25", 7.25),
    ],
)
def test_hours_are_read_as_people_type_them(raw: str, hours: float) -> None:
    assert parse_hours(raw) == hours


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("", "Please give the hours"),
        ("0", "more than 0"),
        ("0.00", "more than 0"),
        ("-3", "more than 0"),
        ("80.01", "more than 80"),
        ("1000", "more than 80"),
        ("about seven", "as a number"),
        ("7,5", "as a number"),
        ("nan", "as a number"),
        ("inf", "as a number"),
        ("1e1", "as a number"),
        ("７", "as a number"),  # full-width digits are not read as a number
        ("7.333", "two decimal places"),
    ],
)
def test_bad_hours_are_explained(raw: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_hours(raw)
    assert says in errors_of(replace(GOOD, hours=raw))["hours"]


@given(st.integers(min_value=1, max_value=MAX_HOURS * 100))
def test_any_hours_in_range_round_trip(hundredths: int) -> None:
    hours = hundredths / 100
    assert parse_hours(format_hours(hours)) == hours
    assert parse_hours(f"{hours:.2f}") == hours


@given(st.text(max_size=30))
def test_any_text_is_hours_in_range_or_a_short_message(raw: str) -> None:
    try:
        hours = parse_hours(raw)
    except ValueError as exc:
        assert 0 < len(str(exc)) <= 150
    else:
        assert 0 < hours <= MAX_HOURS


@given(
    st.text(max_size=30),
    st.one_of(st.none(), st.text(max_size=10)),
    st.one_of(st.none(), st.text(max_size=10)),
)
def test_validate_raises_only_its_own_error(hours: str, pay: str | None, when: str | None) -> None:
    try:
        request = validate(replace(GOOD, hours=hours, pay=pay, when=when), TODAY)
    except InvalidOutsideWork as invalid:
        assert invalid.errors and set(invalid.errors) <= {"hours", "pay", "when"}
        assert all(0 < len(m) <= 150 for m in invalid.errors.values())
    else:
        assert 0 < request.hours_per_week <= MAX_HOURS


def test_format_hours() -> None:
    assert [format_hours(h) for h in (7.5, 8.0, 0.25, 80)] == ["7.5", "8", "0.25", "80"]


# --- what the approvers are warned of ------------------------------------------------------


def request_with(**changes: Any) -> OutsideWorkRequest:
    return validate(replace(GOOD, **changes), TODAY)


@pytest.mark.parametrize(
    ("changes", "flag", "words"),
    [
        ({"when": "in_hours"}, Flag.IN_OFFICE_HOURS, "derbyshire §12"),
        ({"when": "both"}, Flag.IN_OFFICE_HOURS, "in and outside office hours"),
        (
            {"involves_partner": "yes", "partner": "Acme Cleaning Ltd"},
            Flag.PARTNER,
            "Acme Cleaning Ltd",
        ),
        ({"uses_office": ("information",)}, Flag.USES_INFORMATION, "avon-and-somerset §3.14"),
        ({"uses_office": ("equipment",)}, Flag.USES_ASSETS, "premises"),
        (
            {"pay": "paid", "uses_office": ("skills",)},
            Flag.PAID_FROM_SKILLS,
            "act privately",
        ),
        ({"start_date": TODAY - timedelta(days=3)}, Flag.RETROSPECTIVE, "needed before"),
    ],
)
def test_each_concern_is_flagged_and_worded_with_its_clause(
    changes: dict[str, object], flag: Flag, words: str
) -> None:
    request = request_with(**changes)
    flags = flags_for(request, TODAY)
    assert flag in flags
    said = warnings(request, flags)
    assert len(said) == len(flags)
    assert any(words in w for w in said)
    assert all("§" in w or "warwickshire" in w for w in said)


def test_voluntary_work_using_skills_is_not_flagged() -> None:
    """Only *paid* work arising from work skills carries the §3.14 condition."""
    assert flags_for(request_with(uses_office=("skills",)), TODAY) == frozenset()


def test_warnings_name_the_head_of_office_by_title() -> None:
    request = request_with(pay="paid", uses_office=("skills",))
    [said] = warnings(request, flags_for(request, TODAY), head="the Chief of Staff")
    assert "the Chief of Staff's prior permission" in said


def test_everything_at_once_is_all_flagged() -> None:
    request = request_with(
        pay="paid",
        when="both",
        involves_partner="yes",
        partner="Acme",
        uses_office=("skills", "information", "equipment"),
        start_date=TODAY - timedelta(days=30),
    )
    assert flags_for(request, TODAY) == frozenset(Flag)


# --- prefill and stored notes --------------------------------------------------------------


def test_prefill_puts_a_name_in_organisation_and_prose_in_notes() -> None:
    assert prefill("  Riverside Rugby Club ") == ("Riverside Rugby Club", "")
    sentence = "I have been asked to coach the under-12s at Riverside on Saturday mornings"
    assert prefill(sentence) == ("", sentence)
    assert prefill("") == ("", "")
    assert prefill("x" * 3000) == ("", "x" * 2000)


def test_the_partner_is_kept_with_the_notes_and_read_back() -> None:
    request = request_with(involves_partner="yes", partner="Acme Ltd", notes="Line one\nTwo")
    stored = stored_notes(request)
    assert split_notes(stored, involves_partner=True) == ("Acme Ltd", "Line one\nTwo")
    alone = request_with(involves_partner="yes", partner="Acme Ltd", notes="")
    assert split_notes(stored_notes(alone), involves_partner=True) == ("Acme Ltd", "")
    plain = request_with(notes="Contractor, supplier or partner: typed by hand")
    assert stored_notes(plain) == plain.notes
    assert split_notes(plain.notes, involves_partner=False) == ("", plain.notes)
