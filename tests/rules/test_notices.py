"""Notifications that cannot wait: the rules, without Slack or a database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.chains import parse_chain
from bot.rules.notices import (
    DESCRIPTION_MAX,
    Category,
    InvalidNotice,
    NoticeForm,
    Titles,
    audience,
    join_words,
    title_of,
    validate,
)

TODAY = date(2026, 11, 20)
GOOD = NoticeForm(
    category="criminal_charge",
    description="Charged with careless driving; first hearing at Bristol Magistrates in January.",
    occurred_on=TODAY - timedelta(days=2),
)
TITLES = Titles(head_of_office="Chief of Staff", vetting_officer="Vetting Office Lead")


def errors_of(form: NoticeForm) -> dict[str, str]:
    with pytest.raises(InvalidNotice) as raised:
        validate(form, TODAY)
    return raised.value.errors


def test_a_good_notice_passes_with_its_words_trimmed() -> None:
    notice = validate(
        NoticeForm(category="vetting", description="  Moved in with a new partner  "), TODAY
    )
    assert notice.category is Category.VETTING
    assert notice.description == "Moved in with a new partner"
    assert notice.occurred_on is None


@pytest.mark.parametrize("category", [c.value for c in Category])
def test_every_category_is_accepted(category: str) -> None:
    assert validate(NoticeForm(category=category, description="x"), TODAY).category == category


def test_every_bad_field_is_named_at_once() -> None:
    errors = errors_of(
        NoticeForm(category="parking_ticket", description="   ", occurred_on=TODAY + timedelta(1))
    )
    assert set(errors) == {"category", "description", "occurred_on"}
    assert all(0 < len(message) <= 150 for message in errors.values())


def test_today_is_not_the_future() -> None:
    assert validate(NoticeForm(category="vetting", description="x", occurred_on=TODAY), TODAY)


def test_a_description_may_fill_the_box_but_no_more() -> None:
    assert validate(NoticeForm(category="vetting", description="x" * DESCRIPTION_MAX), TODAY)
    assert "description" in errors_of(
        NoticeForm(category="vetting", description="x" * (DESCRIPTION_MAX + 1))
    )


@given(
    category=st.one_of(st.none(), st.text(max_size=30)),
    description=st.one_of(st.none(), st.text(max_size=DESCRIPTION_MAX + 50)),
    occurred_on=st.one_of(st.none(), st.dates()),
)
def test_any_input_either_passes_or_names_its_fields(
    category: str | None, description: str | None, occurred_on: date | None
) -> None:
    form = NoticeForm(category=category, description=description, occurred_on=occurred_on)
    try:
        notice = validate(form, TODAY)
    except InvalidNotice as invalid:
        assert invalid.errors
        assert set(invalid.errors) <= {"category", "description", "occurred_on"}
        assert all(0 < len(m) <= 150 for m in invalid.errors.values())
    else:
        assert notice.category in set(Category)
        assert 0 < len(notice.description) <= DESCRIPTION_MAX
        assert notice.description == notice.description.strip()
        assert notice.occurred_on is None or notice.occurred_on <= TODAY


def test_the_default_chain_goes_to_the_head_of_office_and_the_vetting_officer() -> None:
    chain = parse_chain("head_of_office:acknowledge+vetting_officer:acknowledge")
    assert audience(chain, TITLES) == "the Chief of Staff and the Vetting Office Lead"


def test_the_line_manager_only_hears_of_it_when_the_policy_says_so() -> None:
    chain = parse_chain("head_of_office:acknowledge,line_manager:acknowledge")
    assert audience(chain, TITLES) == "the Chief of Staff and your line manager"
    assert "line manager" not in audience(parse_chain("head_of_office:acknowledge"), TITLES)


def test_an_officer_is_named_by_the_office_they_hold() -> None:
    assert title_of({"head_of_office", "admin"}, TITLES) == "Chief of Staff"
    assert title_of({"vetting_officer"}, TITLES) == "Vetting Office Lead"
    assert title_of({"monitoring_officer"}, TITLES) == "Monitoring Officer"
    assert title_of(set(), TITLES) is None


@pytest.mark.parametrize(
    ("words", "joined"),
    [([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c")],
)
def test_join_words(words: list[str], joined: str) -> None:
    assert join_words(words) == joined
