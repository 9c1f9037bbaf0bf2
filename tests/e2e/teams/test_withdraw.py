"""Withdraw on Teams end to end: the member of staff's Withdraw button (drawn by Teams' card
renderer, as their receipt and Home carry it) takes a waiting declaration back; the approver's
card loses its buttons in place and the approver is told; only the declarant may, once."""

from __future__ import annotations

from typing import Any

import pytest

from bot.settings import Settings
from bot.teams.cards import action
from bot.ui.payload import DeclarationRef
from bot.ui.withdraw import WITHDRAW, withdraw_button
from bot.usecases.gifts import declare_gift
from storage.db import Database
from storage.models import Declaration, Staff
from tests.e2e.teams.approving import (
    ALICE,
    BOB,
    EXECUTE,
    MANNY,
    add_manny,
    card_to,
    press,
    replaced_card,
    step_of,
    text_of,
    told,
)
from tests.e2e.teams.harness import Person, TeamsNolan, cards_of
from tests.e2e.teams.test_home import actions
from tests.faketeams import FakeTeams
from tests.usecases.world import hospitality


@pytest.fixture
def manny(fake: FakeTeams, db: Database, org: dict[str, Staff]) -> Staff:
    return add_manny(fake, db, org)


def press_withdraw(nolan: TeamsNolan, person: Person, declaration_id: int) -> Any:
    """The Withdraw button as Teams draws it (asked first: a ShowCard), pressed."""
    shown = action(withdraw_button(declaration_id, "GH-00001"))
    assert shown["type"] == "Action.ShowCard"
    [execute] = shown["card"]["actions"]
    assert execute["verb"] == WITHDRAW
    value = {"action": {"type": "Action.Execute", "verb": WITHDRAW, "data": execute["data"]}}
    status, reply = nolan.post(nolan.activity(person, "invoke", name=EXECUTE, value=value))
    assert status == 200
    return reply


def test_the_declarant_withdraws_and_the_approvers_card_loses_its_buttons(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], manny: Staff
) -> None:
    done = declare_gift(
        db,
        declarant=org["alice"],
        offer=hospitality(),
        settings=Settings(policy=nolan.policy),
        now=nolan.clock(),
    )
    card = card_to(fake, MANNY)
    nolan.settle()
    assert "Only the person who made a declaration" in told(
        press_withdraw(nolan, BOB, done.declaration_id)
    )
    said = told(press_withdraw(nolan, ALICE, done.declaration_id))
    assert said.startswith("Withdrawn: ") and "Manny Manager has been told" in said
    with db.session() as session:
        declaration = session.get(Declaration, done.declaration_id)
        assert declaration is not None and declaration.status == "withdrawn"
    assert step_of(db, done.steps[0]).status == "withdrawn"
    redrawn = fake.wait_for("update", lambda c: c.activity_id == card.response["id"])
    shown = text_of(cards_of(redrawn)[0])
    assert "Withdrawn by the member of staff" in shown and "Action." not in shown
    note = card_to(fake, MANNY, count=2)
    assert "has withdrawn GH-00001" in text_of(cards_of(note)[0])
    # Twice is once; a press on the old card gets it as it stands, told why above it.
    assert "no longer waiting" in told(press_withdraw(nolan, ALICE, done.declaration_id))
    mended = text_of(replaced_card(press(nolan, MANNY, card, "decide_approved")[1]))
    assert "no longer waiting" in mended and "Withdrawn by the member of staff" in mended
    assert "Action." not in mended


def _listed(call: Any) -> bool:
    """`conduct mine`'s answer (the Home card, sent as the declaration is made, has a
    "Your declarations" section too)."""
    return str(call.body.get("summary", "")).startswith("Your declarations (")


def test_conduct_mine_offers_withdraw_beside_what_is_still_waiting(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, org: dict[str, Staff], manny: Staff
) -> None:
    waiting = declare_gift(
        db,
        declarant=org["alice"],
        offer=hospitality(),
        settings=Settings(policy=nolan.policy),
        now=nolan.clock(),
    )
    nolan.say(ALICE, "conduct mine")
    mine = fake.wait_for("send", _listed)
    [card] = cards_of(mine)
    buttons = [a for a in actions(card) if a.get("verb") == WITHDRAW]
    ref = DeclarationRef(declaration_id=waiting.declaration_id).encode()
    assert len(buttons) == 1 and buttons[0]["data"]["_payload"] == ref
    value = {"action": {"type": "Action.Execute", "verb": WITHDRAW, "data": buttons[0]["data"]}}
    status, reply = nolan.post(nolan.activity(BOB, "invoke", name=EXECUTE, value=value))
    assert status == 200 and "Only the person who made a declaration" in told(reply)
    status, reply = nolan.post(nolan.activity(ALICE, "invoke", name=EXECUTE, value=value))
    assert status == 200 and told(reply).startswith("Withdrawn: ")
    # Once withdrawn, `conduct mine` offers nothing to withdraw.
    nolan.say(ALICE, "conduct mine")
    again = fake.wait_for("send", _listed, count=2)
    assert not [a for a in actions(cards_of(again)[0]) if a.get("verb") == WITHDRAW]
