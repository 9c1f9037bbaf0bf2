"""A message in parts on Teams (a long list, bot.teams.vetting's `_drawn`): when a part fails,
the retry sends only the parts that did not go, and the message keeps its first part's place
for updates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

import pytest
from sqlmodel import Session, select

from bot.outbox import Queued, SendFailed, Worker, queue
from bot.teams.connector import Connector
from bot.teams.drawers import DRAWERS, Drawer, Drawn
from bot.teams.sender import TeamsSender
from storage.db import Database
from storage.models import OutboxMessage
from storage.reminders import Key, queue_once
from tests.bot.test_outbox_pacing import Time

CHANNEL = "channel:19:parts@thread.tacv2"


@dataclass
class Chats:
    """The Bot Connector's sends: each text in `refuse` is refused once (a 502), the others
    delivered, each with an activity id of its own."""

    refuse: set[str]
    delivered: list[str] = field(default_factory=list)

    def send(self, service_url: str, conversation_id: str, activity: dict[str, Any]) -> str:
        text = activity["text"]
        if text in self.refuse:
            self.refuse.discard(text)
            raise SendFailed("Bot Connector answered 502 to POST")
        self.delivered.append(text)
        return f"activity-{len(self.delivered)}"


def in_three_parts(session: Session, message: Queued) -> Drawn:
    return Drawn("one", more=(Drawn("two"), Drawn("three")))


@pytest.mark.parametrize("refused", ["one", "two", "three"])
def test_a_retry_sends_only_the_parts_that_did_not_go(
    db: Database, monkeypatch: pytest.MonkeyPatch, refused: str
) -> None:
    monkeypatch.setitem(DRAWERS, "parts", Drawer(in_three_parts))
    chats, time = Chats({refused}), Time()
    sender = TeamsSender(db, cast(Connector, chats), service_url="https://smba.example/")
    worker = Worker(db, sender, now=time.now, clock=time.clock, sleep=time.sleep)
    with db.session() as session:
        listed = queue(session, "parts", subject="list", recipient=CHANNEL)
        line = Key("line", "line", CHANNEL, date(2027, 1, 4))  # one the list covers
        queue_once(session, key=line, payload=None, now=time.now(), covered_by=listed)
        session.commit()
    fail_then_retry(db, worker, time)
    assert chats.delivered == ["one", "two", "three"]  # none twice, none lost
    sent = rows(db)
    assert (sent["list"].status, sent["list"].channel, sent["list"].ts) == (
        "sent", CHANNEL, "activity-1"
    )
    assert sent["line"].status == "sent"


def fail_then_retry(db: Database, worker: Worker, time: Time) -> None:
    """A pass in which a part of the list is refused, then one past its back-off."""
    try:
        worker.run_once()
        failed = rows(db)
        assert failed["list"].status == failed["line"].status == "failed"
        assert failed["line"].payload is None  # still the list's line, not a message
        time.t += 3600
        worker.run_once()
    finally:
        worker.stop()


def rows(db: Database) -> dict[str, OutboxMessage]:
    with db.session() as session:
        return {r.subject: r for r in session.exec(select(OutboxMessage)).all()}
