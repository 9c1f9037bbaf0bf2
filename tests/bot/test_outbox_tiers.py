"""The outbox's worker within the tiers of the platform's methods (bot.pacing.Pace.tiers), on
an injected clock: Slack's chat.update (Tier 3, 50 a minute) and views.publish (Tier 4, 100 a
minute) limit Nolan over the whole workspace, whatever the conversation. A burst of card
updates or Home refreshes goes at the tier's pace; what the tier holds back holds up no other
message; and a 429 from the method pauses its tier alone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot.outbox import Posted, Queued, SendFailed, Worker, queue
from bot.pacing import UPDATE, Pace, Pacer
from bot.rules.status import OutboxStatus
from bot.usecases.homes import HOME
from handlers import outgoing
from handlers.notifier import Message, Notifier
from handlers.outgoing import SLACK_PACE, Card, Drawn, SlackSender
from storage.db import Database
from storage.models import OutboxMessage
from tests.bot.test_outbox_pacing import Time, owe, paced_worker
from tests.fakeslack.server import FakeSlack

MINUTE = 60.0


def test_slack_declares_the_tiers_of_chat_update_and_views_publish() -> None:
    # api.slack.com/apis/rate-limits: Tier 3 is 50+ a minute, Tier 4 100+, per method per
    # workspace; chat.update is Tier 3 and views.publish Tier 4 (each method's "Facts").
    assert dict(SLACK_PACE.tiers) == {UPDATE: ((MINUTE, 50),), HOME: ((MINUTE, 100),)}
    assert SLACK_PACE.tier_of("approval", True) == UPDATE
    assert SLACK_PACE.tier_of(HOME, False) == HOME
    assert SLACK_PACE.tier_of("approval", False) is None


def cards_sent(db: Database, worker: Worker, count: int) -> list[int]:
    """`count` cards, one to each person, sent: their ids, for updates to name."""
    ids = [owe(db, f"staff:{n}", f"card{n}") for n in range(count)]
    assert worker.run_once() == count
    return ids


def test_a_burst_of_card_updates_goes_at_fifty_a_minute(db: Database) -> None:
    worker, sender, clock = paced_worker(db, SLACK_PACE)
    cards = cards_sent(db, worker, 120)
    sender.sent.clear()
    for n, card in enumerate(cards):
        owe(db, f"staff:{n}", f"update{n}", updates_id=card)
    assert worker.run_once() == 50  # the next 50 wait a minute: longer than a pass waits
    clock.t = MINUTE - 10
    assert worker.run_once() == 0
    clock.t = MINUTE
    assert worker.run_once() == 50
    clock.t = 2 * MINUTE
    assert worker.run_once() == 20
    sent_at = {s: t for t, _, s in sender.sent}
    assert [t for t, _, _ in sender.sent] == [0.0] * 50 + [MINUTE] * 50 + [2 * MINUTE] * 20
    # Oldest first: each minute the next fifty (sent side by side, in no set order).
    assert [sent_at[f"update{n}"] for n in range(120)] == sorted(sent_at.values())


def test_a_burst_of_home_refreshes_goes_at_a_hundred_a_minute(db: Database) -> None:
    worker, sender, clock = paced_worker(db, SLACK_PACE)
    with db.session() as session:
        for n in range(130):
            queue(session, HOME, subject=f"home:{n}", recipient=f"staff:{n}")
        session.commit()
    assert worker.run_once() == 100
    clock.t = MINUTE
    assert worker.run_once() == 30
    assert [t for t, _, _ in sender.sent] == [0.0] * 100 + [MINUTE] * 30


def test_updates_held_by_their_tier_hold_up_no_other_message(db: Database) -> None:
    worker, sender, _ = paced_worker(db, SLACK_PACE)
    cards = cards_sent(db, worker, 70)
    sender.sent.clear()
    worker.batch = 5  # the held updates, oldest, would fill every batch: they are left out
    for n, card in enumerate(cards):
        owe(db, f"staff:{n}", f"update{n}", updates_id=card)
    assert worker.run_once() == 50
    owe(db, "staff:500", "a new message")
    with db.session() as session:
        queue(session, HOME, subject="home:600", recipient="staff:600")
        session.commit()
    assert worker.run_once() == 2  # the 20 updates left wait; the others do not
    assert {s for t, _, s in sender.sent[50:]} == {"a new message", "home:600"}
    assert all(t == 0.0 for t, _, _ in sender.sent)


def test_the_tiers_wait_is_the_passes_wait_when_only_held_updates_are_due(
    db: Database,
) -> None:
    pace = Pace(updates=False, tiers=((UPDATE, ((4.0, 2),)),))
    worker, sender, clock = paced_worker(db, pace)
    cards = cards_sent(db, worker, 5)
    sender.sent.clear()
    for n, card in enumerate(cards):
        owe(db, f"staff:{n}", f"update{n}", updates_id=card)
    assert worker.run_once() == 5  # within PACED_WAIT: the pass sleeps for the tier
    assert clock.slept == [4.0, 4.0]
    assert [t for t, _, _ in sender.sent] == [0.0, 0.0, 4.0, 4.0, 8.0]


def test_a_429_on_updates_pauses_updates_alone(db: Database) -> None:
    worker, sender, clock = paced_worker(db, SLACK_PACE)
    first, second = cards_sent(db, worker, 2)
    sender.sent.clear()
    sender.failures["update0"] = [SendFailed("429", retry_after=30, pause="method")]
    owe(db, "staff:0", "update0", updates_id=first)
    assert worker.run_once() == 1 and sender.sent == []
    owe(db, "staff:1", "update1", updates_id=second)
    owe(db, "staff:2", "a new message")
    assert worker.run_once() == 1
    assert [s for _, _, s in sender.sent] == ["a new message"]
    clock.t = 30.0
    assert worker.run_once() == 2
    assert sorted(s for _, _, s in sender.sent[1:]) == ["update0", "update1"]


def test_a_method_429_without_a_tier_pauses_every_conversation(db: Database) -> None:
    worker, sender, clock = paced_worker(db, Pace(), senders=1)
    sender.failures["a1"] = [SendFailed("429", retry_after=3, pause="method")]
    owe(db, "staff:1", "a1")
    owe(db, "staff:2", "b1")
    assert worker.run_once() == 2 and sender.sent == []
    clock.t = 3.0
    assert worker.run_once() == 2


def test_a_pacer_counts_a_tier_by_its_windows() -> None:
    t = [0.0]
    pacer = Pacer(Pace(tiers=((UPDATE, ((10.0, 3), (60.0, 5))),)), clock=lambda: t[0])
    for step in (0.0, 1.0, 2.0):
        t[0] = step
        pacer.tier_sent(UPDATE)
    assert pacer.tier_room(UPDATE) == 0 and pacer.tier_ready_in(UPDATE) == 8.0
    assert pacer.held_tiers() == {UPDATE}
    t[0] = 10.0
    assert pacer.tier_room(UPDATE) == 1 and pacer.held_tiers() == set()
    pacer.tier_sent(UPDATE)
    pacer.tier_sent(UPDATE)  # five in the minute
    t[0] = 30.0
    assert pacer.tier_room(UPDATE) == 0 and pacer.tier_ready_in(UPDATE) == 30.0
    pacer.pause_tier(UPDATE, 45.0)
    t[0] = 60.0
    assert pacer.tier_ready_in(UPDATE) == 15.0 and pacer.ready_in("staff:1") == 0


# -- Slack's refusal, through the real sender ------------------------------------------------


@pytest.fixture
def tiered(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A card that draws a one-line message, or its update."""

    def draw(_session: object, message: Queued) -> Drawn:
        said = Message(text=message.subject)
        update = Posted(*message.updates) if message.updates else None
        return Drawn(message=said, update=update, to=message.recipient)

    monkeypatch.setitem(outgoing.CARDS, "tiered", Card(draw))
    yield


