"""`conduct undertaking` on Teams end to end: the undertaking with its button, accepted once
with its time (the receipt in place of the card), and asked again afterwards."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from storage.db import Database
from storage.models import Confirmation
from tests.e2e.teams.harness import ORG, Person, TeamsNolan, cards_of
from tests.e2e.teams.test_home import actions, shown
from tests.faketeams import FakeTeams
from tests.schemas import card_problems

ALICE, BOB, MO = ORG


def press(nolan: TeamsNolan, person: Person, action: dict[str, Any]) -> dict[str, Any]:
    status, reply = nolan.post(nolan.activity(
        person, "invoke", name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": action["verb"],
                          "data": action.get("data", {})}},
    ))
    assert status == 200
    return reply


def accepted(db: Database) -> list[Confirmation]:
    with db.session() as session:
        return list(session.exec(select(Confirmation)))


def test_the_undertaking_is_accepted_once_from_its_card(
    nolan: TeamsNolan, fake: FakeTeams, db: Database
) -> None:
    nolan.say(ALICE, "conduct undertaking")
    card = cards_of(fake.wait_for("send"))[0]
    assert "I, Alice Able" in shown(card).replace("*", "")
    [button] = [a for a in actions(card) if a.get("verb") == "undertaking_accept"]
    reply = press(nolan, ALICE, button)
    assert reply["statusCode"] == 200 and not card_problems(reply["value"])
    receipt = shown(reply["value"])
    assert "Accepted" in receipt and "Alice Able" in receipt
    again = press(nolan, ALICE, button)  # a double press: one acceptance
    assert again["statusCode"] == 200
    [mine] = accepted(db)
    assert mine.response == "accepted"
    nolan.say(ALICE, "conduct undertaking")
    fake.wait_for("send", lambda c: "You accepted the code of conduct undertaking on" in shown(c))
    nolan.settle()


def test_the_monitoring_officer_sees_how_many_have_accepted(
    nolan: TeamsNolan, fake: FakeTeams
) -> None:
    nolan.say(MO, "conduct undertaking")
    fake.wait_for("send", lambda c: "0 of 3 active members of staff" in shown(c))
    fake.wait_for("send", lambda c: "undertaking_accept" in str(c.body))
    nolan.settle()


def test_send_all_by_a_non_admin_and_a_forged_press_are_answered_without_harm(
    nolan: TeamsNolan, fake: FakeTeams, db: Database
) -> None:
    nolan.say(ALICE, "conduct undertaking send-all")
    assert "Only an admin can send" in shown(fake.wait_for("send"))
    reply = press(nolan, ALICE, {"verb": "undertaking_accept", "data": {"_payload": "junk"}})
    assert reply["statusCode"] == 400
    old = press(nolan, ALICE, {"verb": "undertaking_accept",
                               "data": {"_payload": '{"version": "1999"}'}})
    assert old["statusCode"] == 400
    nolan.settle()
    assert accepted(db) == []
    assert not [m for m in nolan.outbox() if m.kind == "undertaking"]  # nothing owed
