"""On Teams, as on Slack, only the Homes looked at within HOME_WATCH_HOURS are pushed current
after a change. The Home card carries a refresh, which Teams runs whenever it shows the card:
a card nobody has looked at for a day costs no Connector call after each change, and is
current the moment it is looked at."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import select

from bot.teams.home import REFRESH
from bot.ui.home_model import Action
from storage import staff
from storage.db import Database
from storage.models import Staff
from tests.e2e.harness import Clock
from tests.e2e.teams.dialogs import button_data, closed_with, dialog_of, fetch, send_form
from tests.e2e.teams.harness import ORG, STRANGER, Person, TeamsNolan, cards_of
from tests.e2e.teams.test_declare import gift_answers
from tests.e2e.teams.test_home import actions, is_home, shown
from tests.faketeams import FakeTeams
from tests.faketeams.server import Call

ALICE, BOB, MO = ORG


def declare(nolan: TeamsNolan, clock: Clock, giver: str) -> str:
    """Alice declares a gift through its dialog, as she would; its reference."""
    card = dialog_of(fetch(nolan, ALICE, button_data(Action.DECLARE_GIFT)))
    answers = gift_answers(clock, line_manager=BOB.object_id, offered_by=giver)
    said = closed_with(send_form(nolan, ALICE, card, answers))
    nolan.settle()
    return said.split("Recorded as ")[1].split()[0].rstrip(".")


def installed(nolan: TeamsNolan, fake: FakeTeams) -> Call:
    """Alice installs Nolan: the Home card it sends her, once delivered."""
    nolan.install(ALICE)
    card = fake.wait_for("send", is_home)
    nolan.settle()
    return card


def updates_of(fake: FakeTeams, card: Call) -> list[Call]:
    return [c for c in fake.calls("update") if c.activity_id == card.response["id"]]


def viewed(nolan: TeamsNolan, person: Person, card: Call) -> dict[str, Any]:
    """The card Teams shows `person` once it has run the refresh of the Home card `card`."""
    status, reply = nolan.view(person, card)
    assert status == 200 and reply["statusCode"] == 200, reply
    [shown_card] = cards_of(in_place(reply, card))  # checked as a sent card is
    return shown_card


def in_place(reply: dict[str, Any], card: Call) -> Call:
    """The card an invoke's answer put in place of `card`, as the message Teams now shows."""
    body = {"attachments": [{"contentType": reply["type"], "content": reply["value"]}]}
    return Call("update", "PUT", "", body, 200, card.response, activity_id=card.response["id"])


def opened_at(db: Database, person: Person) -> object:
    with db.session() as session:
        return session.exec(select(Staff.home_opened_at).where(Staff.email == person.email)).one()


def test_a_home_card_not_looked_at_is_not_updated_and_is_current_when_shown(
    nolan: TeamsNolan, fake: FakeTeams, clock: Clock, db: Database
) -> None:
    card = installed(nolan, fake)  # her Home card: she is looking at it now
    clock.now += timedelta(hours=8, minutes=1)  # HOME_WATCH_HOURS' default, and a minute
    reference = declare(nolan, clock, "Acme Ltd")
    assert updates_of(fake, card) == []  # no Connector call for a card nobody looks at
    assert [r.kind for r in nolan.outbox()].count("home") == 1  # nor one queued
    # She opens her chat: Teams asks for the card afresh, and shows what the answer carries.
    shown_card = viewed(nolan, ALICE, card)
    assert reference in shown(shown_card)
    assert shown_card["refresh"]["action"]["verb"] == REFRESH  # and asks again next time
    assert opened_at(db, ALICE) == clock.now
    # Looked at: the next change is pushed to the card in place.
    second = declare(nolan, clock, "Bolt plc")
    [update] = updates_of(fake, card)
    assert second in shown(update) and reference in shown(update)


def test_a_home_card_looked_at_within_the_window_is_kept_current(
    nolan: TeamsNolan, fake: FakeTeams, clock: Clock
) -> None:
    card = installed(nolan, fake)
    clock.now += timedelta(hours=7)
    viewed(nolan, ALICE, card)  # seen at 7 h: kept current until 15 h
    clock.now += timedelta(hours=7)
    reference = declare(nolan, clock, "Acme Ltd")
    [update] = updates_of(fake, card)
    assert reference in shown(update)


