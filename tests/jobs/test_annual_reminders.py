"""The yearly round in the daily sweep, against a real database and the fake Slack Web API:
the annual declaration (once to each active member of staff, weekly reminders to those who
have not answered, then the monitoring officer's list), the undertaking for new starters
(from a real re-import of the org chart), and outside-work anniversary reviews. Dates are
injected; nothing sleeps."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from sqlalchemy import event
from sqlmodel import col, select

from bot.cli import main
from bot.jobs import all_jobs
from bot.outbox import Worker
from bot.rules.annual import round_of
from bot.rules.calendar import next_working_day
from bot.settings import Policy, Settings
from bot.sweep import SweepReport, run_sweep
from handlers.notifier import Notifier
from handlers.outgoing import SlackSender
from storage import confirmations, declarations
from storage.db import Database
from storage.models import (
    ApprovalStep,
    AuditEntry,
    Confirmation,
    Interest,
    OutsideWork,
    Reminder,
    Staff,
)
from tests.e2e.harness import ORG, seed_org
from tests.fakeslack import FakeSlack
from tests.fakeslack.server import Call

LONDON = ZoneInfo("Europe/London")
ANNUAL_DAY = date(2027, 4, 1)  # a Thursday
WEEK = timedelta(weeks=1)
MY_JOBS = ("annual declaration", "code of conduct undertaking", "outside-work reviews")


def at(day: date, hour: int = 7) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON).astimezone(UTC)


class World:
    """The database, the fake Slack, and the yearly round's jobs driven by date."""

    def __init__(self, db: Database, fake: FakeSlack, org: dict[str, Staff]) -> None:
        self.db, self.fake, self.org = db, fake, org
        self.policy = Policy()
        self.notifier = Notifier(WebClient(token="xoxb-annual", base_url=fake.api_url))

    @property
    def settings(self) -> Settings:
        return Settings(
            slack_bot_token="xoxb-annual",
            slack_api_url=self.fake.api_url,
            database_url=self.db.url,
            policy=self.policy,
        )

    def sweep(self, day: date, hour: int = 7, *, deliver: bool = True) -> SweepReport:
        """Our jobs as the sweep runs them (07:00 office time unless `hour` says); without
        `deliver`, what they owe is left in the outbox (`worker` sends it)."""
        jobs = [j for j in all_jobs() if j.name in MY_JOBS]
        assert len(jobs) == len(MY_JOBS)
        # The runtime's delivery worker sends what the jobs queue, as `reminders run` does.
        settings = self.settings
        worker = self.worker() if deliver else None
        return run_sweep(
            self.db, settings, day, at(day, hour), jobs=jobs, outbox=worker
        )

    def worker(self) -> Worker:
        return Worker(self.db, SlackSender(self.db, self.notifier, policy=self.policy))

    def id(self, key: str) -> int:
        found = self.org[key].id
        assert found is not None
        return found

    def dms(self, user: str, contains: str = "") -> list[Call]:
        return [
            c
            for c in self.fake.calls("chat.postMessage")
            if c.args["channel"] == user and contains in text_of(c)
        ]

    def answer(self, key: str, response: str = "confirmed", year: int = 2027) -> None:
        with self.db.session() as session:
            assert confirmations.confirm(
                session,
                confirmations.Asked("annual_declaration", f"staff:{self.id(key)}", str(year)),
                staff_id=self.id(key),
                response=response,
                at=at(ANNUAL_DAY, 12),
            )
            session.commit()

    def interest(self, key: str, *, on: date, status: str = "noted", **fields: Any) -> int:
        with self.db.session() as session:
            declarant = session.get(Staff, self.id(key))
            assert declarant is not None
            d = declarations.create_declaration(
                session, kind="interest", declarant=declarant, status=status
            )
            d.created_at = at(on, 10)
            assert d.id is not None
            values: dict[str, Any] = {
                "category": "financial",
                "organisation": "Acme Cleaning Ltd",
                "description": "I own 5% of the shares",
                "started_on": date(2020, 1, 1),
                "conflict": "They bid for our cleaning contract",
            }
            values.update(fields)
            session.add(Interest(declaration_id=d.id, **values))
            session.commit()
            return d.id

    def waiting(self, declaration_id: int, approver: str) -> None:
        """A step of `declaration_id` waiting for `approver`'s decision."""
        with self.db.session() as session:
            session.add(
                ApprovalStep(
                    declaration_id=declaration_id,
                    role="line_manager",
                    purpose="note",
                    approver_id=self.id(approver),
                )
            )
            session.commit()

    def grant(self, key: str, *, granted: datetime, **fields: Any) -> int:
        """An outside-work permission granted at `granted` (the head's step)."""
        with self.db.session() as session:
            declarant = session.get(Staff, self.id(key))
            assert declarant is not None
            d = declarations.create_declaration(
                session, kind="outside_work", declarant=declarant, status="approved"
            )
            d.created_at = granted - timedelta(days=3)
            assert d.id is not None
            values: dict[str, Any] = {
                "organisation": "Riverside Youth Football Club",
                "role": "Volunteer coach",
                "paid": False,
                "hours_per_week": 3,
                "when": "outside_hours",
                "start_date": date(2020, 9, 1),
            }
            values.update(fields)
            session.add(OutsideWork(declaration_id=d.id, **values))
            session.add(
                ApprovalStep(
                    declaration_id=d.id,
                    position=1,
                    stage=1,
                    role="line_manager",
                    purpose="recommend",
                    approver_id=self.id("manager"),
                    status="supported",
                    decided_by_id=self.id("manager"),
                    decided_at=granted - timedelta(days=1),
                )
            )
            session.add(
                ApprovalStep(
                    declaration_id=d.id,
                    position=2,
                    stage=2,
                    role="head_of_office",
                    purpose="grant",
                    approver_id=self.id("head"),
                    status="granted",
                    decided_by_id=self.id("head"),
                    decided_at=granted,
                )
            )
            session.commit()
            return d.id

    def audit(self, action: str) -> list[dict[str, Any]]:
        with self.db.session() as session:
            rows = session.exec(
                select(AuditEntry).where(AuditEntry.action == action).order_by(col(AuditEntry.id))
            )
            return [json.loads(a.detail) for a in rows]


