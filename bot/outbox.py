"""The delivery worker: sends what the outbox holds, once, after the change that owes it has
committed, off the request thread.

A use case queues its messages (`queue`) in its change's transaction: committed together or
not at all. The worker takes each message (a conditional update: one worker of however many),
asks the platform's `Sender` to draw and send it, and records where it went for later updates
(an update waits for its card). Failures are retried with back-off, honouring Retry-After;
those no retry can mend end as "dead", in the log. A message for one person's working hours
(`due_at`) is scheduled by Slack itself; a platform without scheduled messages (Teams:
`holds_outside_working_hours`) has the worker hold it until 08:00 their time. Each sender
declares its documented pace (bot.pacing): the worker keeps under it, per conversation and
overall and in each tier of its methods, claiming only what may go now; a 429 pauses that
conversation, that tier or every conversation, as the platform says. What a
pass claims goes out on a few threads at once, one conversation to a thread (bot.pacing.Lanes).

A pass runs when a commit queued something, on start-up and every `SWEEP_EVERY` seconds. A
claim that waited its turn for half its lease is renewed as its send starts (or left to a
worker that took it as stale): none is taken over in flight (a send lasts far less). What
became of a message is recorded only under its claim (bot.claims): should a send outlast its
lease all the same, the worker that took it over keeps its record. The window
left (README, "Delivery"): the process dies, or the platform's answer is lost, after the platform
accepted a message and before the worker recorded it; that message goes again.
The worker's own commits (claims, records of what went) are not flushed to disk one by one
(storage.db `durable=False`): a power cut may lose the last few, which sends those messages
again, as in that window; the process dying loses none.
Platform-neutral: the senders live with the adapters (handlers.outgoing, bot.teams.sender).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from functools import partial
from typing import Any

from sqlmodel import Session

from bot import claims
from bot.claims import Claim

# Owing a message (queue, owe, to_staff…) is the outbox's API too: re-exported here.
from bot.owing import DUE_AT as DUE_AT
from bot.owing import REDRAWN as REDRAWN
from bot.owing import Owed as Owed
from bot.owing import Pressed as Pressed
from bot.owing import owe as owe
from bot.owing import owe_receipt as owe_receipt
from bot.owing import queue as queue
from bot.owing import queue_all as queue_all
from bot.owing import queue_unless_waiting as queue_unless_waiting
from bot.owing import to_staff as to_staff
from bot.owing import unpark as unpark
from bot.pacing import FIRST_RETRY, UPDATE, Lanes, Pace, Pacer, Pick, backoff, pick
from bot.rules.status import OutboxStatus
from bot.sending import (
    MOOT,
    Moot,
    Posted,
    Queued,
    Reference,
    Sender,
    SendFailed,
    describe_failure,
)
from storage import outbox, outbox_pace
from storage.db import Database
from storage.reminders import STALE_CLAIM
from storage.shared_records import SharedRecords, sharing
from storage.touched import Touched, subscribe
from storage.types import utcnow

__all__ = [
    "MOOT", "Moot", "Posted", "Pressed", "Queued", "Reference", "SendFailed", "Sender", "Worker",
    "backoff", "describe_failure", "owe", "owe_receipt", "queue", "to_staff", "unpark",
]

log = logging.getLogger(__name__)

SWEEP_EVERY = 30.0  # seconds between passes when nothing wakes the worker
# The longest a pass waits for the pace to let a message go; longer, and it ends (the worker's
# loop comes back then, woken early by a new message or by stop).
PACED_WAIT = 5.0
# Messages in flight at once, each to a different conversation, for a sender that declares
# `senders` (Slack and Teams: a send mostly waits on the platform, and the pace bounds the
# rate); one at a time otherwise. With Slack answering in 100 ms, one lane sent 600 DMs to 40
# people in 4.4x the pace's ideal time, eight in 1.25-1.37x (bench_pacing --latency 100).
SENDERS = 8


class Worker:
    """One delivery worker. `start()` runs it on a thread; `run_once()` is a synchronous pass
    (the sweep, the CLI, tests)."""

    def __init__(
        self,
        db: Database,
        sender: Sender,
        *,
        now: Callable[[], datetime] = utcnow,
        stale_after: timedelta = STALE_CLAIM,
        batch: int = 100,
        office_tz: tzinfo = UTC,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] | None = None,
        senders: int | None = None,
        merging: timedelta = timedelta(0),
        drawn_as_of: Callable[[], datetime] | None = None,
    ) -> None:
        """`clock` and `sleep` (seconds) time the pace; tests pass a fake pair. `senders`:
        how many conversations are sent to at once (default: as many as the sender says).
        `merging`: the most a message is queued ahead to merge changes into it (a Home
        refresh: HOME_REFRESH_SECONDS), which `wait_idle` does not wait out. `drawn_as_of`:
        the time a message is drawn as of (its working hours, "in 7 days") when run_once is
        given none: the runtime's clock; by default `now`."""
        self.db, self.sender, self.now, self.merging = db, sender, now, merging
        self.drawn_as_of = drawn_as_of or now
        self.stale_after, self.batch = stale_after, batch
        # The zone of a recipient whose own is not known, for a sender that holds messages.
        self.office_tz = office_tz
        self.holds = bool(getattr(sender, "holds_outside_working_hours", False))
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._pass_lock = threading.Lock()  # one pass at a time within this worker
        self.pace: Pace = getattr(sender, "pace", Pace())
        self.pacer = Pacer(self.pace, clock=clock)
        self._sleep = sleep or self._rest
        self.lanes = Lanes(senders if senders is not None else getattr(sender, "senders", 1))
        self._paced: float | None = None  # seconds from the last pass's end to its next slot
        self._at: datetime | None = None  # run_once's `at`, for the pass under way
        # Held by this run_once: a sweep driven by a past date holds until a time already
        # gone by the clock, so such a message is due again at once; held once a run.
        self._held_now: set[int] = set()

    # -- life --------------------------------------------------------------------------------

    def start(self) -> Worker:
        """Watch commits on the database (storage.touched) and pick up whatever is due. Once:
        a worker already running is left as it is."""
        if self._thread is not None:
            return self
        subscribe(self.db, self)
        self._thread = threading.Thread(target=self._loop, name="outbox", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the message in hand and stop; what is still queued waits for the next start."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._thread = None
        self.lanes.close()

    def wake(self) -> None:
        self._wake.set()

    # storage.touched.Watcher: a commit that queued a message wakes the worker.
    def touched(self, touched: Touched) -> None:
        if touched.queued:
            self.wake()

    def settle(self) -> None:
        """Nothing deferred: the worker sends on its own thread."""

    def wait_idle(self, timeout: float = 15.0) -> bool:
        """The idle barrier for tests and shutdown: True once nothing queued is left to send
        (sent, skipped or dead), False if `timeout` passed first. What waits only to merge
        changes (`merging`) is made due at once rather than waited for."""
        deadline = time.monotonic() + timeout
        while True:
            with self.db.session() as session:
                now = self.now()
                if outbox.waiting(session, now=now + self.merging) == 0:
                    return True
                if self.merging and outbox.hurry(session, now=now, within=self.merging):
                    session.commit()
            if time.monotonic() >= deadline:
                return False
            self.wake()
            time.sleep(0.02)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                self.run_once()
                wait = self._until_next()
            except Exception:
                log.exception("The outbox worker's pass failed; it tries again shortly")
                wait = FIRST_RETRY
            self._wake.wait(wait)

    def _until_next(self) -> float:
        with self.db.session() as session:
            next_try = outbox.next_try(session)
        paced = SWEEP_EVERY if self._paced is None else self._paced
        if next_try is None:
            return min(paced, SWEEP_EVERY)
        return min(max((next_try - self.now()).total_seconds(), 0.01), paced, SWEEP_EVERY)

    def _rest(self, seconds: float) -> None:
        """Wait for the pace: cut short by stop, or by a new message (the pass looks again)."""
        self._wake.wait(seconds)
        if not self._stopping.is_set():
            self._wake.clear()

    # -- a pass ------------------------------------------------------------------------------

    def run_once(self, *, at: datetime | None = None) -> int:
        """Send everything due now, at the platform's pace; returns how many messages were
        sent, settled or held for working hours. Passes again while a pass made progress (an
        update follows its card in the same call) or the pace holds back what is due for no
        more than PACED_WAIT. `at`: the time the messages are drawn as of (the sweep's, driven
        by date); claims, back-off and the pace keep the worker's own clock."""
        done = 0
        with self._pass_lock:
            self._at = at
            self._held_now = set()
            while not self._stopping.is_set():
                progressed, self._paced = self._pass()
                done += progressed
                if progressed:
                    continue
                if self._paced is None or self._paced > PACED_WAIT:
                    return done
                self._sleep(self._paced)
        return done

    def _pass(self) -> tuple[int, float | None]:
        """One batch of what is due, at the pace: what may go now is claimed together (one
        commit), then sent and recorded, each conversation's in order on its lane. Returns how
        many were done and, when none was, the seconds until the soonest message left for the
        pace may go (None: none is). After a pass that did something the next comes at once,
        so it does not ask which waiting conversations have something due: a query a pass."""
        counts = {"paced_updates": self.pace.updates, "unpaced": self.pace.unpaced}
        now = self.now()
        busy, tiers = self.pacer.busy(), self.pacer.held_tiers()
        where = {"now": now, "stale_after": self.stale_after}
        held = {"held_updates": UPDATE in tiers, "held_kinds": tiers - {UPDATE}}
        with self.db.session(durable=False) as session:
            due = outbox_pace.due_to(
                session, limit=self.batch, skip=busy, **counts, **held, **where
            )
            picked, waits = pick(self.pacer, due)
            claims = self._claim_all(session, picked)
            session.commit()
            done = sum(claim is not False for claim, _ in claims)
            if not done:
                at_pace = outbox_pace.due_among(
                    session, recipients=busy, **counts, **where
                )
                waits += [self.pacer.ready_in(key) for key in at_pace]
                for kind, is_update in outbox_pace.due_held(session, **held, **where):
                    tier = self.pace.tier_of(kind, is_update)
                    waits += [self.pacer.tier_ready_in(tier)] if tier else []
        lanes: dict[str, list[tuple[Claim, Pick]]] = {}
        for claim, picked_as in claims:
            if isinstance(claim, Claim):
                lanes.setdefault(claim.message.recipient, []).append((claim, picked_as))
        send = partial(self._send_unless_paused, shared=SharedRecords())  # read once a pass
        self.lanes.run(lanes.values(), send)
        return done, min(waits, default=None)

    def _send_unless_paused(self, claimed: tuple[Claim, Pick], shared: SharedRecords) -> None:
        """A 429 met in this pass, or stop, puts the message back instead."""
        claim, picked = claimed
        if self.now() - claim.claimed_at >= self.stale_after / 2:
            kept = claims.kept(self.db, claim, self.now())
            if kept is None:
                return  # another worker took it while it waited its turn: it is theirs to send
            claim = kept
        to = claim.message.recipient
        wait = self.pacer.ready_in(to) if picked.paced else self.pacer.overall_ready_in()
        if picked.tier is not None:
            wait = max(wait, self.pacer.tier_ready_in(picked.tier))
        if wait or self._stopping.is_set():
            self._failed(claim, SendFailed("put back", retry_after=wait), picked.tier)
        else:
            self._send(claim, picked, shared)

    def _claim_all(self, session: Session, picked: list[Pick]) -> list[tuple[Claim | bool, Pick]]:
        """The picked messages claimed in the caller's transaction, read in one statement and
        those to send taken in another, whatever their number (as `_claim` says, each with its
        Pick). pysqlite begins the transaction at the first write, on a fresh snapshot."""
        if not picked:
            return []
        now = self.now()  # every claim's token: the one the take writes
        rows = outbox.claimable_among(session, ids=[p.id for p in picked])
        found = [(self._claim(session, rows.get(p.id), now), p) for p in picked]
        wanted = [claim.message.id for claim, _ in found if isinstance(claim, Claim)]
        where = {"now": now, "stale_after": self.stale_after}
        taken = outbox.take_all(session, ids=wanted, **where) if wanted else set()
        return [
            (claim if not isinstance(claim, Claim) or claim.message.id in taken else False, p)
            for claim, p in found
        ]

    def _claim(self, session: Session, row: Any, now: datetime) -> Claim | bool:
        """One message read to claim: a Claim to take (`_claim_all` takes it); True: settled
        here (held, or an update of a message never sent); False: not ours to send now."""
        if row is None or row.payload is None:
            return False
        message_id, updates = row.id, None  # updates: (channel, ts) of the message it updates
        row_now = {"message_id": message_id, "now": now, "stale_after": self.stale_after}
        if row.updates_id is not None:
            if row.original_status in (None, OutboxStatus.SKIPPED, OutboxStatus.DEAD):
                never = "the message it updates was never sent"  # settled under a claim too
                return outbox.take(session, **row_now) and outbox.mark_failed(
                    session, reminder_id=message_id, claimed_at=now, error=never,
                    status=OutboxStatus.SKIPPED,
                )
            if row.original_status != OutboxStatus.SENT:
                return False  # the card first: this update waits for it
            if row.original_channel and row.original_ts:
                updates = (row.original_channel, row.original_ts)
        payload = json.loads(row.payload)
        due_at, went = payload.pop(DUE_AT, None), claims.went_of(payload)
        message = Queued(
            id=message_id,
            kind=row.kind,
            subject=row.subject,
            recipient=row.recipient,
            payload=payload,
            updates=updates,
            due_at=datetime.fromisoformat(due_at) if due_at else None,
            at=self._at or self.drawn_as_of(),
            went=went,
        )
        if updates is not None and payload.get(REDRAWN) == updates[1]:  # not sent: made already
            return claims.made_in_place(session, self.sender, message, **row_now)
        until = claims.held_until_for(session, message, self.office_tz) if self.holds else None
        if until is not None:
            if message_id in self._held_now:
                return False
            self._held_now.add(message_id)
            return outbox.hold(session, until=until, **row_now)
        return Claim(message, row.attempts + 1, now, row.payload)

    def _send(self, claim: Claim, picked: Pick, shared: SharedRecords) -> None:
        """Send one claimed message (drawn with the pass's `shared` records); record it."""
        message, message_id = claim.message, claim.message.id
        try:
            with sharing(shared):
                sent = self.sender.send(message)
        except SendFailed as failed:
            self._failed(claim, failed, picked.tier)
            return
        except Exception as exc:  # a bug in rendering: logged, retried with back-off
            log.exception("Outbox message %s (%s) could not be sent", message_id, message.kind)
            self._failed(claim, SendFailed(f"{type(exc).__name__}: {exc}"))
            return
        finally:  # counted once the platform has answered: its window has seen the request
            if picked.paced:
                self.pacer.sent(message.recipient)
            if picked.tier is not None:
                self.pacer.tier_sent(picked.tier)
        under = {"reminder_id": message_id, "claimed_at": claim.claimed_at}
        with self.db.session(durable=False) as session:
            if isinstance(sent, Moot):
                marked = outbox.mark_failed(
                    session, **under, error="nothing to say", status=OutboxStatus.SKIPPED
                )
            else:
                self.sender.record(session, message, sent)
                channel, ts = (sent.channel, sent.ts) if sent else (None, None)
                marked = outbox.mark_sent(session, **under, now=self.now(), channel=channel, ts=ts)
            if not marked:  # what goes with "sent" (a card's place, an audit entry) goes too
                claims.taken_over(claim)
                return
            session.commit()

    def _failed(self, claim: Claim, failed: SendFailed, tier: str | None = None) -> None:
        message, attempts = claim.message, claim.attempts
        if failed.permanent:
            log.warning("Outbox message %s (%s) given up: %s", message.id, message.kind, failed)
            status, not_before = OutboxStatus.DEAD, None
        elif failed.parked:
            log.info("Outbox message %s (%s) parked: %s", message.id, message.kind, failed)
            status, not_before = OutboxStatus.PARKED, None
        else:
            wait = backoff(attempts, failed.retry_after)
            log.info("Outbox message %s failed (%s); again in %.1fs", message.id, failed, wait)
            tier = failed.tier or tier
            if failed.pause == "method" and tier is not None:
                self.pacer.pause_tier(tier, wait)
            elif failed.pause is not None:
                where = message.recipient if failed.pause == "conversation" else None
                self.pacer.pause(where, wait)
            status, not_before = OutboxStatus.FAILED, self.now() + timedelta(seconds=wait)
        claims.record_failed(
            self.db, claim, error=failed.error, status=status, not_before=not_before,
            went=failed.went,
        )
