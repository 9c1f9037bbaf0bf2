"""Risk flags: the pure rules, with their boundaries (counts, values, days, window edges)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules import risk
from bot.rules.risk import Code, InterestItem, Offer, OutsideWorkItem, Thresholds

TH = Thresholds()  # 3 offers, £200, 365 days, 28 days late
DAY = timedelta(days=1)
D = date(2026, 11, 20)


def offer(id: int, day: date = D, **overrides: object) -> Offer:
    fields: dict[str, object] = {
        "id": id,
        "declarant_id": 1,
        "offered_by": "Acme Ltd",
        "kind": "gift",
        "relationship": "contractor",
        "response": "accepted",
        "value_pence": 1_000,
        "date_offered": day,
        "declared_on": day,
    }
    fields.update(overrides)
    return Offer(**fields)  # type: ignore[arg-type]


def codes(flags: list[risk.RiskFlag]) -> set[Code]:
    return {f.code for f in flags}


# -- offeror_key -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Acme",
        "ACME Ltd",
        "Acme Ltd.",
        "Acme Limited",
        "acme plc",
        "Acme P.L.C.",
        "  Acme   LTD ",
        "The Acme Company Ltd",
        "Acme & Co",
        "Acme & Co. Limited",
        "Ácme Ltd",
        "Acme, Inc.",
    ],
)
def test_spellings_of_one_offeror_share_a_key(name: str) -> None:
    assert risk.offeror_key(name) == "acme"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Acme Ltd", "Acme Cleaning Ltd"),
        ("Acme Ltd", "Apex Ltd"),
        ("Marks & Spencer plc", "Marks"),
    ],
)
def test_different_offerors_keep_different_keys(a: str, b: str) -> None:
    assert risk.offeror_key(a) != risk.offeror_key(b)


def test_and_and_ampersand_are_the_same() -> None:
    assert risk.offeror_key("Marks & Spencer") == risk.offeror_key("marks and spencer plc")


def test_the_key_of_a_key_is_itself() -> None:
    for name in ("The The Acme Ltd", "Acme Ltd Ltd", "the", "& Co"):
        key = risk.offeror_key(name)
        assert risk.offeror_key(key) == key


def test_a_name_that_is_only_a_legal_form_keeps_it() -> None:
    assert risk.offeror_key("Limited") == "limited"
    assert risk.offeror_key("") == ""


@given(st.text(max_size=60))
def test_the_key_is_stable(name: str) -> None:
    key = risk.offeror_key(name)
    assert risk.offeror_key(key) == key
    assert risk.offeror_key(name.upper()) == risk.offeror_key(name.lower())


@pytest.mark.parametrize(
    ("n", "word"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (101, "101st"),
        (111, "111th"),
    ],
)
def test_ordinals(n: int, word: str) -> None:
    assert risk.ordinal(n) == word


# -- repeated offers ---------------------------------------------------------------------


def test_a_first_offer_is_not_flagged() -> None:
    first = offer(1)
    assert risk.offer_flags(first, [first], TH) == []


def test_two_offers_are_not_enough_and_the_third_is_flagged() -> None:
    offers = [offer(1, D - 10 * DAY), offer(2, D - 5 * DAY), offer(3, D)]
    assert risk.repeated_offers(offers[1], offers, TH) is None
    flag = risk.repeated_offers(offers[2], offers, TH)
    assert flag is not None and flag.code is Code.REPEAT_OFFERS
    assert flag.label == "Repeated offers"
    assert flag.explanation == "3rd offer from Acme Ltd in 12 months, £30.00 in all"


def test_spellings_count_as_one_offeror_and_others_do_not() -> None:
    offers = [
        offer(1, D - 2 * DAY, offered_by="ACME Limited"),
        offer(2, D - DAY, offered_by="Apex Ltd"),
        offer(3, D - DAY, offered_by="acme"),
        offer(4, D, offered_by="Acme Ltd."),
    ]
    flag = risk.repeated_offers(offers[3], offers, TH)
    assert flag is not None and flag.explanation.startswith("3rd offer from Acme Ltd.")
    assert risk.repeated_offers(offers[1], offers, TH) is None


def test_offers_to_different_people_count_together_and_say_so() -> None:
    offers = [offer(1, declarant_id=1), offer(2, declarant_id=2), offer(3, declarant_id=1)]
    flag = risk.repeated_offers(offers[2], offers, TH)
    assert flag is not None and "(to 2 people)" in flag.explanation


def test_offers_on_one_day_count_in_the_order_declared() -> None:
    offers = [offer(1), offer(2), offer(3)]
    assert risk.repeated_offers(offers[0], offers, TH) is None
    assert risk.repeated_offers(offers[1], offers, TH) is None
    assert risk.repeated_offers(offers[2], offers, TH) is not None


def test_later_offers_do_not_change_an_earlier_ones_flags() -> None:
    offers = [offer(1, D), offer(2, D + DAY), offer(3, D + 2 * DAY)]
    assert risk.repeated_offers(offers[0], offers, TH) is None


@pytest.mark.parametrize(("gap", "flagged"), [(363, True), (364, True), (365, False)])
def test_the_window_is_the_day_and_the_364_before_it(gap: int, flagged: bool) -> None:
    offers = [offer(1, D - gap * DAY), offer(2, D - DAY), offer(3, D)]
    assert (risk.repeated_offers(offers[2], offers, TH) is not None) is flagged


def test_a_configured_window_and_count() -> None:
    th = replace(TH, repeat_offers=2, window_days=30)
    offers = [offer(1, D - 30 * DAY), offer(2, D)]
    assert risk.repeated_offers(offers[1], offers, th) is None
    offers = [offer(1, D - 29 * DAY), offer(2, D)]
    flag = risk.repeated_offers(offers[1], offers, th)
    assert flag is not None and flag.explanation.startswith("2nd offer from Acme Ltd in 30 days")


@pytest.mark.parametrize(("second", "flagged"), [(10_000, False), (10_001, True)])
def test_cumulative_value_over_the_threshold_is_flagged(second: int, flagged: bool) -> None:
    offers = [offer(1, D - DAY, value_pence=10_000), offer(2, D, value_pence=second)]
    flag = risk.repeated_offers(offers[1], offers, TH)
    assert (flag is not None) is flagged
    if flag:
        assert flag.explanation == "2nd offer from Acme Ltd in 12 months, £200.01 in all"


def test_one_costly_offer_alone_is_not_repeated() -> None:
    big = offer(1, value_pence=90_000)
    assert risk.repeated_offers(big, [big], TH) is None


def test_the_offer_counts_itself_even_if_not_among_the_others() -> None:
    others = [offer(1, D - DAY), offer(2, D - DAY)]
    assert risk.repeated_offers(offer(3), others, TH) is not None


@given(
    gaps=st.lists(st.integers(min_value=0, max_value=800), max_size=8),
    values=st.lists(st.integers(min_value=0, max_value=50_000), min_size=8, max_size=8),
)
def test_repeated_offers_matches_its_definition(gaps: list[int], values: list[int]) -> None:
    offers = [offer(i + 1, D - gap * DAY, value_pence=values[i]) for i, gap in enumerate(gaps)]
    subject = offer(99, D, value_pence=values[-1])
    window = [o for o in offers if (D - o.date_offered).days < 365] + [subject]
    total = sum(o.value_pence for o in window)
    expected = len(window) >= 3 or (len(window) > 1 and total > 20_000)
    assert (risk.repeated_offers(subject, offers, TH) is not None) is expected


# -- bidders -----------------------------------------------------------------------------


def test_an_offer_declared_as_from_a_bidder_is_flagged() -> None:
    flag = risk.bidder(offer(1, relationship="bidder"), TH)
    assert flag is not None and flag.code is Code.BIDDER


def test_an_offeror_on_the_procurement_list_is_flagged_whatever_was_declared() -> None:
    th = replace(TH, bidders=("Apex Facilities Limited", "Acme Ltd"))
    flag = risk.bidder(offer(1, offered_by="ACME", relationship="public"), th)
    assert flag is not None and "ACME is bidding in a live procurement" in flag.explanation
    assert risk.bidder(offer(2, offered_by="Zenith Ltd"), th) is None
    assert risk.bidder(offer(3), TH) is None


# -- retrospective and late --------------------------------------------------------------


def hospitality(event: date, declared: date, **overrides: object) -> Offer:
    return offer(
        1,
        event - 10 * DAY,
        kind="hospitality",
        event_date=event,
        declared_on=declared,
        retrospective=event < declared,
        **overrides,
    )


def test_hospitality_accepted_after_the_event_is_retrospective() -> None:
    flag = risk.retrospective(hospitality(D - DAY, D))
    assert flag is not None and flag.code is Code.RETROSPECTIVE
    assert "19 Nov 2026" in flag.explanation and "20 Nov 2026" in flag.explanation


def test_declined_or_future_hospitality_and_gifts_are_not_retrospective() -> None:
    assert risk.retrospective(hospitality(D - DAY, D, response="declined")) is None
    assert risk.retrospective(hospitality(D + DAY, D)) is None
    assert risk.retrospective(offer(1, retrospective=True)) is None


@pytest.mark.parametrize(("days", "late"), [(27, False), (28, False), (29, True), (40, True)])
def test_late_counts_from_the_offer(days: int, late: bool) -> None:
    flag = risk.late_offer(offer(1, D - days * DAY, declared_on=D), TH)
    assert (flag is not None) is late
    if flag:
        assert flag.code is Code.LATE
        assert flag.explanation.startswith(f"Declared {days} days after the offer")


@pytest.mark.parametrize(("days", "late"), [(28, False), (29, True)])
def test_late_counts_from_the_event_for_hospitality_already_held(days: int, late: bool) -> None:
    flag = risk.late_offer(hospitality(D - days * DAY, D), TH)
    assert (flag is not None) is late
    if flag:
        assert f"Declared {days} days after the event" in flag.explanation


def test_hospitality_still_to_come_counts_from_the_offer() -> None:
    future = offer(1, D - 40 * DAY, kind="hospitality", event_date=D + 5 * DAY, declared_on=D)
    flag = risk.late_offer(future, TH)
    assert flag is not None and "after the offer" in flag.explanation


def test_late_and_retrospective_are_distinct() -> None:
    day_after = hospitality(D - DAY, D)
    assert codes(risk.offer_flags(day_after, [], TH)) == {Code.RETROSPECTIVE}
    forty_after = hospitality(D - 40 * DAY, D)
    assert codes(risk.offer_flags(forty_after, [], TH)) == {Code.RETROSPECTIVE, Code.LATE}
    declined = hospitality(D - 40 * DAY, D, response="declined")
    assert codes(risk.offer_flags(declined, [], TH)) == {Code.LATE}


def test_a_configured_late_limit() -> None:
    th = replace(TH, late_days=7)
    assert risk.late_offer(offer(1, D - 7 * DAY), replace(TH, late_days=7)) is None
    assert risk.late_offer(offer(1, D - 8 * DAY, declared_on=D), th) is not None


# -- interests ---------------------------------------------------------------------------


def interest(started: date, declared: date = D, **overrides: object) -> InterestItem:
    fields: dict[str, object] = {
        "id": 50,
        "declarant_id": 1,
        "organisation": "Acme Limited",
        "started_on": started,
        "declared_on": declared,
    }
    fields.update(overrides)
    return InterestItem(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("days", "late"), [(28, False), (29, True)])
def test_an_interest_declared_long_after_it_began_is_late(days: int, late: bool) -> None:
    flag = risk.late_interest(interest(D - days * DAY), TH)
    assert (flag is not None) is late


def test_an_interest_older_than_the_job_counts_from_joining() -> None:
    years_ago = D - 3000 * DAY
    assert risk.late_interest(interest(years_ago, joined_on=D - 10 * DAY), TH) is None
    flag = risk.late_interest(interest(years_ago, joined_on=D - 40 * DAY), TH)
    assert flag is not None and "after joining" in flag.explanation


def test_an_interest_in_an_organisation_that_offers_gifts_is_flagged() -> None:
    offers = [
        offer(1, D - 100 * DAY, offered_by="ACME Ltd", declarant_id=7, value_pence=5_000),
        offer(2, D - 10 * DAY, offered_by="Acme", declarant_id=8, value_pence=2_500),
        offer(3, D - DAY, offered_by="Apex"),
    ]
    flag = risk.offeror_interest(interest(D - 5 * DAY), offers, TH, D)
    assert flag is not None and flag.code is Code.OFFEROR_INTEREST
    assert flag.explanation == (
        "Acme Limited offered gifts or hospitality 2 times in 12 months "
        "(latest 10 Nov 2026, £75.00 in all)"
    )


def test_offers_outside_the_window_or_after_the_interest_ended_do_not_count() -> None:
    old = [offer(1, D - 365 * DAY)]
    assert risk.offeror_interest(interest(D - 5 * DAY), old, TH, D) is None
    edge = [offer(1, D - 364 * DAY)]
    flag = risk.offeror_interest(interest(D - 5 * DAY), edge, TH, D)
    assert flag is not None and "once" in flag.explanation
    ended = interest(D - 400 * DAY, ended_on=D - 50 * DAY)
    assert risk.offeror_interest(ended, [offer(1, D - 10 * DAY)], TH, D) is None
    assert risk.offeror_interest(interest(D, organisation=""), edge, TH, D) is None


# -- outside work ------------------------------------------------------------------------


def work(start: date, declared: date = D, **overrides: object) -> OutsideWorkItem:
    fields: dict[str, object] = {
        "id": 70,
        "declarant_id": 1,
        "organisation": "Acme Ltd",
        "start_date": start,
        "declared_on": declared,
    }
    fields.update(overrides)
    return OutsideWorkItem(**fields)  # type: ignore[arg-type]


def test_work_with_a_contractor_is_flagged_naming_it() -> None:
    flag = risk.contractor_work(work(D, involves_partner=True, partner="Acme FM"))
    assert flag is not None and flag.code is Code.CONTRACTOR_WORK and "Acme FM" in flag.explanation
    assert risk.contractor_work(work(D)) is None


@pytest.mark.parametrize(("days", "late"), [(-10, False), (28, False), (29, True)])
def test_permission_asked_long_after_starting_is_late(days: int, late: bool) -> None:
    flags = risk.outside_work_flags(work(D - days * DAY), TH)
    assert (Code.LATE in codes(flags)) is late


def test_work_held_on_joining_counts_from_joining() -> None:
    years_ago = D - 3000 * DAY
    assert risk.late_outside_work(work(years_ago, joined_on=D - 10 * DAY), TH) is None
    flag = risk.late_outside_work(work(years_ago, joined_on=D - 40 * DAY), TH)
    assert flag is not None and "after joining on" in flag.explanation
    # Work begun after joining counts from its start.
    assert risk.late_outside_work(work(D - 40 * DAY, joined_on=D - 400 * DAY), TH) is not None


def test_the_late_flag_says_how_late_against_the_limit() -> None:
    flag = risk.late_offer(offer(1, D - 40 * DAY, declared_on=D), TH)
    assert flag == risk.RiskFlag(
        Code.LATE,
        "Late declaration",
        "Declared 40 days after the offer on 11 Oct 2026 (limit 28 days)",
    )
