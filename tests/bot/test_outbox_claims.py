"""Two delivery workers on one database and one clock (bot.outbox): a message claimed by one
is taken over by the other only once the claim is stale, and a claim that waited its turn
behind a slow send is renewed as its own send starts, or given up if the other worker has
taken it meanwhile: no message goes twice, and none is lost."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlmodel import Session, select

from bot.outbox import Posted, Queued, Worker
from bot.pacing import Pace
from storage.db import Database
from storage.models import OutboxMessage
from storage.reminders import STALE_CLAIM
from tests.bot.test_outbox_pacing import Time, owe

WAIT = 10.0  # seconds: how long the test waits for a worker's thread before it fails


@dataclass
class Slow:
    """A Sender whose first send of a subject can be held in flight until an event is set;
    `sent` lists the subjects the platform received, each time."""

    holds: dict[str, threading.Event] = field(default_factory=dict)
    started: dict[str, threading.Event] = field(default_factory=dict)
    tried: set[str] = field(default_factory=set)
    sent: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, message: Queued) -> Posted:
        with self.lock:
            first = message.subject not in self.tried
            self.tried.add(message.subject)
            started = self.started.setdefault(message.subject, threading.Event())
        started.set()
        hold = self.holds.get(message.subject)
        if first and hold is not None:
            assert hold.wait(WAIT), f"{message.subject} held past {WAIT} s"
        with self.lock:
            self.sent.append(message.subject)
        return Posted(f"D-{message.recipient}", f"{message.id}.0001")

    def record(self, session: Session, message: Queued, sent: Posted | None) -> None:
        pass

    def has_started(self, subject: str) -> bool:
        with self.lock:
            started = self.started.setdefault(subject, threading.Event())
        return started.wait(WAIT)


def worker(db: Database, sender: Slow, time: Time) -> Worker:
    """A worker on the shared clock, one message at a time (so later claims wait their turn)."""
    return Worker(
        db, sender, now=time.now, clock=time.clock, sleep=time.sleep, senders=1,
        stale_after=STALE_CLAIM,
    )


def statuses(db: Database) -> dict[str, str]:
    with db.session() as session:
        return {r.subject: r.status for r in session.exec(select(OutboxMessage)).all()}


def test_a_claim_waiting_behind_a_slow_send_is_neither_sent_twice_nor_lost(db: Database) -> None:
    time, sender = Time(), Slow()
    first, second = worker(db, sender, time), worker(db, sender, time)
    assert first.pace == Pace()  # nothing paced: one pass claims all three
    for n in (1, 2, 3):
        owe(db, f"U{n}", f"m{n}")
    sender.holds = {"m1": threading.Event(), "m2": threading.Event()}
    running = threading.Thread(target=first.run_once)
    running.start()
    try:
        # m1's send takes six minutes; m2's starts then, m3 still waiting its turn.
        assert sender.has_started("m1")
        time.t += 6 * 60
        sender.holds["m1"].set()
        assert sender.has_started("m2")
        # Eleven minutes after the claim, m2 still in flight: the second worker finds the
        # claims that look stale to it, and sends what it takes.
        time.t += 5 * 60
        second.run_once()
    finally:
        sender.holds["m2"].set()
        running.join(WAIT)
    assert not running.is_alive()
    assert sorted(sender.sent) == ["m1", "m2", "m3"]
    assert statuses(db) == {"m1": "sent", "m2": "sent", "m3": "sent"}


def test_a_dead_workers_claim_is_still_taken_over_once_stale(db: Database) -> None:
    time, sender = Time(), Slow()
    owe(db, "U1", "m1")
    sender.holds = {"m1": threading.Event()}
    dying = threading.Thread(target=worker(db, sender, time).run_once, daemon=True)
    dying.start()
    assert sender.has_started("m1")  # claimed and in flight: then the worker "dies"
    other = worker(db, sender, time)
    assert other.run_once() == 0  # not before the claim is stale
    time.t += STALE_CLAIM.total_seconds() + 1
    assert other.run_once() == 1
    assert sender.sent == ["m1"] and statuses(db) == {"m1": "sent"}
    sender.holds["m1"].set()  # let the thread end (its late record changes nothing)
    dying.join(WAIT)
