"""Exactly once, across every kind of scheduled message the sweep sends (bot.jobs.all_jobs() as it
stands: the waiting-decisions digest, vetting, policies, the annual declaration, the
governance digest…), against the fake Slack Web API with the clock injected.

The tests are generic: a dataset makes many reminders of many kinds due on one Monday, and a
clean run of the sweep on an identical second database is the reference. Whatever happens to
the run under test — run twice, killed mid-run and run again, run by two processes at once,
answered 429 or 500 by Slack — the messages that reach Slack must be exactly the reference's,
each once, and the reminder ledger must hold the same keys, all sent.
"""

from __future__ import annotations

import fcntl
import json
import os
import pickle
import subprocess
import sys
import time as clock
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from slack_sdk import WebClient
from sqlalchemy import text
from sqlmodel import select

from bot import engine
from bot.pacing import Pace, Pacer
from bot.rules.chains import parse_chain
from bot.runtime import Runtime
from bot.settings import Settings, load_settings
from bot.slack_client import make_client
from bot.sweep import SweepReport
from handlers.notifier import Notifier
from storage import declarations, staff
from storage.db import Database
from storage.models import GiftOffer, Policy, Reminder, Staff
from storage.reminders import STALE_CLAIM
from tests.e2e.harness import ORG, seed_org
from tests.fakeslack import FakeSlack
from tests.fakeslack.server import Call

# Every test here reaches a database (the reference one through a fixture of its own making).
pytestmark = pytest.mark.database

REPO = Path(__file__).resolve().parents[2]
LONDON = "Europe/London"
MONDAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # the sweep time, 07:00 London in November
DECLARED = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)  # the Friday before
# Settings that make more kinds due that Monday: the annual declaration and the governance
# digest (Mondays), on top of vetting and policy dates in the data.
ENV = {
    "SLACK_BOT_TOKEN": "xoxb-once",
    "ANNUAL_DECLARATION_DATE": "11-23",
    "GOVERNANCE_CHANNEL": "CGOVERNANCE",
    "TIMEZONE": LONDON,
}
SENDS = ("chat.postMessage", "chat.scheduleMessage")
VETTING_LEADS = (90, 30, 7, 0, -10)  # days to expiry (negative: lapsed)


# -- the dataset --------------------------------------------------------------------------


def seed(db: Database, fake: FakeSlack, pairs: int) -> None:
    """The org chart plus `pairs` approvers each with a member of staff whose hospitality has
    waited since Friday; some clearances at each lead time or lapsed; some new starters;
    some people in New York (their DMs are scheduled); two policies due for review."""
    org = seed_org(db)
    with db.session() as session:
        people: list[tuple[Staff, Staff]] = []
        for i in range(pairs):
            boss = Staff(
                email=f"boss{i}@opcc.example",
                name=f"Boss {i}",
                slack_user_id=f"UBOSS{i}",
                line_manager_id=org["head"].id,
                tz="America/New_York" if i % 4 == 1 else None,
            )
            session.add(boss)
            session.flush()
            lead = VETTING_LEADS[i % len(VETTING_LEADS)]
            member = Staff(
                email=f"member{i}@opcc.example",
                name=f"Member {i}",
                slack_user_id=f"UMEMBER{i}",
                line_manager_id=boss.id,
                vetting_level="SC" if i % 2 == 0 else None,
                vetting_expires=MONDAY + timedelta(days=lead) if i % 2 == 0 else None,
                starter_since=MONDAY - timedelta(days=1) if i % 7 == 3 else None,
            )
            session.add(member)
            people.append((boss, member))
        session.add(
            Policy(
                title="Staff code of conduct",
                owner_id=org["head"].id,
                url="https://opcc.example/code",
                next_review=MONDAY + timedelta(days=30),
                channel_id="CPOLICIES",
                is_code_of_conduct=True,
            )
        )
        session.add(
            Policy(
                title="Gifts and hospitality",
                owner_id=org["mo"].id,
                next_review=MONDAY - timedelta(days=3),
                channel_id="CPOLICIES",
            )
        )
        session.flush()
        view = staff.org_view(session, on=DECLARED.date())
        for _boss, member in people:
            declaration = declarations.create_declaration(
                session, kind="gift", declarant=member, status="pending"
            )
            assert declaration.id is not None
            session.add(
                GiftOffer(
                    declaration_id=declaration.id,
                    kind="hospitality",
                    offered_by="Acme Cleaning Ltd",
                    relationship="contractor",
                    description="Dinner at the Grand Hotel",
                    value_pence=8500,
                    date_offered=DECLARED.date(),
                    event_date=MONDAY + timedelta(days=20),
                    response="wants_to_accept",
                    reason="Representing the office",
                )
            )
            opened = engine.start(
                session,
                declaration=declaration,
                declarant=member,
                chain=parse_chain("line_manager:authorise"),
                org=view,
                now=DECLARED,
            )
            for step in opened.steps:  # the cards went out on Friday
                step.dm_channel, step.dm_ts = f"D{step.approver_id}", "1700000000.000100"
                session.add(step)
        session.commit()
        for person in session.exec(select(Staff)):
            if person.slack_user_id and person.slack_user_id not in {p.slack_id for p in ORG}:
                fake.add_user(person.email, person.slack_user_id, name=person.name)


