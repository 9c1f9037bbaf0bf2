"""The gifts and hospitality rules, without Slack or a database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.gifts import (
    Flag,
    GiftForm,
    GiftType,
    InvalidGift,
    Limits,
    OfferKind,
    Relationship,
    Response,
    Route,
    assess,
    format_pounds,
    parse_pounds,
    validate,
)

TODAY = date(2026, 11, 20)
LIMITS = Limits(token_threshold_pence=2_500, value_ceiling_pence=1_000_000)

GOOD_GIFT = GiftForm(
    kind="gift",
    gift_type="item",
    offered_by="Acme Cleaning Ltd",
    relationship="contractor",
    description="A branded pen",
    value="5",
    date_offered=TODAY,
    response="accepted",
    reason="Of use at work",
    use_at_work=True,
)
GOOD_HOSPITALITY = GiftForm(
    kind="hospitality",
    offered_by="Police Federation",
    relationship="partner",
    description="Dinner at the annual conference",
    value="60",
    date_offered=TODAY - timedelta(days=3),
    event_date=TODAY + timedelta(days=10),
    response="wants_to_accept",
    reason="Representing the office",
)


def outcome(form: GiftForm, today: date = TODAY):
    return assess(validate(form, LIMITS, today), LIMITS, today)


@pytest.mark.parametrize("gift_type", ["monetary", "legacy"])
def test_cash_vouchers_and_legacies_are_always_refused(gift_type: str) -> None:
    for response in ("accepted", "wants_to_accept", "declined"):
        for unsolicited in (False, True):
            form = replace(
                GOOD_GIFT,
                gift_type=gift_type,
                value="5",
                response=response,
                unsolicited=unsolicited,
            )
            result = outcome(form)
            assert result.route is Route.REFUSED
            assert result.status == "refused"
            assert "refused" in result.explanation


def test_token_gift_of_use_at_work_is_noted_without_approval() -> None:
    result = outcome(GOOD_GIFT)
    assert result.route is Route.NOTED
    assert result.status == "recorded"


def test_token_threshold_is_inclusive_and_configurable() -> None:
    assert outcome(replace(GOOD_GIFT, value="25.00")).route is Route.NOTED
    assert outcome(replace(GOOD_GIFT, value="25.01")).route is Route.AUTHORISE
    generous = Limits(token_threshold_pence=5_000, value_ceiling_pence=1_000_000)
    offer = validate(replace(GOOD_GIFT, value="40"), generous, TODAY)
    assert assess(offer, generous, TODAY).route is Route.NOTED


def test_token_gift_from_a_bidder_needs_authorisation_and_is_flagged() -> None:
    result = outcome(replace(GOOD_GIFT, relationship="bidder"))
    assert result.route is Route.AUTHORISE
    assert Flag.BIDDER in result.flags


def test_small_gift_not_of_use_at_work_needs_authorisation() -> None:
    assert outcome(replace(GOOD_GIFT, use_at_work=False)).route is Route.AUTHORISE


def test_hospitality_needs_authorisation_and_is_not_retrospective_before_the_event() -> None:
    result = outcome(GOOD_HOSPITALITY)
    assert result.route is Route.AUTHORISE
    assert result.status == "pending"
    assert Flag.RETROSPECTIVE not in result.flags


def test_hospitality_after_the_event_is_accepted_but_flagged_retrospective() -> None:
    form = replace(
        GOOD_HOSPITALITY,
        date_offered=TODAY - timedelta(days=20),
        event_date=TODAY - timedelta(days=1),
    )
    result = outcome(form)
    assert result.route is Route.AUTHORISE
    assert Flag.RETROSPECTIVE in result.flags
    assert "retrospective" in result.explanation


def test_hospitality_on_the_day_is_not_retrospective() -> None:
    form = replace(GOOD_HOSPITALITY, event_date=TODAY)
    assert Flag.RETROSPECTIVE not in outcome(form).flags


def test_declined_offers_are_recorded_without_approval() -> None:
    result = outcome(replace(GOOD_HOSPITALITY, response="declined", reason=""))
    assert result.route is Route.RECORDED
    assert result.status == "recorded"


def test_unsolicited_gift_goes_to_the_monitoring_officer() -> None:
    result = outcome(replace(GOOD_GIFT, value="80", use_at_work=False, unsolicited=True))
    assert result.route is Route.DISPOSE
    assert result.status == "pending"


def test_unsolicited_only_applies_to_gifts() -> None:
    offer = validate(replace(GOOD_HOSPITALITY, event_date=TODAY), LIMITS, TODAY)
    assert offer.unsolicited is False


def errors_of(form: GiftForm) -> dict[str, str]:
    with pytest.raises(InvalidGift) as caught:
        validate(form, LIMITS, TODAY)
    return caught.value.errors


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"value": "-5"}, "value"),
        ({"value": "twenty"}, "value"),
        ({"value": ""}, "value"),
        ({"value": "10000.01"}, "value"),
        ({"value": "12.345"}, "value"),
        ({"offered_by": "  "}, "offered_by"),
        ({"offered_by": "x" * 201}, "offered_by"),
        ({"description": "x" * 2001}, "description"),
        ({"description": None}, "description"),
        ({"kind": None}, "kind"),
        ({"kind": "bribe"}, "kind"),
        ({"gift_type": None}, "gift_type"),
        ({"relationship": None}, "relationship"),
        ({"response": None}, "response"),
        ({"reason": ""}, "reason"),
        ({"date_offered": None}, "date_offered"),
        ({"date_offered": TODAY + timedelta(days=1)}, "date_offered"),
    ],
)
def test_bad_gift_input_names_the_field(change: dict, field: str) -> None:
    errors = errors_of(replace(GOOD_GIFT, **change))
    assert field in errors
    assert errors[field]


def test_event_before_offer_is_an_error_on_the_event_date() -> None:
    form = replace(GOOD_HOSPITALITY, event_date=GOOD_HOSPITALITY.date_offered - timedelta(days=1))
    assert set(errors_of(form)) == {"event_date"}


def test_hospitality_needs_an_event_date() -> None:
    assert "event_date" in errors_of(replace(GOOD_HOSPITALITY, event_date=None))


def test_every_problem_is_reported_at_once() -> None:
    errors = errors_of(GiftForm())
    assert {
        "kind",
        "offered_by",
        "relationship",
        "description",
        "value",
        "date_offered",
        "response",
    } <= set(errors)


def test_reason_is_optional_when_declined() -> None:
    offer = validate(replace(GOOD_GIFT, response="declined", reason=""), LIMITS, TODAY)
    assert offer.response is Response.DECLINED


def test_ceiling_is_configurable() -> None:
    tight = Limits(token_threshold_pence=2_500, value_ceiling_pence=10_000)
    with pytest.raises(InvalidGift):
        validate(replace(GOOD_GIFT, value="100.01"), tight, TODAY)
    assert validate(replace(GOOD_GIFT, value="100"), tight, TODAY).value_pence == 10_000


@pytest.mark.parametrize(
    ("raw", "pence"),
    [
        ("25", 2500),
        ("£25", 2500),
        ("12.5", 1250),
        ("1,250.99", 125099),
        (" 0 ", 0),
        ("£ 3.07", 307),
        ("40GBP", 4000),
    ],
)
def test_parse_pounds_accepts_what_people_type(raw: str, pence: int) -> None:
    assert parse_pounds(raw) == pence


@given(st.integers(min_value=0, max_value=10**11 - 1))
def test_pounds_round_trip(pence: int) -> None:
    assert parse_pounds(format_pounds(pence)) == pence


@given(st.text(max_size=30))
def test_parse_pounds_never_crashes_and_never_goes_negative(raw: str) -> None:
    try:
        value = parse_pounds(raw)
    except ValueError as exc:
        assert str(exc)  # a message for the member of staff, not a traceback
    else:
        assert value >= 0


forms = st.builds(
    GiftForm,
    kind=st.sampled_from([None, "", "gift", "hospitality", "other"]),
    gift_type=st.sampled_from([None, "item", "monetary", "legacy", "x"]),
    offered_by=st.one_of(st.none(), st.text(max_size=250)),
    relationship=st.sampled_from([None, *[r.value for r in Relationship], "y"]),
    description=st.one_of(st.none(), st.text(max_size=2100)),
    value=st.one_of(
        st.none(), st.text(max_size=25), st.decimals(allow_nan=False, allow_infinity=False).map(str)
    ),
    date_offered=st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2030, 1, 1))),
    event_date=st.one_of(st.none(), st.dates(date(2000, 1, 1), date(2030, 1, 1))),
    response=st.sampled_from([None, *[r.value for r in Response]]),
    reason=st.one_of(st.none(), st.text(max_size=2100)),
    use_at_work=st.booleans(),
    unsolicited=st.booleans(),
)


@given(forms)
def test_validation_either_accepts_a_sound_offer_or_names_fields(form: GiftForm) -> None:
    try:
        offer = validate(form, LIMITS, TODAY)
    except InvalidGift as invalid:
        assert invalid.errors
        assert set(invalid.errors) <= set(GiftForm.__dataclass_fields__)
        assert all(isinstance(m, str) and 0 < len(m) <= 150 for m in invalid.errors.values())
        return
    assert 0 <= offer.value_pence <= LIMITS.value_ceiling_pence
    assert offer.offered_by and len(offer.offered_by) <= 200
    assert offer.date_offered <= TODAY
    if offer.kind is OfferKind.HOSPITALITY:
        assert offer.event_date is not None and offer.event_date >= offer.date_offered
        assert offer.gift_type is None
    else:
        assert offer.gift_type in set(GiftType)
    result = assess(offer, LIMITS, TODAY)
    if offer.gift_type in (GiftType.MONETARY, GiftType.LEGACY):
        assert result.route is Route.REFUSED
    elif result.route is Route.NOTED:
        assert offer.value_pence <= LIMITS.token_threshold_pence
        assert offer.relationship is not Relationship.BIDDER
