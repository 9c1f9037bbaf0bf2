"""On Slack only the Homes opened within HOME_WATCH_HOURS are kept current after a change: Slack
sends app_home_opened each time someone opens the tab, and Nolan draws it afresh then, so a
refresh for someone who is not looking would be drawn and published for nobody."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.ui.home_model import Action
from storage import staff
from storage.db import Database
from storage.models import OutboxMessage, Staff
from tests.e2e.harness import Clock, Nolan
from tests.e2e.test_gifts_flow import declare, hospitality
from tests.e2e.test_home_flow import texts
from tests.fakeslack import FakeSlack
from tests.fakeslack.server import Call


def _for(user: str) -> Callable[[Call], bool]:
    return lambda c: bool(c.args["user_id"] == user)


def _homes_owed(db: Database) -> int:
    with db.session() as session:
        return len(session.exec(select(OutboxMessage).where(OutboxMessage.kind == "home")).all())


def test_a_home_not_opened_is_not_refreshed_and_is_drawn_with_the_change_when_opened(
    nolan: Nolan, fake: FakeSlack, clock: Clock, db: Database
) -> None:
    nolan.open_home("UMGR")  # the manager is looking at his; Alice has never opened hers
    declare(nolan, "UALICE", hospitality(clock))
    assert "GH-00001" in texts(nolan.home("UMGR", count=2))
    fake.assert_no_call("views.publish", _for("UALICE"))
    assert _homes_owed(db) == 1  # nothing drawn for her, nor queued
    assert "GH-00001" in texts(nolan.open_home("UALICE"))


def test_a_home_opened_longer_ago_than_the_window_is_left_until_opened_again(
    nolan: Nolan, fake: FakeSlack, clock: Clock
) -> None:
    nolan.open_home("UALICE")
    clock.now += timedelta(hours=8, minutes=1)  # HOME_WATCH_HOURS' default, and a minute
    declare(nolan, "UALICE", hospitality(clock))
    fake.assert_no_call("views.publish", lambda c: "GH-00001" in str(c.args["view"]))
    assert "GH-00001" in texts(nolan.open_home("UALICE"))
    # Opened again: the next change keeps it current.
    declare(nolan, "UALICE", hospitality(clock))
    assert "GH-00002" in texts(nolan.home("UALICE", count=3))


def test_a_page_turned_counts_as_a_look(nolan: Nolan, fake: FakeSlack, clock: Clock) -> None:
    for number in range(11):  # a second page of her declarations
        declare(nolan, "UALICE", hospitality(clock, offered_by_input=f"Giver {number}"))
    home = nolan.open_home("UALICE")
    clock.now += timedelta(hours=8, minutes=1)  # the tab left open all day
    nolan.press_home("UALICE", home, Action.MORE)
    assert "Showing 11–11 of 11" in texts(nolan.home("UALICE", count=2))
    declare(nolan, "UALICE", hospitality(clock, offered_by_input="Giver 12"))
    assert "Showing 11–12 of 12" in texts(nolan.home("UALICE", count=3))


@pytest.fixture
def always(fake: FakeSlack, db: Database, clock: Clock, org: dict[str, Staff]) -> Iterator[Nolan]:
    bot = Nolan(fake, db, clock, home_watch_hours=0).start()
    yield bot
    bot.stop()


def test_with_home_watch_hours_0_every_home_concerned_is_kept_current(
    always: Nolan, clock: Clock
) -> None:
    declare(always, "UALICE", hospitality(clock))
    assert "GH-00001" in texts(always.home("UALICE"))
    assert "GH-00001" in texts(always.home("UMGR"))


def test_an_opening_is_written_at_most_once_a_minute(db: Database, clock: Clock) -> None:
    with db.session() as session:
        session.add(Staff(email="a@x", name="A", slack_user_id="UA"))
        session.commit()

    def opened(after: timedelta) -> object:
        with db.session() as session:
            staff.note_home_opened(session, slack_user_id="UA", at=clock.now + after)
            session.commit()
            return session.exec(select(Staff.home_opened_at)).one()

    assert opened(timedelta(0)) == clock.now
    assert opened(timedelta(seconds=59)) == clock.now  # within the minute: not written again
    assert opened(timedelta(minutes=2)) == clock.now + timedelta(minutes=2)
