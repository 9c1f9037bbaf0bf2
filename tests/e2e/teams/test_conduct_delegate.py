"""`conduct delegate` on Teams end to end: the card whose button opens the form, the form in a
dialog (refused answers kept, each error at its field), the delegation made and everyone
told, `conduct delegate end`, and the Home's "End delegation"."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import select

from storage.db import Database
from storage.models import Delegation, Staff
from tests.e2e.harness import Clock
from tests.e2e.teams.harness import ORG, TeamsNolan, cards_of
from tests.e2e.teams.test_home import actions, shown
from tests.faketeams import FakeTeams
from tests.schemas import card_problems

ALICE, BOB, MO = ORG
FORM = "delegation_create"


def fetch(nolan: TeamsNolan, data: dict[str, Any]) -> dict[str, Any]:
    status, reply = nolan.post(nolan.activity(ALICE, "invoke", name="task/fetch",
                                              value={"data": data}))
    assert status == 200
    return reply


def submit(nolan: TeamsNolan, **answers: Any) -> Any:
    status, reply = nolan.post(nolan.activity(
        ALICE, "invoke", name="task/submit", value={"data": {"_form": FORM, **answers}}
    ))
    assert status == 200
    return reply


def dialog_card(reply: dict[str, Any]) -> dict[str, Any]:
    assert reply["task"]["type"] == "continue"
    content = reply["task"]["value"]["card"]["content"]
    assert not card_problems(content), card_problems(content)
    return content


def delegations(db: Database) -> list[Delegation]:
    with db.session() as session:
        return list(session.exec(select(Delegation)))


def test_conduct_delegate_opens_the_form_from_its_card_and_delegates(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    fake.install(MO.object_id)
    nolan.say(ALICE, "conduct delegate")
    prompt = cards_of(fake.wait_for("send"))[0]
    [button] = [a for a in actions(prompt) if a["type"] == "Action.Submit"]
    assert button["data"]["msteams"] == {"type": "task/fetch"}
    form = dialog_card(fetch(nolan, button["data"]))
    assert "Who will decide for you?" in str(form)  # an input's label
    until = (clock.today + timedelta(days=10)).isoformat()
    refused = submit(nolan, deputy="", ends_on=until)  # nobody chosen
    again = dialog_card(refused)
    assert "Choose" in shown(again) or "choose" in shown(again)
    assert until in str(again)  # the answer kept
    assert delegations(db) == []
    assert submit(nolan, deputy=MO.object_id, ends_on=until) is None  # the dialog closes
    [made] = delegations(db)
    assert (made.delegator_id, made.deputy_id) == (org["alice"].id, org["mo"].id)
    to_alice = fake.wait_for("send", lambda c: "Your approvals go to" in shown(c))
    assert "Morgan Monitor" in shown(to_alice) and "conduct delegate end" in shown(to_alice)
    to_mo = fake.wait_for(
        "send", lambda c: c.conversation_id == fake.conversation_of(MO.object_id)
    )
    assert "Alice Able" in shown(to_mo) and "decide their approvals" in shown(to_mo)
    nolan.settle()

    nolan.say(ALICE, "conduct delegate END")
    ended = fake.wait_for(
        "send", lambda c: "Your delegation to Morgan Monitor has ended" in shown(c)
    )
    assert ended.conversation_id == fake.conversation_of(ALICE.object_id)
    fake.wait_for("send", lambda c: "You no longer decide for Alice Able" in shown(c))
    [closed] = delegations(db)
    assert closed.ended_at is not None
    nolan.settle()
    nolan.say(ALICE, "conduct delegate end")
    fake.wait_for("send", lambda c: "no delegation to end" in shown(c))


def test_the_homes_end_delegation_ends_it_and_redraws_the_home(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, clock: Clock
) -> None:
    fake.install(MO.object_id)
    until = (clock.today + timedelta(days=10)).isoformat()
    submit(nolan, deputy=MO.object_id, ends_on=until)
    nolan.settle()
    status, reply = nolan.post(nolan.activity(
        ALICE, "invoke", name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": "home_end_delegation", "data": {}}},
    ))
    assert status == 200 and reply["statusCode"] == 200
    assert "Your declarations" in shown(reply["value"])
    assert not card_problems(reply["value"])
    assert delegations(db)[0].ended_at is not None
    fake.wait_for("send", lambda c: "Your delegation to Morgan Monitor" in shown(c))
    nolan.settle()