@contextmanager
def slack_worker(db: Database, time: Time) -> Iterator[tuple[FakeSlack, Worker]]:
    """A worker sending through the real SlackSender to the fake Slack, on `time`."""
    with FakeSlack() as fake:
        client = WebClient(token="xoxb-t", base_url=fake.api_url)
        sender = SlackSender(db, Notifier(client), now=time.now)
        worker = Worker(db, sender, now=time.now, clock=time.clock, sleep=time.sleep)
        try:
            yield fake, worker
        finally:
            worker.stop()


def test_slacks_429_on_chat_update_pauses_the_update_tier_alone(db: Database, tiered: None) -> None:
    time = Time()
    with slack_worker(db, time) as (fake, worker):
        with db.session() as session:
            card = queue(session, "tiered", subject="card", recipient="UANN")
            session.commit()
        assert worker.run_once() == 1
        fake.fail_next("chat.update", status=429, retry_after=30)
        with db.session() as session:
            queue(session, "tiered", subject="update", recipient="UANN", updates_id=card)
            session.commit()
        assert worker.run_once() == 1 and [r.status for r in fake.rejected] == [429]
        assert worker.pacer.held_tiers() == {UPDATE}
        with db.session() as session:
            queue(session, "tiered", subject="a new message", recipient="UBOB")
            session.commit()
        assert worker.run_once() == 1  # posting is not paused
        assert [c.args["text"] for c in fake.calls("chat.postMessage")] == ["card", "a new message"]
        time.t = 30.0
        assert worker.run_once() == 1
        assert [c.args["text"] for c in fake.calls("chat.update")] == ["update"]
    with db.session() as session:
        statuses = {r.subject: r.status for r in session.exec(select(OutboxMessage)).all()}
    assert statuses == dict.fromkeys(("card", "update", "a new message"), OutboxStatus.SENT)


def test_a_receipt_throttled_on_its_chat_update_pauses_the_update_tier_alone(
    db: Database, tiered: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A receipt is queued as a new message (its press's response_url is not counted in a
    tier), but sent by chat.update when Slack refuses the response_url: a 429 there holds
    the updates' tier, as any update's would, not every conversation."""

    def receipt(_session: object, message: Queued) -> Drawn:
        said, via = Message(text=message.subject), message.payload["reply_url"]
        return Drawn(message=said, update=Posted("D0ANN", "1.0"), via=via)

    monkeypatch.setitem(outgoing.CARDS, "a receipt", Card(receipt))
    time = Time()
    with slack_worker(db, time) as (fake, worker):
        fake.fail_next("response_url", status=404)
        fake.fail_next("chat.update", status=429, retry_after=30)
        with db.session() as session:
            url = fake.response_url("expired")
            queue(session, "a receipt", subject="receipt", recipient="UANN", reply_url=url)
            queue(session, "tiered", subject="a new message", recipient="UBOB")
            session.commit()
        assert worker.run_once() == 2
        assert [r.status for r in fake.rejected] == [404, 429]
        assert worker.pacer.held_tiers() == {UPDATE}
        assert [c.args["text"] for c in fake.calls("chat.postMessage")] == ["a new message"]
        time.t = 30.0
        assert worker.run_once() == 1  # the response_url first again: taken this time
        assert [c.args.get("text") for c in fake.calls("response_url")][-1] == "receipt"
