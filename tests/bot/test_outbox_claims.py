"""Two delivery workers on one database and one clock (bot.outbox): a message claimed by one
is taken over by the other only once the claim is stale, and a claim that waited its turn
behind a slow send is renewed as its own send starts, or given up if the other worker has
taken it meanwhile: no message goes twice, and none is lost."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlmodel import Session, select

from bot.outbox import Posted, Queued, SendFailed, Worker
from bot.pacing import Pace
from storage.db import Database
from storage.models import OutboxMessage
from storage.reminders import STALE_CLAIM, Key, queue_once
from tests.bot.test_outbox_pacing import Time, owe

WAIT = 10.0  # seconds: how long the test waits for a worker's thread before it fails


@dataclass
class Slow:
    """A Sender whose first send of a subject (or its second: `again`) can be held in flight
    until an event is set, the first then failing if the subject is in `fails`; `sent` lists
    the subjects the platform received, each time, each answered with a place of its own."""

    holds: dict[str, threading.Event] = field(default_factory=dict)
    again: dict[str, threading.Event] = field(default_factory=dict)
    fails: set[str] = field(default_factory=set)
    tries: dict[str, int] = field(default_factory=dict)
    started: dict[tuple[str, int], threading.Event] = field(default_factory=dict)
    sent: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, message: Queued) -> Posted:
        subject = message.subject
        with self.lock:
            n = self.tries[subject] = self.tries.get(subject, 0) + 1
            started = self.started.setdefault((subject, n), threading.Event())
        started.set()
        hold = {1: self.holds, 2: self.again}.get(n, {}).get(subject)
        if hold is not None:
            assert hold.wait(WAIT), f"{subject} held past {WAIT} s"
        if n == 1 and subject in self.fails:
            raise SendFailed("timed out")
        with self.lock:
            self.sent.append(subject)
            return Posted(f"D-{message.recipient}", f"{message.id}.{len(self.sent):04}")

    def record(self, session: Session, message: Queued, sent: Posted | None) -> None:
        pass

    def has_started(self, subject: str, n: int = 1) -> bool:
        """Wait for the `n`th send of `subject` to start."""
        with self.lock:
            started = self.started.setdefault((subject, n), threading.Event())
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


def recorded(db: Database) -> dict[str, tuple[object, ...]]:
    """Everything a worker records of each message, by subject."""
    with db.session() as session:
        return {
            r.subject: (
                r.status, r.attempts, r.claimed_at, r.sent_at, r.channel, r.ts, r.last_error,
                r.not_before,
            )
            for r in session.exec(select(OutboxMessage)).all()
        }


def owe_with_a_line(db: Database, time: Time) -> int:
    """m1, a list, with a line it covers (whose outcome it shares): the line's subject "line"."""
    listed = owe(db, "U1", "m1")
    with db.session() as session:
        queue_once(
            session, key=Key("line", "line", "U1", date(2027, 1, 4)), payload=None,
            now=time.now(), covered_by=listed,
        )
        session.commit()
    return listed


def taken_over(caplog: pytest.LogCaptureFixture) -> int:
    return sum("taken over" in r.getMessage() for r in caplog.records if r.name == "bot.claims")


@pytest.mark.parametrize("late", ["sent", "failed"])
def test_a_send_taken_over_records_nothing_when_it_ends(
    db: Database, late: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.claims")
    time, sender = Time(), Slow()
    first, second = worker(db, sender, time), worker(db, sender, time)
    listed = owe_with_a_line(db, time)
    sender.holds = {"m1": threading.Event()}
    if late == "failed":
        sender.fails = {"m1"}
    running = threading.Thread(target=first.run_once)
    running.start()
    try:
        # The first send outlasts its lease: the second worker takes it over and sends it.
        assert sender.has_started("m1")
        time.t += STALE_CLAIM.total_seconds() + 60
        assert second.run_once() == 1
        theirs = recorded(db)
        time.t += 60
    finally:
        sender.holds["m1"].set()
        running.join(WAIT)
    assert not running.is_alive()
    assert theirs["m1"][0] == "sent" and theirs["m1"][5] == f"{listed}.0001"
    assert theirs["line"][0] == "sent"
    assert recorded(db) == theirs  # the late finisher's outcome changed nothing
    assert sender.sent == (["m1"] if late == "failed" else ["m1", "m1"])
    assert taken_over(caplog) == 1


def test_a_send_ending_while_another_worker_sends_it_does_not_mark_it_sent(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.claims")
    time, sender = Time(), Slow()
    first, second = worker(db, sender, time), worker(db, sender, time)
    owe_with_a_line(db, time)
    sender.holds, sender.again = {"m1": threading.Event()}, {"m1": threading.Event()}
    running = threading.Thread(target=first.run_once)
    running.start()
    assert sender.has_started("m1")
    time.t += STALE_CLAIM.total_seconds() + 60
    taking = threading.Thread(target=second.run_once)
    taking.start()
    try:
        assert sender.has_started("m1", 2)  # taken over, and in flight
        theirs = recorded(db)
        sender.holds["m1"].set()
        running.join(WAIT)
        assert not running.is_alive()
        # The first send ended: the second's claim stands, the list and its line unsent.
        assert recorded(db) == theirs
        assert (theirs["m1"][0], theirs["line"][0]) == ("claimed", "queued")
        assert taken_over(caplog) == 1
    finally:
        sender.holds["m1"].set()
        sender.again["m1"].set()
        taking.join(WAIT)
        running.join(WAIT)
    assert statuses(db) == {"m1": "sent", "line": "sent"}
    assert sender.sent == ["m1", "m1"]