def text_of(call: Call) -> str:
    return call.args.get("text", "") + json.dumps(call.args.get("blocks", []), ensure_ascii=False)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        for person in ORG:
            server.add_user(person.email, person.slack_id, name=person.name)
        yield server
        server.assert_clean()


@pytest.fixture
def org(db: Database) -> dict[str, Staff]:
    people = seed_org(db)
    with db.session() as session:
        gone = Staff(email="gone@opcc.example", name="Gone Away", slack_user_id="UGONE")
        gone.active = False
        session.add(gone)
        session.commit()
    return people


@pytest.fixture
def world(db: Database, fake: FakeSlack, org: dict[str, Staff]) -> World:
    return World(db, fake, org)


ACTIVE = [p.slack_id for p in ORG]


# -- the annual declaration --------------------------------------------------------------------


def test_nothing_before_the_annual_day(world: World) -> None:
    report = world.sweep(ANNUAL_DAY - timedelta(days=1))
    assert world.fake.calls("chat.postMessage") == []
    assert report.counts == {}


def test_annual_day_asks_every_active_member_of_staff_once(world: World) -> None:
    world.interest("alice", on=date(2026, 5, 1))
    pending = world.interest(
        "alice", on=date(2026, 6, 1), status="pending", organisation="Pending Ltd"
    )
    world.waiting(pending, "manager")
    world.interest("alice", on=date(2026, 6, 2), organisation="Old Co", ended_on=date(2026, 12, 1))
    withdrawn = world.interest(
        "alice", on=date(2026, 6, 3), status="withdrawn", organisation="Withdrawn Co"
    )
    world.waiting(withdrawn, "manager")
    # Eve's only interest still waits: she is not told she has none.
    world.waiting(world.interest("eve", on=date(2026, 7, 1), status="pending"), "head")
    world.grant("alice", granted=at(date(2026, 9, 1), 11))

    report = world.sweep(ANNUAL_DAY)

    assert report.counts["annual_sent"] == len(ACTIVE)
    posted = world.fake.calls("chat.postMessage")
    assert sorted(c.args["channel"] for c in posted) == sorted(ACTIVE)  # not UGONE
    [alice] = world.dms("UALICE")
    body = text_of(alice)
    assert "Annual declaration 2027" in body
    assert "Acme Cleaning Ltd" in body and "I own 5% of the shares" in body
    assert "Acme Cleaning Ltd" in body and "I own 5% of the shares" in body
    [decided] = [line for line in body.split("•") if "Acme Cleaning Ltd" in line]
    assert "waiting" not in decided
    [waiting] = [line for line in body.split("•") if "Pending Ltd" in line]
    assert "waiting for a decision from Manny Manager" in waiting
    assert "Old Co" not in body  # ended
    assert "Withdrawn Co" not in body
    assert "Volunteer coach at Riverside Youth Football Club" in body
    assert "Thursday 29 April 2027" in body  # answer by: the day of the last reminder
    actions = [
        e["action_id"]
        for b in alice.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert actions == [
        "annual_nothing_changed",
        "annual_declare_interest",
        "annual_ask_outside_work",
    ]
    [bob] = world.dms("UBOB")
    assert "None declared" in text_of(bob)
    [eve] = world.dms("UEVE")
    assert "None declared" not in text_of(eve)
    assert "waiting for a decision from Harriet Head" in text_of(eve)
    assert world.audit("annual_declaration_sent")[-1]["asked"] == len(ACTIVE)

    # A second run the same day (or two processes) sends nothing more.
    again = world.sweep(ANNUAL_DAY)
    assert len(world.fake.calls("chat.postMessage")) == len(ACTIVE)
    assert again.counts == {}
    with world.db.session() as session:
        rows = session.exec(select(Reminder).where(Reminder.kind == "annual_declaration")).all()
    assert len(rows) == len(ACTIVE) and {r.due_on for r in rows} == {ANNUAL_DAY}
    assert {r.subject for r in rows} == {f"staff:{world.id(p.key)}" for p in ORG}


def test_a_weekend_annual_day_goes_the_next_working_day(world: World) -> None:
    saturday = date(2028, 4, 1)
    assert saturday.weekday() == 5
    world.sweep(saturday)
    world.sweep(saturday + timedelta(days=1))
    assert world.fake.calls("chat.postMessage") == []
    world.sweep(date(2028, 4, 3))
    assert len(world.fake.calls("chat.postMessage")) == len(ACTIVE)
    with world.db.session() as session:
        due = set(
            session.exec(select(Reminder.due_on).where(Reminder.kind == "annual_declaration"))
        )
    assert due == {date(2028, 4, 3)}


def test_a_configured_day_and_a_missed_sweep(world: World) -> None:
    world.policy = Policy(annual_declaration_day=(6, 15), annual_declaration_reminder_weeks=2)
    world.sweep(date(2027, 6, 14))
    assert world.fake.calls("chat.postMessage") == []
    # The sweep did not run on the 15th: the 16th sends the first message, not a reminder.
    world.sweep(date(2027, 6, 16))
    assert len(world.fake.calls("chat.postMessage")) == len(ACTIVE)
    assert not world.dms("UALICE", "Reminder")


def test_weekly_reminders_to_those_who_have_not_answered_then_the_list(world: World) -> None:
    world.sweep(ANNUAL_DAY)
    world.answer("alice")
    world.answer("manager", response="updated")
    # Eve declares an interest after the annual day: that is her answer.
    world.interest("eve", on=ANNUAL_DAY + timedelta(days=2), status="pending")
    world.fake.reset()

    for day in (ANNUAL_DAY + timedelta(days=d) for d in range(1, 7)):
        world.sweep(day)
    assert world.fake.calls("chat.postMessage") == []

    first = world.sweep(ANNUAL_DAY + WEEK)
    reminded = sorted(c.args["channel"] for c in world.fake.calls("chat.postMessage"))
    assert reminded == ["UBOB", "UHEAD", "UMO", "UVET"]
    assert first.counts["annual_reminded"] == 4
    assert "Reminder 1 of 4" in text_of(world.dms("UBOB")[0])
    with world.db.session() as session:
        eve = confirmations.get(
            session, confirmations.Asked("annual_declaration", f"staff:{world.id('eve')}", "2027")
        )
    assert eve is not None and eve.response == "updated"

    world.answer("head")
    for week in (2, 3):
        world.sweep(ANNUAL_DAY + week * WEEK)
        world.sweep(ANNUAL_DAY + week * WEEK + timedelta(days=1))  # nothing the day after
    world.sweep(ANNUAL_DAY + 4 * WEEK)
    bob = world.dms("UBOB")
    assert [b for b in bob if "Reminder" in text_of(b)] == bob and len(bob) == 4
    assert "Reminder 4 of 4" in text_of(bob[-1])
    assert len(world.dms("UHEAD")) == 1  # answered after the first reminder
    assert not world.dms("UMO", "not answered")  # the list is not due yet

    # 29 April was the last reminder; the list goes on 30 April, once.
    world.fake.reset()
    report = world.sweep(date(2027, 4, 30))
    posted = world.fake.calls("chat.postMessage")
    assert [c.args["channel"] for c in posted] == ["UMO"]
    body = text_of(posted[0])
    for name in ("Bob Loner", "Morgan Monitor", "Vera Vetting"):
        assert name in body
    for name in ("Alice Able", "Eve Other", "Manny Manager", "Harriet Head"):
        assert name not in body
    assert "3 of 7" in body
    assert report.counts["annual_nonresponders"] == 1
    world.sweep(date(2027, 5, 3))
    world.sweep(date(2027, 5, 10))
    assert len(world.fake.calls("chat.postMessage")) == 1
    assert world.audit("annual_nonresponders_sent")[-1]["not_answered"] == 3


def test_no_list_for_a_year_nolan_never_sent(world: World) -> None:
    """Installed in May: nobody was asked in April, so there is no one to chase or list,
    and a declaration made since is not taken for an answer to it."""
    world.interest("eve", on=date(2027, 4, 20))
    world.sweep(date(2027, 5, 3))
    world.sweep(date(2027, 11, 3))
    assert world.fake.calls("chat.postMessage") == []
    with world.db.session() as session:
        assert session.exec(select(Confirmation)).all() == []


def test_a_failed_send_is_retried_on_the_next_run(world: World) -> None:
    world.fake.fail_next("chat.postMessage", status=500, times=len(ACTIVE))
    first = world.sweep(ANNUAL_DAY)
    assert first.failures and "could not send" in first.failures[0]
    world.sweep(ANNUAL_DAY + timedelta(days=1))
    channels = [c.args["channel"] for c in world.fake.calls("chat.postMessage")]
    assert sorted(channels) == sorted(ACTIVE)


def test_dms_arrive_in_the_recipients_working_hours(world: World, db: Database) -> None:
    with db.session() as session:
        alice = session.get(Staff, world.id("alice"))
        assert alice is not None
        alice.tz = "America/Los_Angeles"  # 07:00 in London is 23:00 there
        session.add(alice)
        session.commit()
    world.sweep(ANNUAL_DAY)
    [scheduled] = world.fake.calls("chat.scheduleMessage")
    assert scheduled.args["channel"] == "UALICE"
    assert "UALICE" not in [c.args["channel"] for c in world.fake.calls("chat.postMessage")]
    # Scheduled counts as sent: not again.
    world.sweep(ANNUAL_DAY)
    assert len(world.fake.calls("chat.scheduleMessage")) == 1


def test_starters_after_the_annual_day_are_not_asked(world: World, db: Database) -> None:
    with db.session() as session:
        new = session.get(Staff, world.id("bob"))
        assert new is not None
        new.starter_since = ANNUAL_DAY + timedelta(days=3)
        session.add(new)
        session.commit()
    world.sweep(ANNUAL_DAY + WEEK)  # the sweep first runs a week late
    assert not world.dms("UBOB", "Annual declaration")


def test_the_query_count_does_not_grow_with_the_staff(db: Database, fake: FakeSlack) -> None:
    """Loading is a fixed number of queries; only owing (one ledger row per person due a
    message) grows with the people due one. Sending is the outbox's: a fixed number of
    statements per message, the DM drawn from the registers as they are when it goes."""
    queries: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
    world = World(db, fake, {})

    def add(n: int, start: int) -> None:
        with db.session() as session:
            for i in range(start, start + n):
                session.add(
                    Staff(email=f"p{i}@opcc.example", name=f"P {i}", slack_user_id=f"UP{i}")
                )
            session.commit()

    def count(day: date) -> int:
        queries.clear()
        world.sweep(day)
        return len(queries)

    def owing_then_sending(day: date) -> tuple[int, int]:
        queries.clear()
        world.sweep(day, deliver=False)
        owing = len(queries)
        queries.clear()
        world.worker().run_once(at=at(day))
        return owing, len(queries)

    add(10, 0)
    small = owing_then_sending(ANNUAL_DAY)
    add(90, 10)
    large = owing_then_sending(ANNUAL_DAY)  # the 90 newcomers are due; the first 10 are done
    per_person = (large[0] - small[0]) / 80
    assert per_person == int(per_person) and per_person <= 1
    # Per message: claim, draw (the person, their answer, three for the registers), send,
    # record; the outbox's passes add none per message.
    per_message = (large[1] - small[1]) / 80
    assert per_message == int(per_message) and per_message <= 10
    assert len(world.fake.calls("chat.postMessage")) == 100
    # On a reminder day with everyone answered, nothing is per person.
    with db.session() as session:
        for staff_id in session.exec(select(Staff.id)):
            assert staff_id is not None
            confirmations.confirm(
                session,
                confirmations.Asked("annual_declaration", f"staff:{staff_id}", "2027"),
                staff_id=staff_id,
                response="confirmed",
                at=at(ANNUAL_DAY),
            )
        session.commit()
    quiet = count(ANNUAL_DAY + WEEK)
    add(500, 100)
    with db.session() as session:
        for staff_id in session.exec(select(Staff.id).where(col(Staff.id) > 100)):
            assert staff_id is not None
            confirmations.confirm(
                session,
                confirmations.Asked("annual_declaration", f"staff:{staff_id}", "2027"),
                staff_id=staff_id,
                response="confirmed",
                at=at(ANNUAL_DAY),
            )
        session.commit()
    assert count(ANNUAL_DAY + WEEK + timedelta(days=1)) == quiet


def test_reminders_run_from_the_command_line(world: World) -> None:
    out, err = io.StringIO(), io.StringIO()
    environ = {"SLACK_BOT_TOKEN": "xoxb-cli", "DATABASE_URL": world.db.url}
    environ["SLACK_API_URL"] = world.fake.api_url
    code = main(
        ["reminders", "run", "--today", "2027-04-01"], environ=environ, stdout=out, stderr=err
    )
    assert f"Sent the annual declaration 2027 to {len(ACTIVE)} people." in out.getvalue()
    assert f"sent {len(ACTIVE)} annual declarations" in out.getvalue()
    assert code == 0, err.getvalue()
    code = main(
        ["reminders", "run", "--today", "2027-04-01"], environ=environ, stdout=out, stderr=err
    )
    assert len(world.fake.calls("chat.postMessage")) == len(ACTIVE)


# -- new starters: the undertaking -----------------------------------------------------------------

HEADER = "email,name,line_manager_email,roles"


def write_chart(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "staff.csv"
    lines = [HEADER] + [f"{p.email},{p.name},,{p.roles}" for p in ORG] + list(rows)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_chart(db: Database, fake: FakeSlack, path: Path) -> str:
    out, err = io.StringIO(), io.StringIO()
    environ = {"SLACK_BOT_TOKEN": "xoxb-cli", "DATABASE_URL": db.url, "SLACK_API_URL": fake.api_url}
    code = main(["staff", "import", str(path)], environ=environ, stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    return out.getvalue()


@pytest.fixture
def empty_world(db: Database, fake: FakeSlack) -> World:
    fake.add_user("nina@opcc.example", "UNINA", name="Nina New")
    return World(db, fake, {})


def starters(db: Database) -> dict[str, date | None]:
    with db.session() as session:
        return {s.email: s.starter_since for s in session.exec(select(Staff))}


def test_the_first_import_makes_no_starters_a_later_one_does(
    empty_world: World, db: Database, fake: FakeSlack, tmp_path: Path
) -> None:
    today = datetime.now(UTC).date()  # the import stamps its own (real) date
    working_day = next_working_day(today)
    import_chart(db, fake, write_chart(tmp_path))
    assert set(starters(db).values()) == {None}
    empty_world.sweep(working_day)
    assert fake.calls("chat.postMessage") == []

    import_chart(db, fake, write_chart(tmp_path, "nina@opcc.example,Nina New,,"))
    since = starters(db)
    assert since.pop("nina@opcc.example") == today
    assert set(since.values()) == {None}

    report = empty_world.sweep(working_day)
    assert not report.failures, report.failures
    # Nina's Slack time zone came with the import: at 07:00 the DM waits for 09:00 there.
    assert fake.calls("chat.postMessage") == []
    [dm] = fake.calls("chat.scheduleMessage")
    assert dm.args["channel"] == "UNINA"
    body = text_of(dm)
    assert "I, *Nina New*, as a member of staff of the Office of the Police and Crime" in body
    assert "update the Monitoring Officer on any changes" in body
    assert "I have read and will comply with the code" in body
    assert "Ask the Monitoring Officer for a copy" in body  # no link configured
    assert report.counts["undertaking_sent"] == 1
    empty_world.sweep(working_day, hour=10)
    assert len(fake.calls("chat.scheduleMessage")) == 1
    assert fake.calls("chat.postMessage") == []

    # Importing the same chart again makes no one new.
    import_chart(db, fake, write_chart(tmp_path, "nina@opcc.example,Nina New,,"))
    assert starters(db)["nina@opcc.example"] == today


def test_undertaking_reminders_weekly_until_accepted(world: World, db: Database) -> None:
    start = date(2027, 6, 7)  # a Monday
    world.policy = Policy(code_of_conduct_url="https://opcc.example/code.pdf")
    with db.session() as session:
        bob = session.get(Staff, world.id("bob"))
        eve = session.get(Staff, world.id("eve"))
        assert bob is not None and eve is not None
        bob.starter_since = eve.starter_since = start
        session.add_all([bob, eve])
        session.commit()
    world.sweep(start - timedelta(days=3))
    assert world.fake.calls("chat.postMessage") == []
    world.sweep(start)
    assert len(world.dms("UBOB")) == 1 and len(world.dms("UEVE")) == 1
    assert "<https://opcc.example/code.pdf|" in text_of(world.dms("UBOB")[0])
    with db.session() as session:
        confirmations.confirm(
            session,
            confirmations.Asked("undertaking", f"staff:{world.id('eve')}", "v1"),
            staff_id=world.id("eve"),
            response="accepted",
            at=at(start, 12),
        )
        session.commit()
    for day in range(1, 50):
        world.sweep(start + timedelta(days=day))
    bob_dms = world.dms("UBOB")
    assert len(bob_dms) == 5  # the undertaking and four weekly reminders
    assert "Reminder 4 of 4" in text_of(bob_dms[-1])
    assert len(world.dms("UEVE")) == 1


def test_the_code_of_conduct_policy_link_wins(world: World, db: Database) -> None:
    from storage.models import Policy as PolicyRow

    with db.session() as session:
        session.add(
            PolicyRow(
                title="Staff code", url="https://intranet.example/code", is_code_of_conduct=True
            )
        )
        bob = session.get(Staff, world.id("bob"))
        assert bob is not None
        bob.starter_since = date(2027, 6, 7)
        session.add(bob)
        session.commit()
    world.policy = Policy(code_of_conduct_url="https://opcc.example/old.pdf")
    world.sweep(date(2027, 6, 7))
    assert "<https://intranet.example/code|" in text_of(world.dms("UBOB")[0])


# -- outside-work anniversary reviews --------------------------------------------------------------


def test_review_on_each_anniversary_of_the_grant(world: World) -> None:
    granted = at(date(2026, 6, 15), 16)
    declaration_id = world.grant("alice", granted=granted)
    world.sweep(date(2027, 6, 14))
    assert world.fake.calls("chat.postMessage") == []
    report = world.sweep(date(2027, 6, 15))
    [dm] = world.fake.calls("chat.postMessage")
    assert dm.args["channel"] == "UALICE"
    body = text_of(dm)
    assert "Volunteer coach" in body and "Monday 15 June 2026" in body
    assert [
        e["action_id"] for b in dm.args["blocks"] if b["type"] == "actions" for e in b["elements"]
    ] == ["review_unchanged", "review_changed", "review_ended"]
    assert report.counts["reviews_sent"] == 1
    world.sweep(date(2027, 6, 15))
    world.sweep(date(2027, 6, 16))
    assert len(world.fake.calls("chat.postMessage")) == 1
    with world.db.session() as session:
        [key] = session.exec(select(Reminder).where(Reminder.kind == "outside_work_review")).all()
    assert (key.subject, key.due_on) == (f"declaration:{declaration_id}", date(2027, 6, 15))
    world.sweep(date(2028, 6, 15))
    assert len(world.fake.calls("chat.postMessage")) == 2


def test_a_weekend_anniversary_goes_on_monday_and_an_ended_one_not_at_all(
    world: World, db: Database
) -> None:
    world.grant("alice", granted=at(date(2026, 6, 12), 10))  # anniversary Sat 12 June 2027
    ended = world.grant("bob", granted=at(date(2026, 6, 12), 10))
    with db.session() as session:
        work = session.get(OutsideWork, ended)
        assert work is not None
        work.ended_on = date(2027, 1, 31)
        session.add(work)
        session.commit()
    world.sweep(date(2027, 6, 12))
    assert world.fake.calls("chat.postMessage") == []
    world.sweep(date(2027, 6, 14))
    assert [c.args["channel"] for c in world.fake.calls("chat.postMessage")] == ["UALICE"]


def test_a_leap_day_grant_is_reviewed_on_28_february(world: World) -> None:
    world.grant("alice", granted=at(date(2028, 2, 29), 11))
    world.sweep(date(2029, 2, 27))
    assert world.fake.calls("chat.postMessage") == []
    world.sweep(date(2029, 2, 28))
    assert len(world.fake.calls("chat.postMessage")) == 1
    world.sweep(date(2029, 3, 1))
    assert len(world.fake.calls("chat.postMessage")) == 1


def test_the_grant_day_is_the_office_date(world: World) -> None:
    """Granted at 00:30 on 1 July in London (23:30 on 30 June UTC): reviewed on 1 July."""
    world.grant("alice", granted=datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    world.sweep(date(2027, 6, 30))
    assert world.fake.calls("chat.postMessage") == []
    world.sweep(date(2027, 7, 1))
    assert len(world.fake.calls("chat.postMessage")) == 1


def test_an_answered_review_is_not_sent_again(world: World) -> None:
    declaration_id = world.grant("alice", granted=at(date(2026, 6, 15), 10))
    with world.db.session() as session:
        confirmations.confirm(
            session,
            confirmations.Asked(
                "outside_work_review", f"declaration:{declaration_id}", "2027-06-15"
            ),
            staff_id=world.id("alice"),
            response="confirmed",
            at=at(date(2027, 6, 14)),
        )
        session.commit()
    world.sweep(date(2027, 6, 15))
    assert world.fake.calls("chat.postMessage") == []


def test_a_job_that_fails_does_not_stop_the_others(world: World, monkeypatch: Any) -> None:
    from bot.jobs import annual as jobs

    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(jobs.store, "active_people", broken)
    world.grant("alice", granted=at(date(2026, 4, 1), 10))
    report = world.sweep(ANNUAL_DAY)
    assert any("annual declaration" in f for f in report.failures)
    assert report.counts["reviews_sent"] == 1


def test_one_answer_per_kind_subject_and_period(db: Database) -> None:
    """The confirmation table keeps one answer per (kind, subject, period)."""
    with db.session() as session:
        staff_row = Staff(email="x@opcc.example", name="X")
        session.add(staff_row)
        session.flush()
        assert staff_row.id is not None
        asked = confirmations.Asked("undertaking", f"staff:{staff_row.id}", "v1")
        kwargs: dict[str, Any] = {"staff_id": staff_row.id, "at": at(ANNUAL_DAY)}
        assert confirmations.confirm(session, asked, response="accepted", **kwargs)
        assert not confirmations.confirm(session, asked, response="updated", **kwargs)
        session.commit()
        rows = session.exec(select(Confirmation)).all()
    assert [(r.response, r.responded_at) for r in rows] == [("accepted", at(ANNUAL_DAY))]


def test_long_registers_and_long_lists_stay_within_slacks_limits(world: World) -> None:
    from handlers.annual.messages import Outstanding, outstanding_message
    from storage.confirmations import Person
    from tests.fakeslack import contract

    for i in range(15):
        world.interest("alice", on=date(2026, 5, 1), description=f"Interest {i} " + "x" * 1990)
    world.sweep(ANNUAL_DAY)
    [alice] = world.dms("UALICE")
    assert "…and 3 more: see `/conduct mine`." in text_of(alice)  # and the fake found it valid

    round_ = round_of(2027, (4, 1), 4)
    names = [
        Person(i, f"Person {i} " + "y" * 60, f"U{i}" if i % 7 else None, None, None)
        for i in range(5000)
    ]
    report = Outstanding(round_=round_, expected=6000, confirmed=900, updated=100, missing=names)
    message = outstanding_message(report, final=True, today=round_.closes_on)
    assert contract.message_problems(message.as_kwargs(), "list") == []
    assert len(message.blocks) <= 50
    shown = json.dumps([b.to_dict() for b in message.blocks])
    assert "5000 of 6000" in shown and "more." in shown
