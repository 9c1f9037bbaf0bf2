#!/usr/bin/env python3
"""Benchmark the outbox at the platform's pace: DMs delivered against fakes that throttle as
the platforms do, timed against the ideal pace, with the 429s met.

    scripts/bench_pacing.py [--dms 2000] [--people 40]

Queues --dms messages (bot.outbox.queue, as the use cases do) to --people members of staff,
round robin, in a temporary SQLite database, then starts the delivery worker and times it
until every message is sent:
- Slack: SlackSender against the fake Web API (tests/fakeslack) answering 429 `ratelimited`
  to a post that comes less than a second after the last one to that channel;
- Teams: TeamsSender against the fake Bot Connector (tests/faketeams) with its Throttle on
  (per conversation 7/1 s, 8/2 s, 60/30 s, 1,800/h; 30/s per tenant). The fake checks one
  card in CHECK_EVERY against the Adaptive Cards schema (the cards differ only in a number):
  checking each took three quarters of the run's time, in this process beside the worker.
The ideal is the least time the platform's documented pace allows for those messages, sends
taking no time (bot.pacing.Pace.ideal). Each line ends with the CPU the worker's own threads
used a DM (its pass's and its lanes', read from /proc; the fakes in this process aside).
Target: at most 1.1x the ideal, at most 5% of calls answered 429. bench_sweep.py runs this
after its own figures (--pacing).

The sweep's own reminders go through the reminder ledger (bot.ledger), which sends as it
goes rather than through this worker; the messages here stand for the sweep's DMs.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import tempfile
import time as timer
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from slack_sdk import WebClient
from sqlalchemy import func, insert
from sqlmodel import Session, col, select

from bot.outbox import Queued, Sender, Worker, queue, to_staff
from bot.pacing import Pace
from bot.rules.status import OutboxStatus
from bot.teams import drawers
from bot.teams.connector import Connector
from bot.teams.sender import TeamsSender
from bot.teams.tokens import TokenSource
from handlers.notifier import Message, Notifier
from handlers.outgoing import Drawn, SlackSender, card
from storage.db import Database
from storage.models import OutboxMessage, Staff
from storage.types import utcnow

CARD = "bench_note"
CHECK_EVERY = 50  # the fake Bot Connector checks one card in this many (the first included)


@card(CARD)
def _slack_note(_session: Session, message: Queued) -> Drawn:
    return Drawn(Message(f"Reminder {message.payload['n']}: a declaration waits for you."))


@drawers.drawer(CARD)
def _teams_note(_session: Session, message: Queued) -> drawers.Drawn:
    text = f"Reminder {message.payload['n']}: a declaration waits for you."
    return drawers.Drawn(text, drawers.card(drawers.text_block(text)))


@dataclass
class Paced:
    platform: str
    dms: int
    people: int
    seconds: float
    ideal: float
    calls: int
    refused: int  # answered 429
    sent: int
    worker_cpu: float = 0.0  # seconds of CPU on the worker's own threads (the fakes' aside)

    @property
    def ratio(self) -> str:
        return f"{self.seconds / self.ideal:.2f}x" if self.ideal else "-"

    @property
    def refused_share(self) -> str:
        return f"{100 * self.refused / self.calls:.1f}%" if self.calls else "-"

    def line(self) -> str:
        return (
            f"{self.platform:<6} {self.dms:>6,} DMs to {self.people:,} people: "
            f"{self.seconds:7.1f} s, ideal {self.ideal:6.1f} s ({self.ratio}); "
            f"{self.refused:,} of {self.calls:,} calls answered 429 ({self.refused_share}); "
            f"{self.sent:,} sent; the worker's CPU "
            f"{1000 * self.worker_cpu / max(self.sent, 1):.2f} ms a DM"
        )


@contextmanager
def _database(people: int, person: Callable[[int], dict[str, Any]]) -> Iterator[Database]:
    with tempfile.TemporaryDirectory(prefix="nolan-pacing-") as tmp:
        db = Database(f"sqlite:///{tmp}/pacing.db")
        db.migrate()
        with db.engine.begin() as conn:
            conn.execute(insert(Staff.__table__), [person(i) for i in range(1, people + 1)])
        try:
            yield db
        finally:
            db.dispose()


def _person(i: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": i,
        "email": f"person{i}@opcc.example",
        "name": f"Person {i}",
        "slack_user_id": f"U{i:07d}",
        "roles": "",
        "politically_restricted": False,
        "active": True,
        "updated_at": utcnow(),
        **extra,
    }


def _thread_cpu(native_ids: Iterable[int | None]) -> float:
    """Seconds of CPU these threads of this process have used (Linux's /proc; 0 elsewhere)."""
    ticks = 0
    for tid in native_ids:
        with suppress(OSError):
            fields = Path(f"/proc/self/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 0.0


def _worker_cpu(worker: Worker) -> float:
    """The worker's CPU: its pass's thread and its lanes' (the fakes run in this process)."""
    threads = [worker._thread, *getattr(worker.lanes._pool, "_threads", ())]
    return _thread_cpu(t.native_id for t in threads if t is not None)


def _deliver(
    db: Database, sender: Sender, pace: Pace, dms: int, people: int, senders: int | None = None
) -> tuple[float, int, float]:
    """Queue the DMs, run the worker until all are sent (or stuck); seconds, sent and the
    worker's CPU seconds."""
    with db.session() as session:
        for n in range(dms):
            staff_id = 1 + n % people
            queue(session, CARD, subject=f"bench:{n}", recipient=to_staff(staff_id), n=n)
        session.commit()
    worker = Worker(db, sender, senders=senders)
    started = timer.perf_counter()
    worker.start()
    patience = 60 + 3 * pace.ideal(Counter(1 + n % people for n in range(dms)).values())
    try:
        while True:  # polled without waking the worker, which would cut its waits short
            with db.session() as session:
                sent = session.exec(
                    select(func.count())
                    .select_from(OutboxMessage)
                    .where(col(OutboxMessage.status) == OutboxStatus.SENT)
                ).one()
            if sent >= dms or timer.perf_counter() - started > patience:
                return timer.perf_counter() - started, int(sent), _worker_cpu(worker)
            timer.sleep(0.05)
    finally:
        worker.stop()


def slack(dms: int, people: int, latency: float = 0.0, senders: int | None = None) -> Paced:
    """`latency`: seconds the fake Web API takes to answer each call; `senders`: the worker's
    lanes (None: the sender's own)."""
    from tests.fakeslack import FakeSlack

    with FakeSlack() as fake, _database(people, _person) as db:
        throttle = fake.throttle_posting(per_second=1)
        fake.latency = latency
        notifier = Notifier(WebClient(token="xoxb-bench", base_url=fake.api_url))
        sender = SlackSender(db, notifier)
        seconds, sent, cpu = _deliver(db, sender, sender.pace, dms, people, senders)
        fake.assert_clean()
        calls = len(fake.calls("chat.postMessage")) + throttle.refused
        counts = Counter(1 + n % people for n in range(dms)).values()
        return Paced("Slack", dms, people, seconds, sender.pace.ideal(counts), calls,
                     throttle.refused, sent, cpu)


def teams(dms: int, people: int) -> Paced:
    from tests.faketeams import APP_ID, APP_PASSWORD, TENANT_ID, FakeTeams

    with FakeTeams() as fake, httpx.Client(timeout=10) as http:
        fake.throttle_like_teams()
        fake.connector.card_problems = sampled(fake.connector.card_problems, CHECK_EVERY)

        def person(i: int) -> dict[str, Any]:
            object_id = f"00000000-0000-0000-0000-{i:012d}"
            fake.add_user(f"person{i}@opcc.example", object_id)
            return _person(
                i,
                teams_id=object_id,
                teams_conversation_id=fake.conversation_of(object_id),
                teams_service_url=fake.service_url(),
            )

        with _database(people, person) as db:
            tokens = TokenSource(fake.token_url, APP_ID, APP_PASSWORD, http=http)
            connector = Connector(tokens, http, app_id=APP_ID, tenant_id=TENANT_ID)
            sender = TeamsSender(db, connector, service_url=fake.service_url())
            seconds, sent, cpu = _deliver(db, sender, sender.pace, dms, people)
        fake.assert_clean()
        sends = fake.calls("send")
        refused = sum(1 for c in sends if c.status == 429)
        counts = Counter(1 + n % people for n in range(dms)).values()
        return Paced("Teams", dms, people, seconds, sender.pace.ideal(counts), len(sends),
                     refused, sent, cpu)


def sampled(check: Callable[..., list[str]], every: int) -> Callable[..., list[str]]:
    """`check` on one call in `every`, the first included; the others pass unchecked."""
    seen = itertools.count()

    def some(*args: Any) -> list[str]:
        return check(*args) if next(seen) % every == 0 else []

    return some


def _say(line: str) -> None:
    print(line, flush=True)


def report(
    dms: int, people: int, out: Callable[[str], None] = _say, *, latency: float = 0.0,
    senders: tuple[int, ...] = (),
) -> bool:
    """Run both and print a line each (Slack again for each of `senders`, and each answering
    after `latency` seconds); True if every message was sent."""
    out("")
    out(f"The outbox at the platform's pace: {dms:,} DMs to {people:,} people (SQLite)")
    results = [slack(dms, people, latency)]
    out(results[-1].line() + _answered(latency))
    for lanes in senders:
        results.append(slack(dms, people, latency, lanes))
        out(results[-1].line() + _answered(latency) + f", {lanes} lane{'s' * (lanes != 1)}")
    results.append(teams(dms, people))
    out(results[-1].line())
    return all(r.sent == r.dms for r in results)


def _answered(latency: float) -> str:
    return f"; Slack answering in {latency * 1000:g} ms" if latency else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dms", type=int, default=2000)
    parser.add_argument("--people", type=int, default=40)
    parser.add_argument(
        "--latency", type=float, default=0.0, help="ms the fake Web API takes to answer a call"
    )
    parser.add_argument(
        "--senders", type=int, action="append", default=[],
        help="Slack again with this many lanes (repeatable; default: the sender's own)",
    )
    args = parser.parse_args(argv)
    ok = report(args.dms, args.people, latency=args.latency / 1000, senders=tuple(args.senders))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
