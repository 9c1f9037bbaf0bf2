"""Risk flags on the approver's card, end to end: signed requests in, the DMs the fake Slack
received out (each checked against Slack's limits), and the flags kept in the audit trail."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.settings import Policy
from handlers.approvals.ids import decide_action
from storage.db import Database
from storage.models import AuditEntry, Staff
from tests.e2e.harness import Clock, Nolan, dm_to
from tests.e2e.test_gifts_flow import declare, has_buttons, hospitality
from tests.e2e.test_interests_flow import declare as declare_interest
from tests.e2e.test_interests_flow import financial
from tests.e2e.test_outside_work_flow import answers as outside_work
from tests.e2e.test_outside_work_flow import ask
from tests.fakeslack import FakeSlack
from tests.fakeslack.server import Call

DAY = timedelta(days=1)
APPROVE = decide_action("approved")
GIVER = "Acme Cleaning Ltd"


def shown(call: Call) -> str:
    return json.dumps(call.args["blocks"], ensure_ascii=False)


def card(fake: FakeSlack, approver: str, count: int) -> Call:
    """The `count`-th card with buttons the approver has received."""
    return dm_to(fake, approver, has_buttons, count=count)


def submitted_risks(db: Database) -> list[list[str]]:
    with db.session() as session:
        details = session.exec(
            select(AuditEntry.detail)
            .where(AuditEntry.action == "submitted")
            .order_by(AuditEntry.id)  # type: ignore[arg-type]
        ).all()
    return [[r["code"] for r in json.loads(d).get("risks", [])] for d in details]


def test_the_third_offer_from_one_giver_reaches_the_manager_flagged(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(nolan, "UALICE", hospitality(clock, offered_by_input=GIVER))
    first = card(fake, "UMGR", 1)
    assert "Risk flags" not in shown(first)

    # Another member of staff, and the giver spelt another way: the same offeror.
    declare(nolan, "UEVE", hospitality(clock, offered_by_input="ACME CLEANING LIMITED"))
    assert "Risk flags" not in shown(card(fake, "UMGR", 2))

    declare(nolan, "UALICE", hospitality(clock, offered_by_input="Acme Cleaning Ltd."))
    third = shown(card(fake, "UMGR", 3))
    assert ":warning: *Risk flags*" in third
    assert "*Repeated offers*: 3rd offer from Acme Cleaning Ltd. in 12 months (to 2 people)" in (
        third
    )
    assert "£255.00 in all" in third
    assert submitted_risks(db) == [[], [], ["repeat_offers"]]


def test_hospitality_declared_forty_days_after_the_event_is_flagged_late(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(
        nolan,
        "UALICE",
        hospitality(
            clock,
            date_offered_input=clock.today - 45 * DAY,
            event_date_input=clock.today - 40 * DAY,
            response_input="accepted",
        ),
    )
    request = card(fake, "UMGR", 1)
    text = shown(request)
    assert "*Late declaration*: Declared 40 days after the event on 11 Oct 2026" in text
    assert "(limit 28 days)" in text
    # Retrospective is said once, by the card's own warning with its clause.
    assert "Retrospective: the event had already happened" in text
    assert "Accepted retrospectively" not in text
    assert submitted_risks(db) == [["retrospective", "late"]]

    status, _ = nolan.press("UMGR", request, APPROVE)
    assert status == 200
    update = fake.wait_for("chat.update")
    assert "*Approved* by Manny Manager" in shown(update)
    assert "Late declaration" in shown(update)  # still there on the decided card


def test_a_prompt_first_offer_shows_no_flags(
    nolan: Nolan, fake: FakeSlack, db: Database, clock: Clock
) -> None:
    declare(nolan, "UALICE", hospitality(clock, date_offered_input=clock.today - 28 * DAY))
    text = shown(card(fake, "UMGR", 1))
    assert "Risk flags" not in text and "Late declaration" not in text
    assert submitted_risks(db) == [[]]


def test_an_interest_in_a_giver_is_flagged_to_the_line_manager(
    nolan: Nolan, fake: FakeSlack, clock: Clock
) -> None:
    declare(nolan, "UEVE", hospitality(clock, value_input="120"))
    card(fake, "UMGR", 1)
    declare_interest(
        nolan,
        "UALICE",
        financial(clock, organisation_input="ACME cleaning", started_on_input=clock.today),
    )
    text = shown(card(fake, "UMGR", 2))
    assert "*Interest in an offeror*: ACME cleaning offered gifts or hospitality once" in text
    assert "£120.00 in all" in text
    assert "Late declaration" not in text


def test_outside_work_asked_long_after_starting_is_flagged_late_not_twice_for_the_partner(
    nolan: Nolan, fake: FakeSlack, clock: Clock
) -> None:
    ask(
        nolan,
        "UALICE",
        outside_work(
            clock,
            start_date_input=clock.today - 60 * DAY,
            involves_partner_input="yes",
            partner_input=GIVER,
        ),
    )
    text = shown(card(fake, "UMGR", 1))
    assert "*Late declaration*: Declared 60 days after the work started" in text
    assert "Work with a contractor" not in text  # the card's own warning says it
    assert "Yes: Acme Cleaning Ltd" in text


@pytest.fixture
def bidding(fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]) -> Iterator[Nolan]:
    policy = Policy(procurement_bidders=("Acme Cleaning Limited", "Apex FM"))
    bot = Nolan(fake, db, clock, policy).start()
    yield bot
    bot.stop()


def test_an_offer_from_a_listed_bidder_is_flagged(
    bidding: Nolan, fake: FakeSlack, clock: Clock
) -> None:
    answers: dict[str, Any] = hospitality(clock, relationship_input="partner")
    declare(bidding, "UALICE", answers)
    text = shown(card(fake, "UMGR", 1))
    assert "*Bidder in a procurement*: Acme Cleaning Ltd is bidding in a live procurement" in text
