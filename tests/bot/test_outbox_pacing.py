"""The outbox's worker at the platform's pace (bot.pacing), on an injected clock: messages to
one person spaced as the pace says, different people in parallel up to the overall cap, a
429's Retry-After pausing only what it should, and no claim held while waiting."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select

from bot.outbox import SENDERS, Posted, Queued, SendFailed, Worker, queue
from bot.pacing import Pace, Pacer
from bot.rules.status import OutboxStatus
from bot.teams.sender import TEAMS_PACE, TeamsSender
from bot.usecases.homes import HOME
from handlers.outgoing import SLACK_PACE, SlackSender
from storage.db import Database
from storage.models import OutboxMessage
from tests.faketeams import TEAMS_PER_CONVERSATION, TEAMS_PER_TENANT

T0 = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@dataclass
class Time:
    """The worker's clocks and its sleep, in step: seconds since T0."""

    t: float = 0.0
    slept: list[float] = field(default_factory=list)

    def now(self) -> datetime:
        return T0 + timedelta(seconds=self.t)

    def clock(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += seconds


@dataclass
class Paced:
    """A Sender at `pace` that records when it sent what, and fails as told."""

    pace: Pace
    time: Time
    sent: list[tuple[float, str, str]] = field(default_factory=list)  # (t, recipient, subject)
    failures: dict[str, list[SendFailed]] = field(default_factory=dict)

    def send(self, message: Queued) -> Posted:
        waiting = self.failures.get(message.subject)
        if waiting:
            raise waiting.pop(0)
        self.sent.append((self.time.t, message.recipient, message.subject))
        return Posted(f"D-{message.recipient}", f"{message.id}.0001")

    def record(self, session: Session, message: Queued, sent: Posted | None) -> None:
        pass

    def times(self, recipient: str) -> list[float]:
        return [t for t, to, _ in self.sent if to == recipient]


def owe(db: Database, recipient: str, subject: str, updates_id: int | None = None) -> int:
    with db.session() as session:
        message_id = queue(
            session, "note", subject=subject, recipient=recipient, updates_id=updates_id
        )
        session.commit()
    return message_id


def paced_worker(
    db: Database, pace: Pace, senders: int = 8, kind: type[Paced] = Paced
) -> tuple[Worker, Paced, Time]:
    """A worker on the fake clock, sending with a `kind` of Paced sender."""
    clock = Time()
    sender = kind(pace, clock)
    worker = Worker(
        db, sender, now=clock.now, clock=clock.clock, sleep=clock.sleep, senders=senders
    )
    return worker, sender, clock


def test_the_platforms_declare_their_documented_pace() -> None:
    assert SLACK_PACE.per_conversation == ((1.0, 1),) and not SLACK_PACE.updates
    # The fake connector throttles by the same figures (Microsoft's "Rate limiting for bots").
    assert TEAMS_PACE.per_conversation == TEAMS_PER_CONVERSATION
    assert TEAMS_PACE.overall == TEAMS_PER_TENANT and TEAMS_PACE.updates
    # Both send to several conversations at once: a send mostly waits for the platform's
    # answer (Slack's takes tens to hundreds of milliseconds; bench_pacing --latency).
    assert SlackSender.senders == TeamsSender.senders == SENDERS > 1


def test_messages_to_one_person_are_spaced_a_second_apart_on_slack(db: Database) -> None:
    worker, sender, clock = paced_worker(db, SLACK_PACE)
    for n in range(4):
        owe(db, "staff:1", f"m{n}")
    assert worker.run_once() == 4
    assert sender.times("staff:1") == [0.0, 1.0, 2.0, 3.0]
    assert [s for _, _, s in sender.sent] == ["m0", "m1", "m2", "m3"]  # in the order owed
    assert clock.slept == [1.0, 1.0, 1.0]


def test_messages_to_one_person_keep_every_teams_window(db: Database) -> None:
    worker, sender, _ = paced_worker(db, TEAMS_PACE)
    for n in range(20):
        owe(db, "staff:1", f"m{n}")
    assert worker.run_once() == 20
    times = sender.times("staff:1")
    assert times[:7] == [0.0] * 7  # 7 in a second
    assert times[7:9] == [1.0, 2.0]  # then no more than 8 in any 2 seconds
    for span, limit in TEAMS_PER_CONVERSATION:
        assert all(
            len([u for u in times if t - span < u <= t]) <= limit for t in times
        ), (span, limit)


def test_different_people_go_in_parallel_up_to_the_overall_cap(db: Database) -> None:
    worker, sender, _ = paced_worker(db, Pace(((1.0, 1),), overall=((1.0, 3),)))
    for n in range(7):
        owe(db, f"staff:{n}", "hello")
    assert worker.run_once() == 7
    assert [t for t, _, _ in sender.sent] == [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0]
    assert len({to for _, to, _ in sender.sent}) == 7


def test_one_person_at_their_pace_does_not_hold_up_the_others(db: Database) -> None:
    worker, sender, _ = paced_worker(db, SLACK_PACE)
    worker.batch = 3  # the busy person's messages fill a batch: the others are still found
    for n in range(5):
        owe(db, "staff:1", f"a{n}")
    owe(db, "staff:2", "b")
    owe(db, "staff:3", "c")
    assert worker.run_once() == 7
    assert sender.times("staff:2") == sender.times("staff:3") == [0.0]
    assert sender.times("staff:1") == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_nothing_is_claimed_while_the_worker_waits_for_the_pace(db: Database) -> None:
    worker, _, clock = paced_worker(db, SLACK_PACE)
    for n in range(3):
        owe(db, "staff:1", f"m{n}")
    claimed_while_waiting: list[int] = []

    def sleep(seconds: float) -> None:
        with db.session() as session:
            rows = session.exec(select(OutboxMessage)).all()
            claimed_while_waiting.extend(r.id or 0 for r in rows if r.status == "claimed")
        clock.sleep(seconds)

    worker._sleep = sleep
    assert worker.run_once() == 3
    assert claimed_while_waiting == [] and clock.slept == [1.0, 1.0]


def test_a_conversations_429_pauses_only_that_conversation(db: Database) -> None:
    worker, sender, _ = paced_worker(db, Pace())
    sender.failures["a1"] = [SendFailed("429", retry_after=4, pause="conversation")]
    owe(db, "staff:1", "a1")
    owe(db, "staff:1", "a2")
    owe(db, "staff:2", "b1")
    owe(db, "staff:2", "b2")
    assert worker.run_once() == 5  # a1 refused, then sent again: five sends in all
    assert sender.times("staff:2") == [0.0, 0.0]  # the other person is not held up
    assert [(t, s) for t, to, s in sender.sent if to == "staff:1"] == [(4.0, "a1"), (4.0, "a2")]


def test_a_429_for_the_whole_app_pauses_every_conversation(db: Database) -> None:
    # One conversation at a time, so b1 comes after a1 (test_outbox_lanes: several at once).
    worker, sender, clock = paced_worker(db, Pace(), senders=1)
    sender.failures["a1"] = [SendFailed("429", retry_after=3, pause="sender")]
    owe(db, "staff:1", "a1")
    owe(db, "staff:2", "b1")  # claimed with a1, and put back when a1 met the 429
    assert worker.run_once() == 2 and sender.sent == []
    clock.t = 2.9
    assert worker.run_once() == 0 and sender.sent == []
    clock.t = 3.0
    assert worker.run_once() == 2
    assert sender.times("staff:2") == [3.0] and sender.times("staff:1") == [3.0]


def test_a_long_pause_ends_the_pass_and_leaves_the_rest_queued(db: Database) -> None:
    worker, sender, clock = paced_worker(db, Pace())
    sender.failures["a1"] = [SendFailed("429", retry_after=60, pause="conversation")]
    owe(db, "staff:1", "a1")
    second = owe(db, "staff:1", "a2")
    assert worker.run_once() == 1 and sender.sent == [] and clock.slept == []
    with db.session() as session:
        assert session.get(OutboxMessage, second).status == OutboxStatus.QUEUED  # not claimed
    clock.t = 60.0
    assert worker.run_once() == 2 and [s for _, _, s in sender.sent] == ["a1", "a2"]


def test_slack_updates_are_not_paced_per_conversation(db: Database) -> None:
    worker, sender, _ = paced_worker(db, SLACK_PACE)
    card = owe(db, "staff:1", "card")
    owe(db, "staff:1", "card", updates_id=card)
    assert worker.run_once() == 2
    assert sender.times("staff:1") == [0.0, 0.0]


def test_slack_home_refreshes_are_not_held_up_by_a_message_just_sent(db: Database) -> None:
    """views.publish has its tier and no limit per conversation: a person's Home goes at once
    after their receipt, in the same pass or the next."""
    worker, sender, clock = paced_worker(db, SLACK_PACE)
    owe(db, "staff:1", "receipt")
    assert worker.run_once() == 1
    with db.session() as session:
        queue(session, HOME, subject="home:1", recipient="staff:1")
        session.commit()
    owe(db, "staff:1", "second")
    assert worker.run_once() == 2
    assert sender.sent == [(0.0, "staff:1", "receipt"), (0.0, "staff:1", "home:1"),
                           (1.0, "staff:1", "second")]
    assert clock.slept == [1.0]  # for the second message alone


def test_stop_is_not_held_up_by_the_pace(db: Database) -> None:
    sender = Paced(Pace(((3600.0, 1),)), Time())
    worker = Worker(db, sender)
    owe(db, "staff:1", "first")
    owe(db, "staff:1", "an hour later")
    worker.start()
    try:
        assert worker.wait_idle(timeout=0.5) is False  # the second waits for its hour
    finally:
        started = time.monotonic()
        worker.stop(timeout=5)
    assert time.monotonic() - started < 2 and [s for _, _, s in sender.sent] == ["first"]


@pytest.mark.parametrize(
    ("pace", "counts", "ideal"),
    [
        (SLACK_PACE, [5, 5, 3], 4.0),
        (SLACK_PACE, [1] * 100, 0.0),
        (TEAMS_PACE, [1] * 150, 2.0),  # 50 a second across the tenant
        (TEAMS_PACE, [9], 2.0),  # 7 at once, the 8th a second later, the 9th at 2 s
    ],
)
def test_the_ideal_time_at_a_pace(pace: Pace, counts: list[int], ideal: float) -> None:
    assert pace.ideal(counts) == pytest.approx(ideal)


def test_a_pacer_forgets_sends_whose_windows_have_passed() -> None:
    t = [0.0]
    pacer = Pacer(Pace(((1.0, 1),)), clock=lambda: t[0])
    pacer.sent("a")
    assert pacer.ready_in("a") == 1.0 and pacer.busy() == {"a"} and pacer.ready_in("b") == 0
    t[0] = 1.0
    assert pacer.ready_in("a") == 0 and pacer.busy() == set()


def test_an_update_waiting_for_its_card_holds_up_nothing_behind_it(db: Database) -> None:
    worker, sender, clock = paced_worker(db, TEAMS_PACE)
    sender.failures["card"] = [SendFailed("502", retry_after=60)]
    card = owe(db, "staff:1", "card")
    assert worker.run_once() == 1 and sender.sent == []  # the card is in back-off for a minute
    owe(db, "staff:1", "card", updates_id=card)
    owe(db, "staff:1", "note")
    assert worker.run_once() == 1
    assert [s for _, _, s in sender.sent] == ["note"]
    clock.t = 60.0
    assert worker.run_once() == 2
    assert [s for _, _, s in sender.sent] == ["note", "card", "card"]


def test_the_conversations_at_their_pace_are_those_the_pace_holds_back() -> None:
    # What `busy` keeps from each send must agree with `ready_in`, window by window.
    t = [0.0]
    pacer = Pacer(Pace(((1.0, 2), (10.0, 3))), clock=lambda: t[0])
    sends = {0.0: "ab", 0.5: "a", 1.2: "b", 2.0: "c", 3.0: "b", 11.0: "a"}
    for step in range(0, 130):
        t[0] = step / 10
        for key in sends.get(t[0], ""):
            pacer.sent(key)
        held = {key for key in "abc" if pacer.ready_in(key) > 0}
        assert pacer.busy() == held, t[0]
    pacer.pause("c", 5.0)
    assert pacer.busy() == {"c"}


def test_a_pass_that_sends_does_not_ask_which_waiting_conversations_have_mail(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage import outbox_pace

    asked: list[set[str]] = []
    due_among = outbox_pace.due_among

    def counted(session: Session, **where: object) -> set[str]:
        asked.append(set(where["recipients"]))  # type: ignore[call-overload]
        return due_among(session, **where)  # type: ignore[arg-type]

    monkeypatch.setattr(outbox_pace, "due_among", counted)
    worker, sender, clock = paced_worker(db, SLACK_PACE)
    for n in range(3):
        owe(db, f"staff:{n}", "hello")
    owe(db, "staff:0", "again")
    assert worker.run_once() == 4
    assert sender.times("staff:0") == [0.0, 1.0] and clock.slept == [1.0]
    # Only the passes that sent nothing: before the wait, and the last.
    assert asked == [{"staff:0", "staff:1", "staff:2"}, {"staff:0"}]


def test_the_workers_own_commits_are_not_flushed_one_by_one(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker, sender, _ = paced_worker(db, SLACK_PACE)
    opened: list[bool] = []
    session = db.session

    def noted(*, durable: bool = True, **more: bool) -> object:
        opened.append(durable)
        return session(durable=durable, **more)

    monkeypatch.setattr(db, "session", noted)  # put back for the tests after, on the same db
    owe(db, "staff:1", "hello")
    owe(db, "staff:2", "hello")
    assert worker.run_once() == 2 and len(sender.sent) == 2
    queued, worked = opened[:2], opened[2:]
    assert queued == [True, True]  # what is owed is committed to disk before it is owed
    assert worked and not any(worked)  # claims and records: storage.db's durable=False


def test_the_wait_looks_at_one_send_a_window_and_agrees_with_counting_every_send() -> None:
    """ready_in, after each of a few thousand sends to one conversation at random moments
    (bursts and lulls, past Teams' hour), is what counting every recent send in every window
    gives: the earliest moment at which each window holds fewer than its limit."""
    rng = random.Random(3)
    now = 0.0
    pacer = Pacer(TEAMS_PACE, clock=lambda: now)
    sent: list[float] = []

    def counted() -> float:
        wait = 0.0
        for span, limit in TEAMS_PACE.per_conversation:
            inside = [t for t in sent if t > now - span]
            if len(inside) >= limit:
                wait = max(wait, inside[-limit] + span - now)
        return wait

    for _ in range(3_000):
        now += rng.choice([0.01, 0.05, 0.2, 1.0, 5.0]) * rng.random()
        assert pacer.ready_in("19:a@thread.v2") == pytest.approx(counted()), now
        pacer.sent("19:a@thread.v2")
        sent.append(now)
    assert pacer.ready_in("19:a@thread.v2") > 0  # the windows did fill
