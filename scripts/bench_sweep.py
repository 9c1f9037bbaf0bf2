#!/usr/bin/env python3
"""Benchmark one daily sweep over a large office: its time and its database queries.

    scripts/bench_sweep.py [--database-url URL] [--staff 100000] [--due 10000]
                           [--compare 10000] [--slack null|fake]

Seeds an org chart of --staff people (bulk inserts) in which --due reminders fall due on
Monday 23 November 2026: half are waiting-decisions digests (one approver each, a hospitality
declaration waiting since the Friday before) and half vetting renewal reminders (a quarter of
--due people whose clearance expires in 30 days: each is one key for them and one for the
vetting officer). Everyone else has a clearance that is not due, or none. It then runs ONE
sweep — every job (bot.jobs.all_jobs), as `python -m bot reminders run`
would — counting the statements sent to the database with a SQLAlchemy
`before_cursor_execute` listener, and does the same again with --compare staff (same --due)
to show that the queries do not grow with the number of staff.

Slack: by default a null client that answers at once (`--slack null`): the figure wanted is
the sweep's own cost (queries, Python, message building); the fake Slack Web API
(`--slack fake`, tests/fakeslack) makes each message a real HTTP round trip with Block Kit
validation, which measures the fake rather than Nolan and takes several times longer.

Database: a temporary SQLite file by default. With --database-url postgresql+psycopg://…
a scratch database (nolan_bench_<pid>_<staff>) is created on that server for each run and
dropped afterwards; the database named in the URL is never touched. For a throwaway server:

    scripts/with-postgres.sh sh -c '.venv/bin/python scripts/bench_sweep.py \\
        --database-url "$TEST_DATABASE_URL"'

Then the outbox at the platform's pace (scripts/bench_pacing.py): --pacing DMs (0 to skip) to
--pacing-people people, against fakes that throttle as Slack and Teams do, against the ideal.

This is not a timed test; tests/bot/test_bench_sweep.py runs it small so it does not rot.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import re
import sys
import time as timer
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_db import bulk, scratch_database
from slack_sdk import WebClient
from sqlalchemy import event, func, text
from sqlalchemy.engine import make_url
from sqlmodel import select

from bot.outbox import Worker
from bot.runtime import Runtime
from bot.settings import Policy, Settings
from handlers.notifier import Notifier
from storage.db import Database
from storage.models import ApprovalStep, Declaration, GiftOffer, Reminder, Staff
from tests.bot.test_outbox_pacing import Time

TODAY = date(2026, 11, 23)  # a Monday, a working day
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 07:00 in London: the sweep time
DECLARED = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # the Friday before
# The outbox's writes, a message's ledger: queueing it, claiming it, recording it sent.
LEDGER_WRITE = re.compile(r"^\s*(INSERT INTO|UPDATE) outbox\b", re.IGNORECASE)


class NullSlack:
    """Stands in for slack_sdk's WebClient: answers each call at once, and counts them."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self._ts = itertools.count(1)

    def _answer(self, method: str, channel: str) -> dict[str, Any]:
        self.calls[method] += 1
        dm = "D" + channel if channel[:1] in ("U", "W") else channel
        return {"ok": True, "channel": dm, "ts": f"1700000000.{next(self._ts):06d}"}

    def chat_postMessage(self, *, channel: str, **_: Any) -> dict[str, Any]:
        return self._answer("chat.postMessage", channel)

    def chat_update(self, *, channel: str, **_: Any) -> dict[str, Any]:
        return self._answer("chat.update", channel)

    def chat_scheduleMessage(self, *, channel: str, **_: Any) -> dict[str, Any]:
        return self._answer("chat.scheduleMessage", channel)


@dataclass
class Figures:
    staff: int
    due: int
    keys_sent: int
    messages: int
    seconds: float
    queries: int
    ledger_writes: int
    failures: int

    @property
    def other(self) -> int:
        return self.queries - self.ledger_writes


# -- the seed -----------------------------------------------------------------------------


