"""The outbox's worker sending to several conversations at once (bot.pacing.Lanes): sends to
different people overlap, one person's messages go one after another in their order, an update
still only after its card, the paces still kept, and a 429 for the whole app stops what has not
yet started. On the fake clock of test_outbox_pacing: the pace's time moves only between passes.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlmodel import Session

from bot.outbox import Posted, Queued, SendFailed, Worker
from bot.pacing import Lanes, Pace
from bot.teams.sender import TEAMS_PACE
from handlers.outgoing import SLACK_PACE
from storage.db import Database
from tests.bot.test_outbox_pacing import Paced, Time, owe, paced_worker
from tests.faketeams import TEAMS_PER_CONVERSATION, TEAMS_PER_TENANT

WAIT = 10.0  # seconds: how long a send waits for another one before the test fails


@dataclass
class InFlight(Paced):
    """A Paced sender that notes which messages are being sent at the same time, and can hold
    a message (by subject) until an event is set."""

    holds: dict[str, threading.Event] = field(default_factory=dict)
    started: dict[str, threading.Event] = field(default_factory=dict)
    finished: dict[str, threading.Event] = field(default_factory=dict)
    flying: dict[str, int] = field(default_factory=dict)  # recipient -> sends under way
    overlaps: list[str] = field(default_factory=list)  # recipients sent two at once
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, message: Queued) -> Posted:
        to = message.recipient
        with self.lock:
            self.flying[to] = self.flying.get(to, 0) + 1
            if self.flying[to] > 1:
                self.overlaps.append(to)
        self.event(self.started, message.subject).set()
        try:
            hold = self.holds.get(message.subject)
            if hold is not None:
                assert hold.wait(WAIT), f"{message.subject} held past {WAIT} s"
            with self.lock:
                sent = super().send(message)
            self.event(self.finished, message.subject).set()
            return sent
        finally:
            with self.lock:
                self.flying[to] -= 1

    def record(self, session: Session, message: Queued, sent: Posted | None) -> None:
        pass

    def event(self, events: dict[str, threading.Event], subject: str) -> threading.Event:
        with self.lock:
            return events.setdefault(subject, threading.Event())


def worker_of(db: Database, pace: Pace, senders: int = 8) -> tuple[Worker, InFlight, Time]:
    worker, sender, clock = paced_worker(db, pace, senders, InFlight)
    assert isinstance(sender, InFlight)
    return worker, sender, clock


def test_sends_to_different_people_are_under_way_at_once(db: Database) -> None:
    worker, sender, _ = worker_of(db, SLACK_PACE)
    # Alice's message is held until Bob's has started: one at a time, it never would.
    sender.holds["to alice"] = sender.event(sender.started, "to bob")
    owe(db, "staff:1", "to alice")
    owe(db, "staff:2", "to bob")
    assert worker.run_once() == 2
    assert sorted(s for _, _, s in sender.sent) == ["to alice", "to bob"]


def test_one_persons_messages_go_one_after_another_in_their_order(db: Database) -> None:
    worker, sender, _ = worker_of(db, SLACK_PACE)
    # Slack's updates are not paced: a pass takes all of Alice's updates in one lane. The
    # first is held until Bob's, queued after them, has gone: were the others on threads of
    # their own, they would have started (and overtaken it) by then.
    cards = [owe(db, "staff:1", f"card {n}") for n in range(3)]
    assert worker.run_once() == 3
    for n, card in enumerate(cards):
        owe(db, "staff:1", f"update {n}", updates_id=card)
    owe(db, "staff:2", "to bob")
    sender.holds["update 0"] = sender.event(sender.finished, "to bob")
    assert worker.run_once() == 4
    assert [s for _, _, s in sender.sent][3] == "to bob"
    alices = [s for _, to, s in sender.sent if to == "staff:1"]
    assert alices == ["card 0", "card 1", "card 2", "update 0", "update 1", "update 2"]
    assert sender.overlaps == []


def test_an_update_goes_only_after_its_card_for_every_person_at_once(db: Database) -> None:
    worker, sender, _ = worker_of(db, TEAMS_PACE)
    for person in range(1, 6):
        card = owe(db, f"staff:{person}", "card")
        owe(db, f"staff:{person}", "update", updates_id=card)
        owe(db, f"staff:{person}", "note")
    assert worker.run_once() == 15
    for person in range(1, 6):
        assert [s for _, to, s in sender.sent if to == f"staff:{person}"] == [
            "card", "update", "note"
        ]
    assert sender.overlaps == []


def test_teams_paces_are_kept_with_many_people_at_once(db: Database) -> None:
    worker, sender, _ = worker_of(db, TEAMS_PACE)
    for n in range(3 * 70):
        owe(db, f"staff:{n % 70}", f"m{n}")
    assert worker.run_once() == 210
    everyone = [t for t, _, _ in sender.sent]
    for span, limit in TEAMS_PER_TENANT:
        assert all(len([u for u in everyone if t - span < u <= t]) <= limit for t in everyone)
    for person in range(70):
        times = sender.times(f"staff:{person}")
        assert len(times) == 3
        for span, limit in TEAMS_PER_CONVERSATION:
            assert all(len([u for u in times if t - span < u <= t]) <= limit for t in times)
    # 210 at 50 a second: the fifth second's batch is the last (the ideal, sends taking no time).
    assert max(everyone) == TEAMS_PACE.ideal([3] * 70) == 4.0
    assert sender.overlaps == []


def test_a_429_for_the_whole_app_stops_what_has_not_started(db: Database) -> None:
    worker, sender, clock = worker_of(db, Pace(), senders=2)
    sender.failures["a1"] = [SendFailed("429", retry_after=3, pause="sender")]
    paused = threading.Event()
    pause = worker.pacer.pause

    def pause_and_tell(conversation: str | None, seconds: float) -> None:
        pause(conversation, seconds)
        paused.set()

    worker.pacer.pause = pause_and_tell  # type: ignore[method-assign]
    sender.holds["a1"] = sender.event(sender.started, "b1")  # the 429 comes with b1 under way
    sender.holds["b1"] = paused  # ...which goes (it had started)
    owe(db, "staff:1", "a1")
    owe(db, "staff:2", "b1")
    owe(db, "staff:3", "c1")  # waits for a thread, which is free only after the 429
    assert worker.run_once() == 3
    assert [s for _, _, s in sender.sent] == ["b1"]
    clock.t = 3.0
    assert worker.run_once() == 2
    assert sorted((t, s) for t, _, s in sender.sent) == [(0.0, "b1"), (3.0, "a1"), (3.0, "c1")]


def test_lanes_run_each_lane_in_order_and_raise_the_first_failure() -> None:
    lanes = Lanes(3)
    done: list[str] = []
    lock = threading.Lock()

    def send(item: str) -> None:
        if item == "boom":
            raise ValueError(item)
        with lock:
            done.append(item)

    try:
        lanes.run([["a1", "a2", "a3"], ["b1"], [], ["c1", "c2"]], send)
        assert [d for d in done if d[0] == "a"] == ["a1", "a2", "a3"]
        assert sorted(done) == ["a1", "a2", "a3", "b1", "c1", "c2"]
        done.clear()
        try:
            lanes.run([["x1", "boom", "x2"], ["y1"]], send)
        except ValueError as failed:
            assert str(failed) == "boom"
        else:
            raise AssertionError("the lane's failure was swallowed")
        assert sorted(done) == ["x1", "y1"]  # the other lane finished; its own lane stopped
    finally:
        lanes.close()
