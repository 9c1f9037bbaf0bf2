"""The weekly governance digest: once a week (Monday, or the next working day), counts only,
never a name; in a constant number of queries. Dates are injected; nothing sleeps."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from sqlalchemy import event
from sqlmodel import select

from bot.jobs.digest import post_governance_digest
from bot.outbox import Worker
from bot.settings import Policy as Office
from bot.settings import Settings
from bot.sweep import Job, SweepReport, run_sweep
from handlers.notifier import Notifier
from handlers.outgoing import SlackSender
from storage import declarations
from storage.db import Database
from storage.governance import gather
from storage.models import ApprovalStep, Declaration, Policy, Reminder, Staff
from tests.e2e.harness import ORG, seed_org
from tests.fakeslack import FakeSlack
from tests.fakeslack.server import Call

LONDON = ZoneInfo("Europe/London")
GOVERNANCE = "C0GOVERN"
MONDAY = date(2026, 11, 23)  # the digest counts Monday 16 to Sunday 22 November
JOBS = [Job("governance digest", post_governance_digest, working_days_only=True)]


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        for person in ORG:
            server.add_user(person.email, person.slack_id, name=person.name)
        yield server
        server.assert_clean()


@pytest.fixture
def org(db: Database) -> dict[str, Staff]:
    return seed_org(db)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=LONDON).astimezone(UTC)


class World:
    def __init__(self, db: Database, fake: FakeSlack, org: dict[str, Staff]) -> None:
        self.db, self.fake, self.org = db, fake, org
        self.settings = Settings(
            slack_bot_token="xoxb-sweep",
            slack_api_url=fake.api_url,
            database_url=db.url,
            policy=Office(governance_channel=GOVERNANCE),
        )
        self.notifier = Notifier(WebClient(token="xoxb-sweep", base_url=fake.api_url))

    def sweep(self, day: date, *, jobs: list[Job] = JOBS) -> SweepReport:
        # The runtime's delivery worker posts what the job queues, as `reminders run` does.
        sender = SlackSender(self.db, self.notifier, policy=self.settings.policy)
        return run_sweep(
            self.db, self.settings,
            day,
            at(day, 7),
            jobs=jobs,
            outbox=Worker(self.db, sender),
        )

    def declare(
        self, kind: str, who: str, on: datetime, *, waiting_since: datetime | None = None
    ) -> int:
        with self.db.session() as session:
            declarant = session.get(Staff, self.org[who].id)
            assert declarant is not None
            status = "pending" if waiting_since else "recorded"
            row = declarations.create_declaration(
                session, kind=kind, declarant=declarant, status=status
            )
            row.created_at = on
            if waiting_since:
                session.add(
                    ApprovalStep(
                        declaration_id=row.id,
                        role="line_manager",
                        purpose="authorise",
                        approver_id=self.org["manager"].id,
                        created_at=waiting_since,
                        clock_started_at=waiting_since,
                    )
                )
            session.commit()
            assert row.id is not None
            return row.id

    def posts(self) -> list[Call]:
        return [c for c in self.fake.calls("chat.postMessage") if c.args["channel"] == GOVERNANCE]


@pytest.fixture
def world(db: Database, fake: FakeSlack, org: dict[str, Staff]) -> World:
    return World(db, fake, org)


def text_of(call: Call) -> str:
    return call.args.get("text", "") + json.dumps(call.args.get("blocks", []), ensure_ascii=False)


def seed(world: World) -> None:
    """Last week: two gift offers, an interest, an outside work request and a notice; one
    declaration from the week before and one from this week; three decisions waiting (one
    for more than a week, one of them a notice); two lapsed clearances and one expiring;
    policies overdue, due, current and retired."""
    last_week = at(MONDAY - timedelta(days=5))  # Wednesday 18 November
    world.declare("gift", "alice", last_week, waiting_since=last_week)
    world.declare("gift", "eve", at(MONDAY - timedelta(days=7), 0))  # Monday 00:00, London
    world.declare("interest", "bob", last_week)
    world.declare("outside_work", "alice", last_week, waiting_since=at(MONDAY - timedelta(2)))
    world.declare("notice", "eve", last_week, waiting_since=last_week)  # confidential
    old = at(MONDAY - timedelta(days=10))
    world.declare("interest", "eve", old, waiting_since=old)  # waiting 10 days
    world.declare("gift", "bob", at(MONDAY, 6))  # this week (06:00 on the Monday)
    with world.db.session() as session:
        for key, expires in [
            ("alice", MONDAY - timedelta(days=1)),
            ("eve", date(2025, 1, 1)),
            ("bob", MONDAY + timedelta(days=10)),
            ("manager", MONDAY + timedelta(days=200)),
        ]:
            person = session.get(Staff, world.org[key].id)
            assert person is not None
            person.vetting_level = "NPPV2"
            person.vetting_expires = expires
            session.add(person)
        owner = world.org["mo"].id
        for title, next_review, active in [
            ("Staff Code of Conduct", date(2018, 3, 1), True),  # overdue
            ("Gifts and Hospitality", MONDAY + timedelta(days=45), True),  # due
            ("Whistleblowing", MONDAY + timedelta(days=400), True),
            ("Old Expenses Policy", date(2019, 1, 1), False),  # retired: not counted
        ]:
            session.add(Policy(title=title, owner_id=owner, next_review=next_review, active=active))
        session.commit()


def test_once_a_week_with_the_right_counts_and_no_names(world: World) -> None:
    seed(world)
    assert world.sweep(MONDAY - timedelta(days=1)).counts["governance_digest"] == 0  # Sunday
    report = world.sweep(MONDAY)
    assert report.failures == [] and report.counts["governance_digest"] == 1
    [post] = world.posts()
    text = text_of(post)
    assert "week beginning Mon 23 Nov 2026" in text
    assert "16–22 November 2026" in text
    assert (
        "4 — 2 gifts and hospitality offers, 1 interest, 1 outside work request." in text
    )  # the notice is not counted
    assert "*Decisions waiting*: 3, 1 of them for more than a week." in text
    assert "2 lapsed, 1 expiring in the next 30 days" in text
    assert "1 overdue for review, 1 due in the next 60 days" in text

    # Counts only: no one's name, email, Slack id, nor any reference or policy title.
    with world.db.session() as session:
        references = [d.reference for d in session.exec(select(Declaration)) if d.reference]
    for person in ORG:
        # Full and first names (some surnames here are ordinary words: "Vera Vetting").
        first = person.name.split()[0]
        for private in (person.name, first, person.email, person.slack_id):
            assert private not in text, private
    for private in [*references, "Code of Conduct", "NPPV2", "notice", "criminal"]:
        assert private not in text, private

    # The rest of the week: nothing more; next Monday: the next one.
    for day in range(1, 7):
        world.sweep(MONDAY + timedelta(days=day))
    assert len(world.posts()) == 1
    world.sweep(MONDAY + timedelta(days=7))
    assert len(world.posts()) == 2
    with world.db.session() as session:
        keys = [
            (r.kind, r.subject, r.recipient, r.due_on, r.status)
            for r in session.exec(select(Reminder).order_by(Reminder.id))
        ]
    assert keys == [
        ("governance_digest", "week:2026-11-23", f"channel:{GOVERNANCE}", MONDAY, "sent"),
        (
            "governance_digest",
            "week:2026-11-30",
            f"channel:{GOVERNANCE}",
            date(2026, 11, 30),
            "sent",
        ),
    ]


def test_a_second_run_the_same_day_sends_nothing(world: World) -> None:
    world.sweep(MONDAY)
    again = world.sweep(MONDAY)
    assert again.counts["governance_digest"] == 0
    assert len(world.posts()) == 1


def test_a_bank_holiday_monday_moves_it_to_tuesday(world: World) -> None:
    holiday = date(2026, 12, 28)  # the substitute Boxing Day bank holiday
    world.sweep(holiday)
    # Even run regardless of the working day, the job itself waits for Tuesday.
    world.sweep(holiday, jobs=[Job("digest", post_governance_digest)])
    assert world.posts() == []
    world.sweep(holiday + timedelta(days=1))
    [post] = world.posts()
    assert "week beginning Mon 28 Dec 2026" in text_of(post)
    with world.db.session() as session:
        [row] = session.exec(select(Reminder)).all()
    assert (row.subject, row.due_on) == ("week:2026-12-28", date(2026, 12, 29))


def test_without_a_governance_channel_there_is_no_digest(world: World) -> None:
    world.settings = Settings(
        slack_bot_token="xoxb-sweep", slack_api_url=world.fake.api_url, database_url=world.db.url
    )
    report = world.sweep(MONDAY)
    assert report.failures == [] and world.fake.calls() == []


def test_a_channel_nolan_is_not_in_is_reported_and_retried(world: World) -> None:
    world.fake.slack_error_next("chat.postMessage", "not_in_channel")
    report = world.sweep(MONDAY)
    [failure] = report.failures
    assert "not_in_channel" in failure and "/invite @Nolan" in failure
    assert world.posts() == []
    assert world.sweep(MONDAY + timedelta(days=1)).failures == []
    assert len(world.posts()) == 1


def test_the_counts_take_the_same_few_queries_however_much_there_is(world: World) -> None:
    def queries() -> int:
        statements: list[str] = []

        def record(*args: Any) -> None:
            statements.append(args[2])

        event.listen(world.db.engine, "before_cursor_execute", record)
        try:
            with world.db.session() as session:
                gather(session, today=MONDAY, now=at(MONDAY), tz=LONDON, policy_window_days=60)
        finally:
            event.remove(world.db.engine, "before_cursor_execute", record)
        return len(statements)

    few = queries()
    seed(world)
    with world.db.session() as session:
        for n in range(60):
            session.add(
                Staff(email=f"s{n}@opcc.example", name=f"S {n}", vetting_expires=date(2020, 1, 1))
            )
        session.commit()
    for _ in range(20):
        world.declare("gift", "alice", at(MONDAY - timedelta(days=3)), waiting_since=at(MONDAY))
    assert queries() == few == 4