def seed(db: Database, *, staff: int, due: int) -> int:
    """The org chart and what falls due; returns the number of ledger keys due today."""
    approvers = due // 2  # one digest each
    holders = (due - approvers) // 2  # two keys each: theirs and the vetting officer's
    fixed = 3  # head of office, monitoring officer, vetting officer
    if fixed + approvers + max(holders, 1) > staff:
        raise SystemExit(f"--staff {staff} is too few for --due {due}")
    stamp = NOW - timedelta(days=30)

    def person(i: int, **extra: Any) -> dict[str, Any]:
        row = {
            "id": i,
            "email": f"person{i}@opcc.example",
            "name": f"Person {i}",
            "slack_user_id": f"U{i:07d}",
            "line_manager_id": None,
            "roles": "",
            "vetting_level": None,
            "vetting_expires": None,
            "politically_restricted": False,
            "active": True,
            "updated_at": stamp,
            "tz": None,
            "starter_since": None,
        }
        row.update(extra)
        return row

    rows = [
        person(1, roles="head_of_office"),
        person(2, roles="monitoring_officer", line_manager_id=1),
        person(3, roles="vetting_officer", line_manager_id=1),
    ]
    first_approver, first_member = fixed + 1, fixed + approvers + 1
    rows += [person(i, line_manager_id=1) for i in range(first_approver, first_member)]
    for n, i in enumerate(range(first_member, staff + 1)):
        manager = first_approver + n % approvers if approvers else 1
        if n < holders:  # due its 30-day vetting renewal reminder today
            vetting = {"vetting_level": "SC", "vetting_expires": TODAY + timedelta(days=30)}
        elif n % 3 == 0:  # cleared, but not due for a while
            vetting = {"vetting_level": "CTC", "vetting_expires": TODAY + timedelta(days=400)}
        else:
            vetting = {}
        rows.append(person(i, line_manager_id=manager, **vetting))
    bulk(db, Staff.__table__, rows)

    # One hospitality declaration per approver, by a member of staff (theirs, when there are
    # as many members as approvers), waiting since Friday (its card delivered then).
    members = staff - first_member + 1
    declarations, offers, steps = [], [], []
    for n in range(approvers):
        d = n + 1
        declarant = first_member + n % members
        declarations.append(
            {
                "id": d,
                "reference": f"GH-{d:05d}",
                "kind": "gift",
                "declarant_id": declarant,
                "status": "pending",
                "chosen_approver_id": None,
                "chain": "line_manager:authorise",
                "named_staff_id": None,
                "created_at": DECLARED,
            }
        )
        offers.append(
            {
                "declaration_id": d,
                "kind": "hospitality",
                "gift_type": None,
                "offered_by": "Acme Cleaning Ltd",
                "relationship": "contractor",
                "description": "Dinner at the Grand Hotel",
                "value_pence": 8500,
                "date_offered": DECLARED.date(),
                "event_date": TODAY + timedelta(days=20),
                "response": "wants_to_accept",
                "reason": "Representing the office",
                "use_at_work": False,
                "unsolicited": False,
                "flags": "",
                "disposal": None,
            }
        )
        steps.append(
            {
                "id": d,
                "declaration_id": d,
                "position": 1,
                "stage": 1,
                "role": "line_manager",
                "purpose": "authorise",
                "approver_id": first_approver + n,
                "delegated_from_id": None,
                "clock_started_at": DECLARED,
                "reminded_at": None,
                "status": "pending",
                "decided_by_id": None,
                "decided_at": None,
                "reason": None,
                "dm_channel": f"DU{first_approver + n:07d}",
                "dm_ts": "1700000000.000100",
                "created_at": DECLARED,
            }
        )
    bulk(db, Declaration.__table__, declarations)
    bulk(db, GiftOffer.__table__, offers)
    bulk(db, ApprovalStep.__table__, steps)
    if db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
        with db.engine.begin() as conn:
            for table in ("staff", "declaration", "approval_step"):
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    return approvers + 2 * holders


# -- one run ------------------------------------------------------------------------------


