"""The Home on Teams end to end: sent on install and on `home`, kept current in place (one
card, PUT), paged by its buttons; `conduct` alone, `conduct help`, `conduct mine`."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select

from bot.rules.gifts import GiftOffer, GiftType, OfferKind, Relationship, Response
from bot.settings import Settings
from bot.teams.home_flow import queue_home
from bot.usecases.gifts import declare_gift
from storage.db import Database
from storage.models import Staff
from tests.e2e.harness import Clock
from tests.e2e.teams.harness import ORG, STRANGER, Person, TeamsNolan, cards_of
from tests.faketeams import FakeTeams
from tests.faketeams.server import Call

ALICE, BOB, MO = ORG


def texts(node: Any) -> Iterator[str]:
    """Every text a card shows (TextBlocks, TextRuns, facts), depth first."""
    if isinstance(node, dict):
        if node.get("type") in ("TextBlock", "TextRun") and isinstance(node.get("text"), str):
            yield node["text"]
        for key in ("title", "value") if node.get("type") is None else ():
            if isinstance(node.get(key), str):
                yield node[key]
        for value in node.values():
            if isinstance(value, (dict, list)):
                yield from texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from texts(item)


def shown(call_or_card: Call | dict[str, Any]) -> str:
    cards = cards_of(call_or_card) if isinstance(call_or_card, Call) else [call_or_card]
    return "\n".join(t for card in cards for t in texts(card))


def actions(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if str(node.get("type", "")).startswith("Action."):
            yield node
        for value in node.values():
            yield from actions(value)
    elif isinstance(node, list):
        for item in node:
            yield from actions(item)


def declare(db: Database, clock: Clock, person: Staff, n: int = 1) -> None:
    """`n` declined gifts, declared through the use case as any platform's form does."""
    assert person.id is not None
    for i in range(n):
        offer = GiftOffer(
            kind=OfferKind.GIFT,
            gift_type=GiftType.ITEM,
            offered_by=f"Supplier {i + 1} Ltd",
            relationship=Relationship.OTHER,
            description=f"A box of chocolates number {i + 1}",
            value_pence=1500,
            date_offered=clock().date() - timedelta(days=1),
            event_date=None,
            response=Response.DECLINED,
            reason="",
        )
        declare_gift(db, declarant=person, offer=offer, settings=Settings(), now=clock())


def owe_home(db: Database, person: Staff) -> None:
    """What the Home refresher queues after a change that concerns the person."""
    assert person.id is not None
    with db.session() as session:
        queue_home(session, person.id)
        session.commit()


def sends(fake: FakeTeams, person: Person) -> list[Call]:
    return fake.delivered(fake.conversation_of(person.object_id))


def is_home(call: Call) -> bool:
    """A Home card (a declaration's receipt also reaches the declarant's chat)."""
    return "Your declarations" in shown(call)


def home_cards(fake: FakeTeams, person: Person) -> list[Call]:
    return [c for c in sends(fake, person) if is_home(c)]


# -- sent ---------------------------------------------------------------------------------------


def test_installing_nolan_brings_the_persons_home_card(
    nolan: TeamsNolan, fake: FakeTeams
) -> None:
    assert nolan.install(ALICE)[0] == 200
    sent = fake.wait_for("send")
    text = shown(sent)  # schema-valid and under the size limit (cards_of)
    assert "Alice" in text and "Your declarations" in text
    assert "The registers" not in text  # an officer's part: not hers
    declare_buttons = {a.get("data", {}).get("_action") for a in actions(cards_of(sent))}
    assert "home_declare_gift" in declare_buttons  # opens its dialog in one press
    nolan.settle()
    [row] = nolan.outbox()
    assert (row.kind, row.subject, row.status) == ("home", f"home:{_id(nolan, ALICE)}", "sent")


def test_an_officers_home_card_has_the_registers(nolan: TeamsNolan, fake: FakeTeams) -> None:
    nolan.install(MO)
    text = shown(fake.wait_for("send"))
    assert "The registers" in text and "Morgan" in text


