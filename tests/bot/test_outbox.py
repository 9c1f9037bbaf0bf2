"""The outbox and its delivery worker (bot.outbox), with a sender that records what it is
asked to send: once only across workers, retries honouring Retry-After, an update after its
card, pick-up on start, and nothing sent for a change rolled back."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient
from sqlmodel import Session, select

from bot.outbox import MOOT, REDRAWN, Moot, Posted, Queued, SendFailed, Worker, backoff, queue
from bot.runtime import Runtime
from bot.settings import Settings
from handlers.notifier import Message, Notifier
from handlers.outgoing import CARDS, Card, Drawn, SlackSender
from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage
from storage.reminders import STALE_CLAIM
from tests.fakeslack import FakeSlack

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Recorder:
    """A Sender: fails as told (a queue of SendFailed per message subject), else 'posts'."""

    sent: list[Queued] = field(default_factory=list)
    failures: dict[str, list[SendFailed]] = field(default_factory=dict)
    moot: set[str] = field(default_factory=set)
    recorded: list[int] = field(default_factory=list)
    arrived: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, message: Queued) -> Posted | Moot | None:
        with self.lock:
            waiting = self.failures.get(message.subject)
            if waiting:
                raise waiting.pop(0)
            if message.subject in self.moot:
                return MOOT
            self.sent.append(message)
        self.arrived.set()
        return Posted(f"D-{message.recipient}", f"{message.id}.0001")

    def record(self, session: Session, message: Queued, sent: Posted | None) -> None:
        self.recorded.append(message.id)


def owe(db: Database, subject: str, *, updates_id: int | None = None) -> int:
    with db.session() as session:
        message_id = queue(
            session, "note", subject=subject, recipient="UALICE", updates_id=updates_id, n=1
        )
        session.commit()
    return message_id


def rows(db: Database) -> dict[int, OutboxMessage]:
    with db.session() as session:
        return {r.id or 0: r for r in session.exec(select(OutboxMessage)).all()}


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sender() -> Recorder:
    return Recorder()


@pytest.fixture
def worker(db: Database, sender: Recorder, clock: Clock) -> Iterator[Worker]:
    yield Worker(db, sender, now=clock)


def test_a_queued_message_is_sent_once_and_its_reference_kept(
    db: Database, worker: Worker, sender: Recorder
) -> None:
    message_id = owe(db, "a")
    assert worker.run_once() == 1
    assert worker.run_once() == 0
    assert [m.id for m in sender.sent] == [message_id] and sender.recorded == [message_id]
    assert sender.sent[0].payload == {"card": "note", "n": 1}
    row = rows(db)[message_id]
    assert (row.status, row.channel, row.ts, row.attempts) == (
        "sent",
        "D-UALICE",
        f"{message_id}.0001",
        1,
    )


def test_two_workers_racing_send_each_message_once(db: Database, sender: Recorder) -> None:
    ids = [owe(db, f"m{i}") for i in range(40)]
    workers = [Worker(db, sender, batch=7) for _ in range(2)]
    threads = [threading.Thread(target=w.run_once) for w in workers for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(m.id for m in sender.sent) == ids
    assert {r.status for r in rows(db).values()} == {"sent"}


def test_retry_after_is_honoured_then_the_message_goes(
    db: Database, worker: Worker, sender: Recorder, clock: Clock
) -> None:
    message_id = owe(db, "a")
    sender.failures["a"] = [SendFailed("Slack answered ratelimited", retry_after=7)]
    worker.run_once()
    row = rows(db)[message_id]
    assert row.status == "failed" and row.not_before == T0 + timedelta(seconds=7)
    assert "ratelimited" in (row.last_error or "")
    clock.now = T0 + timedelta(seconds=6)
    assert worker.run_once() == 0 and sender.sent == []
    clock.now = T0 + timedelta(seconds=7)
    assert worker.run_once() == 1
    row = rows(db)[message_id]
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)


def test_back_off_doubles_without_retry_after_and_has_a_ceiling() -> None:
    assert [backoff(n, None) for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert backoff(30, None) == 300 and backoff(1, 7200) == 300 and backoff(5, 3) == 3


def test_a_permanent_failure_ends_the_message_and_its_updates(
    db: Database, worker: Worker, sender: Recorder
) -> None:
    card = owe(db, "card")
    update = owe(db, "update", updates_id=card)
    sender.failures["card"] = [SendFailed("Slack answered user_not_found", permanent=True)]
    worker.run_once()
    statuses = {i: r.status for i, r in rows(db).items()}
    assert statuses == {card: "dead", update: "skipped"} and sender.sent == []
    assert worker.wait_idle(timeout=1)


def test_an_update_waits_for_its_card_and_is_sent_where_the_card_went(
    db: Database, worker: Worker, sender: Recorder, clock: Clock
) -> None:
    card = owe(db, "card")
    first = owe(db, "update", updates_id=card)
    second = owe(db, "update", updates_id=card)
    sender.failures["card"] = [SendFailed("Slack answered fatal_error")]
    worker.run_once()
    assert sender.sent == []  # the card failed: its updates did not overtake it
    assert {r.status for i, r in rows(db).items() if i != card} == {"queued"}
    clock.now += timedelta(seconds=1)
    worker.run_once()
    assert [m.id for m in sender.sent] == [card, first, second]
    assert sender.sent[1].updates == ("D-UALICE", f"{card}.0001") == sender.sent[2].updates


def test_an_update_the_answer_to_a_press_made_is_recorded_there_not_sent(
    db: Database, worker: Worker, sender: Recorder
) -> None:
    """Teams' invoke response replaced the pressed card (REDRAWN names its place): its update
    is recorded as sent there, with what the sender writes beside it (Teams: the other copies'
    updates), never sent. An update naming another place goes; so does a later one of the
    same card, to where the card is."""
    card = owe(db, "card")
    worker.run_once()
    place = ("D-UALICE", f"{card}.0001")

    def update(redrawn: str) -> int:
        with db.session() as session:
            message_id = queue(session, "note", subject="update", recipient="UALICE",
                               updates_id=card, **{REDRAWN: redrawn})
            session.commit()
        return message_id

    made, elsewhere = update(place[1]), update("another.0001")
    assert worker.run_once() == 2
    assert [m.id for m in sender.sent] == [card, elsewhere] and made in sender.recorded
    row = rows(db)[made]
    assert (row.status, row.channel, row.ts, row.attempts) == ("sent", *place, 1)
    later = owe(db, "update", updates_id=card)  # a withdrawal, a move: the card changes again
    assert worker.run_once() == 1
    assert sender.sent[-1].id == later and sender.sent[-1].updates == place


def test_a_message_with_nothing_left_to_say_is_skipped(
    db: Database, worker: Worker, sender: Recorder
) -> None:
    message_id = owe(db, "gone")
    sender.moot.add("gone")
    worker.run_once()
    assert rows(db)[message_id].status == "skipped" and sender.recorded == []


def test_what_an_earlier_process_left_is_picked_up_on_start(
    db: Database, sender: Recorder, clock: Clock
) -> None:
    queued = owe(db, "queued")
    failed = owe(db, "failed")
    dead_claim = owe(db, "claimed long ago")
    live_claim = owe(db, "claimed just now")
    with db.session() as session:
        claimed_at = T0 - STALE_CLAIM * 3
        assert outbox.take(session, message_id=failed, now=claimed_at, stale_after=STALE_CLAIM)
        outbox.mark_failed(
            session, reminder_id=failed, claimed_at=claimed_at, error="x", not_before=T0
        )
        for message_id, at in ((dead_claim, T0 - STALE_CLAIM * 2), (live_claim, T0)):
            assert outbox.take(session, message_id=message_id, now=at, stale_after=STALE_CLAIM)
        session.commit()
    worker = Worker(db, sender, now=clock).start()
    try:
        assert sender.arrived.wait(10)
        worker.run_once()
    finally:
        worker.stop()
    assert sorted(m.id for m in sender.sent) == [queued, failed, dead_claim]
    assert rows(db)[live_claim].status == "claimed"  # another worker holds it


def test_a_commit_wakes_the_running_worker(db: Database, sender: Recorder) -> None:
    worker = Worker(db, sender).start()
    try:
        worker.run_once()  # the start-up pass is over: only the commit can wake it now
        sender.arrived.clear()
        message_id = owe(db, "a")
        assert sender.arrived.wait(10)
    finally:
        worker.stop()
    assert [m.id for m in sender.sent] == [message_id]


def test_nothing_is_sent_for_a_change_rolled_back(
    db: Database, worker: Worker, sender: Recorder
) -> None:
    with db.session() as session:
        queue(session, "note", subject="a", recipient="UALICE")
        session.rollback()
    assert worker.run_once() == 0 and rows(db) == {}


def test_the_slack_sender_reads_retry_after_and_knows_what_cannot_be_mended(
    db: Database,
) -> None:
    with FakeSlack() as fake:
        notifier = Notifier(WebClient(token="xoxb-t", base_url=fake.api_url))
        sender = SlackSender(db, notifier)
        message = Queued(1, "inform", "s", "UALICE", {"card": "nothing such"})
        with pytest.raises(SendFailed) as unknown:
            sender.send(message)
        assert unknown.value.permanent
        CARDS["test_text"] = Card(lambda _session, _message: Drawn(Message("hi")))
        try:
            message = Queued(1, "test_text", "s", "UALICE", {"card": "test_text"})
            fake.fail_next("chat.postMessage", status=429, retry_after=7)
            with pytest.raises(SendFailed) as limited:
                sender.send(message)
            assert limited.value.retry_after == 7 and not limited.value.permanent
            fake.slack_error_next("chat.postMessage", "user_not_found")
            with pytest.raises(SendFailed) as gone:
                sender.send(message)
            assert gone.value.permanent
            posted = sender.send(message)
            assert isinstance(posted, Posted) and fake.calls("chat.postMessage")
        finally:
            del CARDS["test_text"]


def test_the_slack_sender_takes_slack_out_of_reach_as_worth_another_try(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slack not reached (the bot starting before its proxy, say): a failure to retry with
    back-off, not a permanent one, and no traceback in the log."""
    with FakeSlack() as fake:
        gone = fake.api_url  # nothing listens there once the fake has stopped
    notifier = Notifier(WebClient(token="xoxb-t", base_url=gone, timeout=2))
    monkeypatch.setitem(CARDS, "test_text", Card(lambda _session, _message: Drawn(Message("hi"))))
    message = Queued(1, "test_text", "s", "UALICE", {"card": "test_text"})
    with pytest.raises(SendFailed) as unreached:
        SlackSender(db, notifier).send(message)
    assert not unreached.value.permanent and "Slack not reached" in str(unreached.value)


def test_a_message_is_drawn_as_of_the_runtimes_clock_and_claimed_by_the_workers(
    db: Database, sender: Recorder, clock: Clock
) -> None:
    """A working day's morning on the runtime's clock (an injected one), evening on the
    worker's: drawn as of the morning (a reminder's working hours, "in 7 days"), claimed
    and stamped sent by the worker's own."""
    evening = T0 + timedelta(hours=10)
    worker = Worker(db, sender, now=lambda: evening, drawn_as_of=clock)
    message_id = owe(db, "a")
    assert worker.run_once() == 1
    assert [m.at for m in sender.sent] == [T0]
    assert rows(db)[message_id].sent_at == evening
    owe(db, "b")  # without a clock of its own, a worker draws as of its `now`
    assert Worker(db, sender, now=lambda: evening).run_once() == 1
    assert sender.sent[-1].at == evening


def test_the_runtimes_workers_draw_as_of_its_clock(db: Database) -> None:
    settings = Settings(slack_bot_token="xoxb-test", database_url=db.url)
    runtime = Runtime.build(settings, db=db, client=WebClient(token="xoxb-test"), clock=Clock())
    assert runtime.outbox.drawn_as_of is runtime.clock
