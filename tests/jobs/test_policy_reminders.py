"""Policy review reminders, swept day by day against a real database and the fake Slack:
each lead time and each overdue week posts once in the policy's channel and DMs the owner;
weekends move a reminder to the next working day; a channel Nolan isn't in is reported,
retried, and the owner is still told. Dates are injected; nothing sleeps."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from sqlmodel import select

from bot.cli import main
from bot.jobs.policies import remind_policy_reviews
from bot.outbox import Worker
from bot.settings import Policy as Office
from bot.settings import Settings
from bot.sweep import Job, SweepReport, run_sweep
from handlers.notifier import Notifier
from handlers.outgoing import SlackSender
from storage.db import Database
from storage.models import Policy, Reminder, Staff
from tests.e2e.harness import ORG, seed_org
from tests.fakeslack import FakeSlack
from tests.fakeslack.server import Call

LONDON = ZoneInfo("Europe/London")
CHANNEL = "C0POLICIES"
IN_CHANNEL = f"channel:{CHANNEL}"  # the outbox's recipient of a post in the channel
REVIEW = date(2027, 6, 18)  # a Friday: the day after is a Saturday
JOBS = [Job("policy reviews", remind_policy_reviews, working_days_only=True)]


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


class World:
    def __init__(self, db: Database, fake: FakeSlack, org: dict[str, Staff]) -> None:
        self.db, self.fake, self.org = db, fake, org
        self.settings = Settings(
            slack_bot_token="xoxb-sweep", slack_api_url=fake.api_url, database_url=db.url
        )
        self.notifier = Notifier(WebClient(token="xoxb-sweep", base_url=fake.api_url))

    def policy(self, **values: object) -> int:
        fields: dict[str, object] = {
            "title": "Staff Code of Conduct",
            "owner_id": self.org["alice"].id,
            "url": "https://intranet.opcc.example/code.pdf",
            "last_reviewed": date(2025, 6, 18),
            "review_months": 24,
            "next_review": REVIEW,
            "channel_id": CHANNEL,
            "is_code_of_conduct": True,
        }
        fields.update(values)
        with self.db.session() as session:
            row = Policy(**fields)  # type: ignore[arg-type]
            session.add(row)
            session.commit()
            assert row.id is not None
            return row.id

    def sweep(self, day: date, at: time = time(10, 0)) -> SweepReport:
        now = datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)
        # The runtime's delivery worker sends what the job owes, as `reminders run` does.
        sender = SlackSender(self.db, self.notifier, policy=self.settings.policy)
        outbox = Worker(self.db, sender)
        return run_sweep(self.db, self.settings, day, now, jobs=JOBS, outbox=outbox)

    def posts(self, channel: str) -> list[Call]:
        return [c for c in self.fake.calls("chat.postMessage") if c.args["channel"] == channel]

    def ledger(self) -> list[Reminder]:
        with self.db.session() as session:
            return list(session.exec(select(Reminder).order_by(Reminder.id)))


@pytest.fixture
def world(db: Database, fake: FakeSlack, org: dict[str, Staff]) -> World:
    return World(db, fake, org)


def text_of(call: Call) -> str:
    return call.args.get("text", "") + json.dumps(call.args.get("blocks", []), ensure_ascii=False)


def days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def test_each_lead_time_and_each_overdue_week_once_in_the_channel_and_to_the_owner(
    world: World,
) -> None:
    policy_id = world.policy()
    sent_on: dict[date, list[str]] = {}
    for day in days(date(2027, 4, 1), date(2027, 7, 2)):
        before = len(world.fake.calls("chat.postMessage"))
        report = world.sweep(day)
        assert report.failures == []
        new = world.fake.calls("chat.postMessage")[before:]
        if new:
            sent_on[day] = [c.args["channel"] for c in new]
    # 60, 30 and 7 days before; then the day after (a Saturday: Monday) and a week later.
    assert sent_on == {
        date(2027, 4, 19): [CHANNEL, "UALICE"],
        date(2027, 5, 19): [CHANNEL, "UALICE"],
        date(2027, 6, 11): [CHANNEL, "UALICE"],
        date(2027, 6, 21): [CHANNEL, "UALICE"],
        date(2027, 6, 28): [CHANNEL, "UALICE"],
    }
    posts = world.posts(CHANNEL)
    assert "in 60 days" in text_of(posts[0]) and "in 30 days" in text_of(posts[1])
    assert "in 7 days" in text_of(posts[2]) and "18 June 2027" in text_of(posts[2])
    assert all("overdue" in text_of(p) for p in posts[3:])
    assert "<@UALICE>" in text_of(posts[0])  # the owner is named in the channel
    assert all(
        b["elements"][0]["action_id"] == "policy_mark_reviewed"
        for p in [*posts, *world.posts("UALICE")]
        for b in p.args["blocks"]
        if b["type"] == "actions"
    )
    keys = {(r.kind, r.recipient, r.due_on, r.status) for r in world.ledger()}
    assert keys == {
        (kind, who, due, "sent")
        for kind, due in [
            ("policy_review", date(2027, 4, 19)),
            ("policy_review", date(2027, 5, 19)),
            ("policy_review", date(2027, 6, 11)),
            ("policy_overdue", date(2027, 6, 19)),  # fell on Saturday, sent on Monday
            ("policy_overdue", date(2027, 6, 26)),
        ]
        for who in (IN_CHANNEL, f"staff:{world.org['alice'].id}")
    }
    assert {r.subject for r in world.ledger()} == {f"policy:{policy_id}"}
    # The channel post's place is kept, so marking it reviewed can update it.
    assert all(r.ts and r.channel for r in world.ledger())


def test_a_lead_time_on_a_weekend_goes_on_the_next_working_day(world: World) -> None:
    world.policy(next_review=date(2027, 3, 1))  # 30 days before: Saturday 30 January
    assert world.sweep(date(2026, 12, 31)).counts["policy_reminded"] == 2  # 60 days before
    assert world.sweep(date(2027, 1, 29)).counts["policy_reminded"] == 0
    world.sweep(date(2027, 1, 30))  # Saturday: the job does not run
    world.sweep(date(2027, 1, 31))
    assert len(world.posts(CHANNEL)) == 1
    report = world.sweep(date(2027, 2, 1))
    assert report.counts["policy_reminded"] == 2
    post = world.posts(CHANNEL)[-1]
    assert "in 28 days" in text_of(post)
    assert {r.due_on for r in world.ledger()} == {date(2026, 12, 31), date(2027, 1, 30)}


def test_missed_lead_times_send_only_the_latest(world: World) -> None:
    world.policy(next_review=date(2027, 3, 1))
    world.sweep(date(2027, 2, 25))  # 4 days before: the 60- and 30-day ones were missed
    [post] = world.posts(CHANNEL)
    assert "in 4 days" in text_of(post)
    assert [r.due_on for r in world.ledger()] == [date(2027, 2, 22)] * 2


def test_a_second_run_sends_nothing(world: World) -> None:
    world.policy()
    first = world.sweep(date(2027, 4, 19))
    second = world.sweep(date(2027, 4, 19), at=time(15, 0))
    assert first.counts["policy_reminded"] == 2 and second.counts["policy_reminded"] == 0
    assert len(world.fake.calls("chat.postMessage")) == 2
    assert len(world.ledger()) == 2


def test_retired_and_current_policies_are_left_alone(world: World) -> None:
    world.policy(active=False)
    world.policy(next_review=date(2028, 6, 18))
    for day in days(date(2027, 4, 1), date(2027, 7, 2)):
        world.sweep(day)
    assert world.fake.calls("chat.postMessage") == []


def test_a_policy_without_a_channel_reminds_its_owner_only(world: World) -> None:
    world.policy(channel_id=None)
    world.sweep(date(2027, 4, 19))
    assert [c.args["channel"] for c in world.fake.calls("chat.postMessage")] == ["UALICE"]


def test_not_in_the_channel_is_reported_the_owner_is_told_and_it_is_retried(
    world: World,
) -> None:
    world.policy()
    world.fake.slack_error_next("chat.postMessage", "not_in_channel")
    report = world.sweep(date(2027, 4, 19))

    # The channel post was refused; the sweep went on and the owner heard, with the fix.
    [refused] = world.fake.rejected
    assert (refused.args["channel"], refused.error) == (CHANNEL, "not_in_channel")
    [failure] = report.failures
    assert "not_in_channel" in failure and "Invite Nolan" in failure
    [dm] = world.fake.calls("chat.postMessage")
    assert dm.args["channel"] == "UALICE"
    assert "isn't a member" in text_of(dm) and "/invite @Nolan" in text_of(dm)
    assert f"<#{CHANNEL}>" in text_of(dm)
    failed = next(r for r in world.ledger() if r.recipient == IN_CHANNEL)
    # Given up by the outbox (no retry mends it), and tried once more by each run.
    assert failed.status == "dead" and "not_in_channel" in (failed.last_error or "")

    # Nolan is invited: the next run posts in the channel and does not tell the owner again.
    again = world.sweep(date(2027, 4, 20))
    assert again.failures == []
    assert [c.args["channel"] for c in world.fake.calls("chat.postMessage")] == [
        "UALICE",
        CHANNEL,
    ]
    assert {r.status for r in world.ledger()} == {"sent"}


def test_the_owner_hears_in_their_own_working_hours(world: World, db: Database) -> None:
    with db.session() as session:
        alice = session.get(Staff, world.org["alice"].id)
        assert alice is not None
        alice.tz = "Europe/London"
        session.add(alice)
        session.commit()
    world.policy()
    world.sweep(date(2027, 4, 19), at=time(7, 0))  # the default sweep time: too early
    assert [c.args["channel"] for c in world.fake.calls("chat.postMessage")] == [CHANNEL]
    [scheduled] = world.fake.calls("chat.scheduleMessage")
    at = datetime.fromtimestamp(int(scheduled.args["post_at"]), LONDON)
    assert (at.date(), at.time()) == (date(2027, 4, 19), time(9, 0))
    assert {r.status for r in world.ledger()} == {"sent"}


def test_reminders_run_prints_the_policy_reminders(world: World) -> None:
    world.policy()
    out, err = io.StringIO(), io.StringIO()
    environ = {
        "DATABASE_URL": world.db.url,
        "SLACK_API_URL": world.fake.api_url,
        "SLACK_BOT_TOKEN": "xoxb-cli",
        "POLICY_LEAD_DAYS": "90,14",
    }
    code = main(
        ["reminders", "run", "--today", "2027-04-19"], environ=environ, stdout=out, stderr=err
    )
    assert (code, err.getvalue()) == (0, "")
    # With POLICY_LEAD_DAYS=90,14 the 90-day reminder (20 March) is the one due on 19 April.
    assert f"Posted in channel {CHANNEL} that policy “Staff Code of Conduct”" in out.getvalue()
    assert "Reminded Alice Able that policy “Staff Code of Conduct”" in out.getvalue()
    assert "sent 2 policy review reminders" in out.getvalue()
    # (The whole sweep ran: other kinds of reminder may be in the ledger too.)
    mine = [r for r in world.ledger() if r.kind.startswith("policy_")]
    assert {(r.recipient, r.due_on) for r in mine} == {
        (IN_CHANNEL, date(2027, 3, 20)),
        (f"staff:{world.org['alice'].id}", date(2027, 3, 20)),
    }


def test_settings_for_policy_reminders() -> None:
    from bot.settings import SettingsError, load_settings

    base = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    loaded = load_settings(base, dotenv_path=None)
    assert loaded.policy.policy_lead_days == (60, 30, 7) == Office().policy_lead_days
    assert loaded.policy.governance_channel == ""
    custom = load_settings(
        {**base, "POLICY_LEAD_DAYS": "7, 90,30", "GOVERNANCE_CHANNEL": "C0GOV"}, dotenv_path=None
    )
    assert custom.policy.policy_lead_days == (90, 30, 7)
    assert custom.policy.governance_channel == "C0GOV"
    for name, value in [
        ("POLICY_LEAD_DAYS", "60,soon"),
        ("POLICY_LEAD_DAYS", "400"),
        ("GOVERNANCE_CHANNEL", "#governance"),
    ]:
        with pytest.raises(SettingsError, match=name):
            load_settings({**base, name: value}, dotenv_path=None)