def test_home_typed_posts_a_fresh_card_which_is_then_kept_current(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    nolan.install(ALICE)
    first = fake.wait_for("send", is_home)
    assert nolan.say(ALICE, "Home")[0] == 200
    second = fake.wait_for("send", is_home, count=2)
    assert second.response["id"] != first.response["id"]
    assert "Your declarations" in shown(second)
    nolan.settle()
    declare(db, clock, org["alice"])
    owe_home(db, org["alice"])
    updated = fake.wait_for("update")
    assert updated.activity_id == second.response["id"]  # the newest Home card, in place
    assert "A box of chocolates number 1" in shown(updated)
    nolan.settle()
    assert home_cards(fake, ALICE) == [first, second]  # no new card for the change
    owe_home(db, org["alice"])  # and again: the same card
    assert fake.wait_for("update", count=2).activity_id == second.response["id"]
    nolan.settle()


def test_conduct_alone_is_the_home_card(nolan: TeamsNolan, fake: FakeTeams) -> None:
    nolan.say(ALICE, "/conduct")
    assert "Your declarations" in shown(fake.wait_for("send"))


def test_a_home_refresh_before_any_home_card_posts_one(
    nolan: TeamsNolan, fake: FakeTeams, org: dict[str, Staff]
) -> None:
    nolan.install(ALICE)  # her chat, and a card
    nolan.settle()
    fake.wait_for("send")
    owe_home(nolan.db, org["mo"])  # Morgan has never had one: it opens his chat
    sent = fake.wait_for("send", lambda c: c.conversation_id == fake.conversation_of(MO.object_id))
    assert "Morgan" in shown(sent)
    nolan.settle()
    assert fake.calls("update") == []


# -- paging -------------------------------------------------------------------------------------


def test_more_pages_the_card_in_place_and_a_refresh_keeps_the_page(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    declare(db, clock, org["alice"], n=7)
    nolan.install(ALICE)
    card = cards_of(fake.wait_for("send", is_home))[0]
    text = shown(card)
    assert "Showing 1–5 of 7." in text and "number 7" in text and "number 2" not in text
    [more] = [a for a in actions(card) if a.get("verb") == "home_more"]
    status, reply = nolan.post(nolan.activity(
        ALICE, "invoke", name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": more["verb"], "data": more["data"]}},
    ))
    assert status == 200 and reply["statusCode"] == 200
    paged = reply["value"]
    assert "Showing 6–7 of 7." in shown(paged) and "number 1" in shown(paged)
    assert "number 7" not in shown(paged)
    assert [a["verb"] for a in actions(paged) if a.get("verb", "").startswith("home_p")] == [
        "home_previous"
    ]
    nolan.settle()
    # A refresh owed by the declarations may have replaced the card before the press: the
    # one to look at is the update after this change.
    before = len(fake.calls("update"))
    owe_home(db, org["alice"])  # a change: the card stays on the page she turned to
    assert "Showing 6–7 of 7." in shown(fake.wait_for("update", count=before + 1))
    nolan.settle()


def test_a_page_press_that_is_not_ours_is_refused_without_harm(nolan: TeamsNolan) -> None:
    status, reply = nolan.post(nolan.activity(
        ALICE, "invoke", name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": "home_more",
                          "data": {"_payload": "{not json"}}},
    ))
    assert status == 200 and reply["statusCode"] == 200  # junk pages read as the first ones
    assert "Your declarations" in shown(reply["value"])


# -- conduct ------------------------------------------------------------------------------------


def test_conduct_help_lists_the_sub_commands(nolan: TeamsNolan, fake: FakeTeams) -> None:
    nolan.say(ALICE, "conduct help")
    text = shown(fake.wait_for("send"))
    assert "conduct mine" in text and "doesn't know" not in text
    nolan.say(ALICE, "conduct frobnicate")
    assert "doesn't know “conduct frobnicate”" in shown(fake.wait_for("send", count=2))


def test_conduct_mine_lists_the_persons_declarations(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, clock: Clock, org: dict[str, Staff]
) -> None:
    nolan.say(ALICE, "conduct mine")
    assert "no declarations yet" in shown(fake.wait_for("send"))
    declare(db, clock, org["alice"], n=2)
    nolan.settle()
    nolan.say(ALICE, "CONDUCT Mine")
    text = shown(fake.wait_for("send", lambda c: "Your declarations" in shown(c)))
    assert "number 1" in text and "number 2" in text


# -- strangers ----------------------------------------------------------------------------------


def test_a_strangers_home_is_why_nolan_cannot_help(nolan: TeamsNolan, fake: FakeTeams) -> None:
    fake.install(STRANGER.object_id)
    nolan.say(STRANGER, "home")
    assert "not in Nolan's org chart" in shown(fake.wait_for("send"))
    nolan.install(STRANGER)
    assert "not in Nolan's org chart" in shown(fake.wait_for("send", count=2))
    nolan.settle()
    assert all(r.kind != "home" for r in nolan.outbox())


def _id(nolan: TeamsNolan, person: Person) -> int:
    with nolan.db.session() as session:
        found = session.exec(select(Staff.id).where(Staff.email == person.email)).one()
    assert found is not None
    return found


def test_installing_nolan_in_a_team_sends_no_home_card(nolan: TeamsNolan) -> None:
    install = nolan.activity(ALICE, "conversationUpdate",
                             extra={"membersAdded": [{"id": f"28:{nolan.fake.app_id}"}]})
    install["conversation"] = {"conversationType": "channel", "tenantId": install[
        "conversation"]["tenantId"], "id": "19:general@thread.tacv2"}
    assert nolan.post(install)[0] == 200
    nolan.settle()
    assert nolan.outbox() == []


@pytest.mark.parametrize("status", [404, 403])
def test_a_home_card_that_cannot_be_updated_is_posted_anew_and_kept_current(
    nolan: TeamsNolan, fake: FakeTeams, db: Database, clock: Clock, org: dict[str, Staff],
    status: int,
) -> None:
    nolan.install(ALICE)
    first = fake.wait_for("send", is_home)
    nolan.settle()
    declare(db, clock, org["alice"])
    fake.fail_next("update", status)  # she deleted the card (404), or the chat refuses (403)
    owe_home(db, org["alice"])
    fake.wait_for("update")
    fresh = fake.wait_for("send", is_home, count=2)  # a new Home card, up to date
    assert fresh.response["id"] != first.response["id"]
    assert "A box of chocolates number 1" in shown(fresh)
    nolan.settle()
    assert [row.status for row in nolan.outbox() if row.kind == "home"] == ["sent", "sent"]
    owe_home(db, org["alice"])  # the new card is the one kept current
    assert fake.wait_for("update", count=2).activity_id == fresh.response["id"]
    nolan.settle()
