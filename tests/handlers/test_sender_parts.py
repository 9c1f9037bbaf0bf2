"""A message in parts on Slack (the weekly list of lapsed clearances, handlers.vetting.owed's
`_draw_lapsed`, 40 people a part): when a part is refused, the retry sends only the parts that
did not go, and the message keeps its first part's place for updates. The Slack twin of
tests/teams/test_sender_parts.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from slack_sdk import WebClient

from bot.outbox import Posted, Worker, queue, to_staff
from bot.ui.vetting import PER_MESSAGE
from bot.usecases.vetting_owed import LAPSED
from handlers.notifier import Message, Notifier
from handlers.outgoing import SlackSender
from storage.db import Database
from storage.models import Staff
from storage.reminders import Key, queue_once
from tests.bot.test_outbox_pacing import Time
from tests.fakeslack.server import FakeSlack
from tests.teams.test_sender_parts import fail_then_retry, rows

MONDAY = date(2026, 11, 16)  # the week of the list; Time's T0 is Friday 20 November, 10:00
LAPSED_ON = date(2026, 10, 1)

# How the fake Slack refuses a part once: each a refusal worth another try, as the sender
# classifies it today (a 429 with Retry-After, a 5xx, an error Slack answers with 200).
REFUSALS: dict[str, Callable[[FakeSlack], None]] = {
    "ratelimited": lambda fake: fake.fail_next("chat.postMessage", status=429, retry_after=3),
    "503": lambda fake: fake.fail_next("chat.postMessage", status=503),
    "service_unavailable": lambda fake: fake.slack_error_next(
        "chat.postMessage", "service_unavailable", times=1, channel="UVERA"
    ),
}


class RefusingPart(Notifier):
    """The notifier, having the fake refuse the `refused`-th post once (the parts before it
    go): the fake's faults meet the next call of a method, and all three parts are one."""

    def __init__(self, client: WebClient, fake: FakeSlack, refused: int, how: str) -> None:
        super().__init__(client)
        self.fake, self.left, self.how = fake, refused, how

    def dm(self, user_id: str, message: Message) -> Posted:
        self.left -= 1
        if self.left == 0:
            REFUSALS[self.how](self.fake)
        return super().dm(user_id, message)


# Which part is refused, and how.
CASES = [(1, "ratelimited"), (2, "503"), (3, "service_unavailable"), (2, "ratelimited")]


@pytest.mark.parametrize(("refused", "how"), CASES)
def test_a_retry_sends_only_the_parts_that_did_not_go(
    db: Database, refused: int, how: str
) -> None:
    with db.session() as session:
        vera = Staff(
            email="vera@opcc.example", name="Vera Vetting", slack_user_id="UVERA",
            tz="Europe/London",
        )
        lapsed = [
            Staff(
                email=f"p{i:03d}@opcc.example", name=f"Person {i:03d}",
                vetting_level="NPPV2", vetting_expires=LAPSED_ON,
            )
            for i in range(2 * PER_MESSAGE + 5)  # three parts
        ]
        session.add_all([vera, *lapsed])
        session.flush()
        assert vera.id is not None
        time = Time()
        listed = queue(
            session, LAPSED, subject="list", recipient=to_staff(vera.id), due_at=time.now(),
            monday=MONDAY.isoformat(),
            clearances=[{"staff_id": p.id, "expires": LAPSED_ON.isoformat()} for p in lapsed],
        )
        line = Key("line", "line", to_staff(vera.id), MONDAY)  # one the list covers
        queue_once(session, key=line, payload=None, now=time.now(), covered_by=listed)
        session.commit()
    with FakeSlack() as fake:
        client = WebClient(token="xoxb-t", base_url=fake.api_url)
        sender = SlackSender(db, RefusingPart(client, fake, refused, how), now=time.now)
        worker = Worker(db, sender, now=time.now, clock=time.clock, sleep=time.sleep)
        fail_then_retry(db, worker, time)
        posts = fake.calls("chat.postMessage")
        assert len(fake.rejected) == 1 and not fake.problems
    parts = [f"(part {n} of 3)" for n in (1, 2, 3)]
    assert [next(p for p in parts if p in c.args["text"]) for c in posts] == parts  # none twice
    assert all(c.args["channel"] == "UVERA" for c in posts)
    sent = rows(db)
    first = posts[0].response
    assert (sent["list"].status, sent["list"].channel, sent["list"].ts) == (
        "sent", first["channel"], first["ts"]
    )
    assert sent["line"].status == "sent"
