"""The Register of Interests rules, without Slack or a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.approvals import Purpose
from bot.rules.chains import parse_chain
from bot.rules.interests import (
    FIELD_LIMITS,
    ORGANISATION_OPTIONAL,
    PUBLIC_CATEGORIES,
    Category,
    InterestForm,
    InvalidInterest,
    assess,
    category_name,
    chain_for,
    end_date_problem,
    validate,
)
from bot.rules.roles import ApproverRole

TODAY = date(2026, 11, 20)
ME = "UALICE"
GOOD = InterestForm(
    category="financial",
    organisation="Acme Cleaning Ltd",
    description="I own 5% of the shares",
    started_on=date(2020, 1, 1),
    conflict="Acme bids for our cleaning contract",
    proposal="Take no part in the cleaning contract award",
)
RELATIVE = InterestForm(
    category="relationship",
    colleague="UEVE",
    description="My sister applied for the analyst post",
    started_on=TODAY,
    conflict="I sit on interview panels",
    proposal="I will not sit on the panel",
)


def errors_of(form: InterestForm, today: date = TODAY) -> dict[str, str]:
    with pytest.raises(InvalidInterest) as caught:
        validate(form, today, declarant=ME)
    return caught.value.errors


def test_a_good_financial_interest_passes_trimmed() -> None:
    declared = validate(
        replace(GOOD, organisation="  Acme Cleaning Ltd ", proposal=None), TODAY, declarant=ME
    )
    assert declared.category is Category.FINANCIAL
    assert declared.organisation == "Acme Cleaning Ltd"
    assert declared.proposal == ""
    assert declared.ended_on is None and declared.colleague is None


def test_an_empty_form_names_every_required_field() -> None:
    assert set(errors_of(InterestForm())) == {"category", "description", "conflict", "started_on"}


def test_an_unknown_category_is_refused() -> None:
    assert "category" in errors_of(replace(GOOD, category="hobby"))


@pytest.mark.parametrize("category", sorted(set(Category) - ORGANISATION_OPTIONAL))
def test_organisation_required_where_there_is_one(category: Category) -> None:
    form = replace(GOOD, category=category.value, organisation="   ")
    assert errors_of(form)["organisation"] == "Please name the organisation concerned."


@pytest.mark.parametrize("category", sorted(ORGANISATION_OPTIONAL - {Category.RELATIONSHIP}))
def test_organisation_optional_for_canvassing_politics_and_other(category: Category) -> None:
    declared = validate(
        replace(GOOD, category=category.value, organisation=None), TODAY, declarant=ME
    )
    assert declared.organisation == ""


def test_a_relationship_needs_the_colleague_and_a_proposal_but_no_organisation() -> None:
    declared = validate(RELATIVE, TODAY, declarant=ME)
    assert declared.colleague == "UEVE" and declared.organisation == ""
    problems = errors_of(replace(RELATIVE, colleague=None, proposal="  "))
    assert set(problems) == {"colleague", "proposal"}
    assert "won't decide" in problems["colleague"]


def test_nobody_names_themselves() -> None:
    assert "yourself" in errors_of(replace(GOOD, colleague=ME))["colleague"]
    assert "yourself" in errors_of(replace(RELATIVE, colleague=ME))["colleague"]


def test_a_colleague_may_be_named_in_any_category() -> None:
    assert validate(replace(GOOD, colleague="UEVE"), TODAY, declarant=ME).colleague == "UEVE"


def test_the_end_may_not_come_before_the_start_but_may_be_the_same_day() -> None:
    assert "ended_on" in errors_of(replace(GOOD, ended_on=GOOD.started_on - timedelta(days=1)))
    same_day = replace(GOOD, ended_on=GOOD.started_on)
    assert validate(same_day, TODAY, declarant=ME).ended_on == GOOD.started_on


def test_since_when_may_be_ahead_but_not_more_than_a_year() -> None:
    soon = replace(GOOD, started_on=TODAY + timedelta(days=30))
    assert validate(soon, TODAY, declarant=ME).started_on == TODAY + timedelta(days=30)
    assert (
        "year ahead"
        in errors_of(replace(GOOD, started_on=TODAY + timedelta(days=400)))["started_on"]
    )
    assert "started_on" in errors_of(replace(GOOD, started_on=date(1850, 1, 1)))


@pytest.mark.parametrize("field", sorted(FIELD_LIMITS))
def test_each_text_has_a_limit(field: str) -> None:
    limit = FIELD_LIMITS[field]
    assert validate(replace(GOOD, **{field: "x" * limit}), TODAY, declarant=ME)
    assert str(limit) in errors_of(replace(GOOD, **{field: "x" * (limit + 1)}))[field]


texts = st.one_of(st.none(), st.text(max_size=2100))
dates = st.one_of(st.none(), st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 1, 1)))


@given(
    category=st.one_of(st.none(), st.sampled_from([c.value for c in Category]), st.text()),
    organisation=texts,
    colleague=st.one_of(st.none(), st.sampled_from(["", ME, "UEVE", "UBOB"])),
    description=texts,
    started_on=dates,
    ended_on=dates,
    conflict=texts,
    proposal=texts,
)
def test_validation_either_passes_cleanly_or_names_only_form_fields(**fields: object) -> None:
    form = InterestForm(**fields)  # type: ignore[arg-type]
    try:
        declared = validate(form, TODAY, declarant=ME)
    except InvalidInterest as invalid:
        assert invalid.errors
        assert set(invalid.errors) <= {
            "category",
            "organisation",
            "colleague",
            "description",
            "started_on",
            "ended_on",
            "conflict",
            "proposal",
        }
        # Slack shows at most 150 characters under a field.
        assert all(0 < len(m) <= 150 for m in invalid.errors.values())
        return
    # Whatever passed keeps the promises the rest of the code relies on.
    assert declared.description and declared.description == declared.description.strip()
    assert declared.conflict.strip()
    assert declared.colleague != ME
    assert declared.started_on <= TODAY + timedelta(days=366)
    assert declared.ended_on is None or declared.ended_on >= declared.started_on
    for name, limit in FIELD_LIMITS.items():
        assert len(getattr(declared, name)) <= limit
    if declared.category not in ORGANISATION_OPTIONAL:
        assert declared.organisation
    if declared.category is Category.RELATIONSHIP:
        assert declared.colleague and declared.proposal


def test_political_activity_in_a_restricted_post_goes_to_the_monitoring_officer_too() -> None:
    restricted = assess(Category.POLITICAL, politically_restricted=True)
    assert restricted.restricted_post
    assert "politically restricted" in restricted.explanation
    assert "derbyshire §7" in restricted.explanation
    chain = chain_for(parse_chain("line_manager:note"), restricted)
    assert len(chain) == 1
    assert [(s.role, s.purpose) for s in chain[0]] == [
        (ApproverRole.LINE_MANAGER, Purpose.NOTE),
        (ApproverRole.MONITORING_OFFICER, Purpose.NOTE),
    ]


def test_the_monitoring_officer_is_not_added_twice() -> None:
    restricted = assess(Category.POLITICAL, politically_restricted=True)
    base = parse_chain("line_manager:note+monitoring_officer:note")
    assert chain_for(base, restricted) == base


@pytest.mark.parametrize("category", list(Category))
def test_everything_else_is_an_ordinary_declaration(category: Category) -> None:
    base = parse_chain("line_manager:note")
    ordinary = assess(category, politically_restricted=category is not Category.POLITICAL)
    assert not ordinary.restricted_post
    assert chain_for(base, ordinary) == base


def test_political_activity_in_an_unrestricted_post_is_told_what_is_allowed() -> None:
    told = assess(Category.POLITICAL, politically_restricted=False).explanation
    assert "isn't politically restricted" in told and "Parliament" in told


def test_public_categories_leave_out_private_matters() -> None:
    assert {Category.FINANCIAL, Category.NON_FINANCIAL, Category.POLITICAL} == PUBLIC_CATEGORIES
    for private in (Category.MEMBERSHIP, Category.RELATIONSHIP, Category.CONTRACTOR):
        assert private not in PUBLIC_CATEGORIES


def test_category_names_read_as_words() -> None:
    assert category_name("non_financial") == "non-financial or voluntary commitment"
    assert category_name("something_new") == "something new"


def test_ending_an_interest() -> None:
    start = date(2024, 5, 1)
    assert end_date_problem(None, started_on=start, today=TODAY)
    assert "before" in (
        end_date_problem(start - timedelta(days=1), started_on=start, today=TODAY) or ""
    )
    assert end_date_problem(start, started_on=start, today=TODAY) is None
    assert end_date_problem(TODAY + timedelta(days=200), started_on=start, today=TODAY) is None
    assert "year ahead" in (
        end_date_problem(TODAY + timedelta(days=400), started_on=start, today=TODAY) or ""
    )