def run(url: str | None, *, staff: int, due: int, slack: str) -> Figures:
    with scratch_database(url, staff) as db:
        planned = seed(db, staff=staff, due=due)
        settings = Settings(slack_bot_token="xoxb-bench", database_url=db.url, policy=Policy())
        statements: list[str] = []

        def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
            statements.append(statement)

        with _slack(slack) as (notifier, messages):
            event.listen(db.engine, "before_cursor_execute", count)
            started = timer.perf_counter()
            try:
                runtime = Runtime.build(settings, db=db, client=notifier.client)
                # The pacer's clock moves only when it waits: which conversations are still
                # within their second then does not depend on this machine's speed, nor does
                # the number of queries; and the seconds are the sweep's, not Slack's pace.
                paced, pace_time = runtime.outbox, Time()
                outbox = Worker(
                    db, paced.sender, office_tz=paced.office_tz, merging=paced.merging,
                    clock=pace_time.clock, sleep=pace_time.sleep,
                )
                runtime = replace(runtime, outbox=outbox)
                report = runtime.sweep(TODAY, NOW)
            finally:
                seconds = timer.perf_counter() - started
                event.remove(db.engine, "before_cursor_execute", count)
            sent_messages = messages()
        with db.session() as session:
            sent = session.exec(
                select(func.count())
                .select_from(Reminder)
                # A ledger key has a due date; a list covering several keys has none.
                .where(Reminder.status == "sent", Reminder.due_on.is_not(None))
            ).one()
        return Figures(
            staff=staff,
            due=planned,
            keys_sent=int(sent),
            messages=sent_messages,
            seconds=seconds,
            queries=len(statements),
            ledger_writes=sum(1 for s in statements if LEDGER_WRITE.match(s)),
            failures=len(report.failures),
        )


@contextmanager
def _slack(kind: str) -> Iterator[tuple[Notifier, Any]]:
    sends = ("chat.postMessage", "chat.scheduleMessage")
    if kind == "null":
        null = NullSlack()
        yield Notifier(cast(WebClient, null)), lambda: sum(null.calls[m] for m in sends)
        return
    from tests.fakeslack import FakeSlack

    with FakeSlack() as fake:
        client = WebClient(token="xoxb-bench", base_url=fake.api_url)
        yield Notifier(client), lambda: sum(len(fake.calls(m)) for m in sends)
        fake.assert_clean()


# -- the command --------------------------------------------------------------------------


def _table(results: list[Figures]) -> str:
    rows = [
        ("staff", lambda f: f"{f.staff:,}"),
        ("reminders due (ledger keys)", lambda f: f"{f.due:,}"),
        ("reminders sent (ledger keys)", lambda f: f"{f.keys_sent:,}"),
        ("messages sent to Slack", lambda f: f"{f.messages:,}"),
        ("failures", lambda f: f"{f.failures:,}"),
        ("seconds", lambda f: f"{f.seconds:.2f}"),
        ("queries", lambda f: f"{f.queries:,}"),
        ("  outbox writes (queue, claim, mark sent)", lambda f: f"{f.ledger_writes:,}"),
        ("  all other queries", lambda f: f"{f.other:,}"),
        ("queries per reminder sent", lambda f: _per(f.queries, f.keys_sent)),
        ("other queries per reminder sent", lambda f: _per(f.other, f.keys_sent)),
    ]
    width = max(len(label) for label, _ in rows)
    lines = []
    for label, value in rows:
        cells = "".join(f"{value(f):>14}" for f in results)
        lines.append(f"{label:<{width}}{cells}")
    return "\n".join(lines)


def _per(n: int, d: int) -> str:
    return f"{n / d:.2f}" if d else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--staff", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument(
        "--compare",
        type=int,
        default=10_000,
        help="also run with this many staff (same --due); 0 to skip",
    )
    parser.add_argument("--slack", choices=("null", "fake"), default="null")
    parser.add_argument("--pacing", type=int, default=2000, help="DMs at the pace; 0 to skip")
    parser.add_argument("--pacing-people", type=int, default=40)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)

    url = args.database_url
    backend = make_url(url).get_backend_name() if url else "sqlite"
    sizes = sorted({args.staff, *([args.compare] if args.compare else [])})
    print(
        f"One sweep on {backend}, {args.due:,} reminders due, Slack: {args.slack} "
        f"(Monday {TODAY:%d %B %Y})",
        flush=True,
    )
    results = [run(url, staff=n, due=args.due, slack=args.slack) for n in sizes]
    print(_table(results))
    if len(results) > 1:
        others = {f.other for f in results}
        verdict = "the same" if len(others) == 1 else "DIFFERENT"
        staff = ", ".join(f"{f.staff:,}" for f in results)
        counts = ", ".join(f"{f.other:,}" for f in results)
        print(f"Queries other than the outbox's writes at {staff} staff: {verdict} ({counts}).")
    bad = any(f.failures or f.keys_sent != f.due for f in results)
    if args.pacing:
        from bench_pacing import report

        bad = not report(args.pacing, args.pacing_people) or bad
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