def settings_for(db: Database, fake: FakeSlack) -> Settings:
    environ = {**ENV, "DATABASE_URL": db.url, "SLACK_API_URL": fake.api_url}
    return load_settings(environ, dotenv_path=None, require=())


def sends(fake: FakeSlack) -> list[tuple[str, ...]]:
    """Each message that reached Slack, as what identifies it (not Slack's ts)."""
    return [_identity(c) for c in fake.calls() if c.method in SENDS]


def _identity(call: Call) -> tuple[str, ...]:
    args = call.args
    return (
        call.method,
        str(args.get("channel")),
        str(args.get("post_at", "")),
        str(args.get("text", "")),
        json.dumps(args.get("blocks", []), sort_keys=True),
    )


def ledger(db: Database) -> dict[tuple[str, str, str, date], str]:
    with db.session() as session:
        rows = session.exec(select(Reminder)).all()
    return {(r.kind, r.subject, r.recipient, r.due_on): r.status for r in rows}


def twice(messages: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    return [(*m[:3], m[3][:80]) for m, n in Counter(messages).items() if n > 1]


def sweep_all(
    db: Database,
    notifier: Notifier,
    settings: Settings,
    today: date,
    now: datetime,
) -> SweepReport:
    """The sweep as the bot and `reminders run` run it: the runtime's whole list of jobs. Its
    delivery worker's clock starts at the sweep's `now` and runs on (claims it takes are as
    old as the sweeps driven by date say; back-off still passes)."""
    runtime = Runtime.build(settings, db=db, client=notifier.client)
    started = datetime.now(UTC)
    runtime.outbox.now = lambda: now + (datetime.now(UTC) - started)
    # Slack's pace (a message a second to each person) is tests/bot's pacing tests' subject:
    # here it would only wait. A 429's Retry-After still pauses (the pacer's own pauses).
    runtime.outbox.pacer = Pacer(Pace(), clock=clock.monotonic)
    return runtime.sweep(today, now)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        for person in ORG:
            server.add_user(person.email, person.slack_id, name=person.name)
        yield server
        server.assert_clean()


# The reference of each size is made once a run, by the first xdist worker to want it, and
# read from a file by the others (they wait on its lock): a clean run over a fresh database
# (its migrations, seeding and sweep: a second or two of CPU) gives the same messages each time.
Reference = tuple[list[tuple[str, ...]], dict[Any, str]]


@pytest.fixture
def reference(
    request: pytest.FixtureRequest, fake: FakeSlack, tmp_path_factory: pytest.TempPathFactory
) -> Any:
    """Seed a second, identical database and run the sweep once, cleanly: what every test
    must end up having sent. Returns a function of the number of pairs to seed."""
    databases: list[Database] = []
    shared = tmp_path_factory.getbasetemp()  # this run's
    if hasattr(request.config, "workerinput"):
        shared = shared.parent  # an xdist worker's is inside the run's, which they share

    def make(pairs: int) -> Reference:
        ref = Database(request.getfixturevalue("fresh_db_url"))
        databases.append(ref)
        ref.migrate()
        seed(ref, fake, pairs)
        fake.reset()
        report = sweep_all(
            ref, Notifier(make_client(settings_for(ref, fake))), settings_for(ref, fake),
            MONDAY, NOW,
        )
        assert report.failures == [], report.failures
        made = (sends(fake), ledger(ref))
        fake.reset()
        return made

    def build(pairs: int) -> Reference:
        database = "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"
        kept = shared / f"exactly-once-reference-{database}-{pairs}.pickle"
        with open(shared / f"{kept.name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if kept.exists():
                return cast(Reference, pickle.loads(kept.read_bytes()))
            made = make(pairs)
            kept.write_bytes(pickle.dumps(made))
            return made

    yield build
    for database in databases:
        database.dispose()


def check_against(
    reference: tuple[list[tuple[str, ...]], dict[Any, str]],
    db: Database,
    sent: list[tuple[str, ...]],
) -> None:
    expected, keys = reference
    assert twice(sent) == [], "sent twice"
    assert Counter(sent) == Counter(expected)
    assert ledger(db) == keys
    assert set(keys.values()) == {"sent"}


# -- the tests ----------------------------------------------------------------------------


def test_the_dataset_makes_many_kinds_due(reference: Any) -> None:
    """The reference itself: several kinds of reminder, each key once; if a job is added or
    removed the set changes but the other tests still hold."""
    expected, keys = reference(12)
    kinds = Counter(kind for kind, *_ in keys)
    assert kinds["waiting_digest"] == 12
    assert len(kinds) >= 2, kinds
    assert expected and twice(expected) == []


def test_a_second_run_on_the_same_day_sends_nothing(
    db: Database, fake: FakeSlack, reference: Any
) -> None:
    expected = reference(12)
    seed(db, fake, 12)
    settings = settings_for(db, fake)
    notifier = Notifier(make_client(settings))
    fake.reset()
    sweep_all(db, notifier, settings, MONDAY, NOW)
    first = fake.calls()
    again = sweep_all(db, notifier, settings, MONDAY, NOW + timedelta(hours=2))
    assert fake.calls() == first  # not a single Web API call
    assert again.failures == [] and again.lines == []
    check_against(expected, db, sends(fake))


class CrashingClient(WebClient):
    """A WebClient that dies — as a killed process does — before its (k+1)-th message."""

    def __init__(self, *, after: int, dies_with: type[BaseException], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.left, self.dies_with = after, dies_with

    def api_call(self, api_method: str, **kwargs: Any) -> Any:  # type: ignore[override]
        if api_method in SENDS:
            if self.left == 0:
                raise self.dies_with()
            self.left -= 1
        return super().api_call(api_method, **kwargs)


@pytest.mark.parametrize(
    ("after", "dies_with"), [(0, KeyboardInterrupt), (5, SystemExit), (23, KeyboardInterrupt)]
)
def test_a_crash_mid_run_then_a_rerun_sends_the_rest_exactly_once(
    db: Database, fake: FakeSlack, reference: Any, after: int, dies_with: type[BaseException]
) -> None:
    expected = reference(12)
    seed(db, fake, 12)
    settings = settings_for(db, fake)
    fake.reset()
    crashing = CrashingClient(
        after=after, dies_with=dies_with, token=settings.slack_bot_token, base_url=fake.api_url
    )
    # The sweep's clock is the outbox's too: its claims (the sweep's messages it was sending)
    # grow stale with the sweep's time.
    with pytest.raises(dies_with):
        sweep_all(db, Notifier(crashing), settings, MONDAY, NOW)
    assert len(sends(fake)) == after  # it died mid-run
    assert "claimed" in ledger(db).values()  # …holding a claim it never sent

    # A rerun before the claim is stale leaves that one alone (its sweep may be alive)…
    soon = NOW + timedelta(minutes=1)
    sweep_all(db, Notifier(make_client(settings)), settings, MONDAY, soon)
    assert "claimed" in ledger(db).values()
    # …and the next one after it sends it: everything once, nothing twice.
    later = NOW + STALE_CLAIM + timedelta(minutes=1)
    report = sweep_all(
        db, Notifier(make_client(settings)), settings, MONDAY, later
    )
    assert report.failures == []
    check_against(expected, db, sends(fake))


def test_rate_limits_and_server_errors_are_retried_and_end_delivered(
    db: Database, fake: FakeSlack, reference: Any
) -> None:
    expected = reference(12)
    seed(db, fake, 12)
    settings = settings_for(db, fake)
    fake.reset()
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    fake.fail_next("chat.postMessage", status=500)
    fake.fail_next("chat.scheduleMessage", status=429, retry_after=1)
    report = sweep_all(db, Notifier(make_client(settings)), settings, MONDAY, NOW)
    assert report.failures == []
    rejected = Counter((r.method, r.status) for r in fake.rejected)
    assert rejected == {
        ("chat.postMessage", 429): 1,
        ("chat.postMessage", 500): 1,
        ("chat.scheduleMessage", 429): 1,
    }
    check_against(expected, db, sends(fake))


def _waiting_on_lock(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
        )


def test_two_processes_on_one_database_send_each_reminder_once(
    db: Database, fake: FakeSlack, reference: Any, tmp_path: Path
) -> None:
    """Two real `python -m bot reminders run` processes started together on one database
    (PostgreSQL when TEST_DATABASE_URL is set, else a SQLite file in WAL mode). On
    PostgreSQL both are held at the reminder ledger (the outbox table) by a table lock until
    both are there, so they certainly race for every key."""
    pairs = 40
    expected = reference(pairs)
    seed(db, fake, pairs)
    fake.reset()
    environ = {
        **{k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SLACK_API_URL")},
        **ENV,
        "DATABASE_URL": db.url,
        "SLACK_API_URL": fake.api_url,
        "PYTHONPATH": str(REPO),
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "bot", "reminders", "run", "--today", MONDAY.isoformat()]
    postgres = db.engine.dialect.name == "postgresql"
    gate = db.engine.connect() if postgres else None
    processes: list[subprocess.Popen[str]] = []
    try:
        if gate is not None:
            gate.begin()
            gate.execute(text(f"LOCK TABLE {Reminder.__tablename__} IN ACCESS EXCLUSIVE MODE"))
        processes += [
            subprocess.Popen(
                command,
                cwd=tmp_path,
                env=environ,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        if gate is not None:
            deadline = clock.monotonic() + 60
            while _waiting_on_lock(db) < 2 and clock.monotonic() < deadline:
                if any(p.poll() is not None for p in processes):
                    break
                clock.sleep(0.05)
            assert _waiting_on_lock(db) == 2, "both processes should be held at the ledger"
            gate.commit()
        results = [p.communicate(timeout=120) for p in processes]
    finally:
        if gate is not None:
            gate.close()
        for process in processes:
            if process.poll() is None:  # only if a check above failed
                process.kill()
                process.communicate()
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, (out, err)
        assert "Traceback" not in err
    check_against(expected, db, sends(fake))