@pytest.fixture
def always(
    fake: FakeTeams, db: Database, clock: Clock, org: dict[str, Staff]
) -> Iterator[TeamsNolan]:
    bot = TeamsNolan(fake, db, clock, home_watch_hours=0).start()
    yield bot
    bot.stop()


def test_with_home_watch_hours_0_every_home_card_is_kept_current(
    always: TeamsNolan, fake: FakeTeams, clock: Clock
) -> None:
    card = installed(always, fake)
    clock.now += timedelta(days=30)
    reference = declare(always, clock, "Acme Ltd")
    [update] = updates_of(fake, card)
    assert reference in shown(update)


def test_a_home_card_shown_keeps_the_pages_it_shows(
    nolan: TeamsNolan, fake: FakeTeams, clock: Clock
) -> None:
    for number in range(7):
        declare(nolan, clock, f"Giver {number}")
    card = installed(nolan, fake)
    [more] = [a for a in actions(cards_of(card)[0]) if a.get("verb") == Action.MORE]
    value = {"action": {"type": "Action.Execute", "verb": more["verb"], "data": more["data"]}}
    status, reply = nolan.post(
        nolan.activity(ALICE, "invoke", name="adaptiveCard/action", value=value)
    )
    assert status == 200 and "Showing 6–7 of 7." in shown(reply["value"])
    # Teams keeps the answered card on screen, and runs its refresh when it is shown again.
    assert "Showing 6–7 of 7." in shown(viewed(nolan, ALICE, in_place(reply, card)))


def test_someone_not_in_the_org_chart_is_told_so_and_nothing_is_noted_or_owed(
    nolan: TeamsNolan, fake: FakeTeams, db: Database
) -> None:
    card = installed(nolan, fake)
    fake.install(STRANGER.object_id)  # a card forwarded to him, say
    status, reply = nolan.view(STRANGER, card)
    assert status == 200 and reply["statusCode"] == 200
    assert "not in Nolan's org chart" in reply["value"]  # a note; the card stays as it is
    with db.session() as session:
        assert session.exec(select(Staff).where(Staff.home_opened_at.is_not(None))).all() == [
            session.exec(select(Staff).where(Staff.email == ALICE.email)).one()
        ]
    nolan.settle()
    assert [r.kind for r in nolan.outbox()] == ["home"]


def test_a_card_shown_again_within_the_minute_writes_nothing(
    nolan: TeamsNolan, fake: FakeTeams, clock: Clock, db: Database
) -> None:
    card = installed(nolan, fake)
    clock.now += timedelta(hours=1)
    written: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if statement.lstrip().upper().startswith("UPDATE STAFF"):
            written.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        viewed(nolan, ALICE, card)
        assert len(written) == 1  # noted
        clock.now += timedelta(seconds=59)
        viewed(nolan, ALICE, card)  # Teams asks at each showing: read from her row, no write
        assert len(written) == 1
        clock.now += timedelta(seconds=2)
        viewed(nolan, ALICE, card)
        assert len(written) == 2
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert opened_at(db, ALICE) == clock.now


@pytest.mark.parametrize("by", ["slack_user_id", "staff_id"])
def test_a_look_is_written_at_most_once_a_minute(db: Database, clock: Clock, by: str) -> None:
    with db.session() as session:
        person = Staff(email="a@x", name="A", slack_user_id="UA")
        session.add(person)
        session.commit()
        who = {"slack_user_id": "UA"} if by == "slack_user_id" else {"staff_id": person.id}

    def looked(after: timedelta) -> object:
        with db.session() as session:
            staff.note_home_opened(session, at=clock.now + after, **who)
            session.commit()
            return session.exec(select(Staff.home_opened_at)).one()

    assert looked(timedelta(0)) == clock.now
    assert looked(timedelta(seconds=59)) == clock.now  # within the minute: not written again
    assert looked(timedelta(minutes=2)) == clock.now + timedelta(minutes=2)
