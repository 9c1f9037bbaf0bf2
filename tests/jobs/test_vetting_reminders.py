"""Vetting renewal reminders through the daily sweep, against a real database and the fake
Slack Web API: each lead time to the member of staff and the vetting officer, exactly once;
weekends and bank holidays; the weekly list of lapsed clearances; retries after Slack fails;
`reminders run` output. Dates are injected; nothing waits for a real day to pass."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient
from sqlalchemy import event
from sqlmodel import col, select

from bot.cli import main
from bot.jobs import vetting as jobs
from bot.outbox import Worker
from bot.rules.calendar import is_working_day
from bot.settings import Policy, Settings
from bot.slack_client import make_client
from bot.sweep import Job, SweepReport, run_sweep
from handlers.notifier import Notifier
from handlers.outgoing import SlackSender
from handlers.vetting.ids import RENEW_ACTION, ClearanceRef
from storage.db import Database
from storage.models import Reminder, Staff
from tests.e2e.harness import ORG, seed_org
from tests.fakeslack import FakeSlack
from tests.fakeslack.server import Call

LONDON = ZoneInfo("Europe/London")
EXPIRES = date(2027, 3, 3)  # a Wednesday; 90, 30 and 7 days before are working days too
VETTING_JOBS = [
    Job("vetting renewals", jobs.remind_renewals, working_days_only=True),
    Job("lapsed vetting", jobs.send_lapsed_lists, working_days_only=True),
]


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as server:
        for person in ORG:
            server.add_user(person.email, person.slack_id, name=person.name)
        yield server
        server.assert_clean()


class World:
    def __init__(self, db: Database, fake: FakeSlack) -> None:
        self.db, self.fake = db, fake
        self.org = seed_org(db)
        self.added = 0
        self.settings = Settings(
            slack_bot_token="xoxb-vetting",
            slack_api_url=fake.api_url,
            database_url=db.url,
            policy=Policy(vetting_intervals={"SC": 5}),
        )
        self.notifier = Notifier(WebClient(token="xoxb-vetting", base_url=fake.api_url))

    def clear(
        self, who: str, expires: date | None, level: str | None = "NPPV3", tz: str | None = None
    ) -> None:
        with self.db.session() as session:
            person = session.get(Staff, self.org[who].id)
            assert person is not None
            person.vetting_level, person.vetting_expires, person.tz = level, expires, tz
            session.commit()

    def add(self, n: int, expires: date | None, *, slack: bool = True) -> list[int]:
        """`n` more people (with Slack ids unless not `slack`)."""
        first, self.added = self.added, self.added + n
        with self.db.session() as session:
            rows = [
                Staff(
                    email=f"p{i:05d}@opcc.example",
                    name=f"Person {i:05d}",
                    slack_user_id=f"UP{i:05d}" if slack else None,
                    vetting_level="NPPV2",
                    vetting_expires=expires,
                )
                for i in range(first, first + n)
            ]
            session.add_all(rows)
            session.commit()
            return [r.id for r in rows if r.id is not None]

    def sweep(self, day: date, *, notifier: Notifier | None = None) -> SweepReport:
        now = datetime.combine(day, time(7, 0), tzinfo=LONDON).astimezone(UTC)
        notifier = notifier or self.notifier
        # The runtime's delivery worker sends what the jobs queue, as `reminders run` does.
        worker = Worker(self.db, SlackSender(self.db, notifier, policy=self.settings.policy))
        return run_sweep(
            self.db, self.settings, day, now, jobs=VETTING_JOBS, outbox=worker
        )

    def staff_key(self, who: str) -> str:
        """A person as the ledger names a recipient (bot.outbox.to_staff)."""
        return f"staff:{self.org[who].id}"

    def dms(self, user: str) -> list[Call]:
        return [c for c in self.fake.calls("chat.postMessage") if c.args["channel"] == user]

    def ledger(self, kind: str = jobs.RENEWAL) -> list[Reminder]:
        with self.db.session() as session:
            return list(
                session.exec(
                    select(Reminder).where(Reminder.kind == kind).order_by(col(Reminder.id))
                )
            )


@pytest.fixture
def world(db: Database, fake: FakeSlack) -> World:
    return World(db, fake)


def text_of(call: Call) -> str:
    return call.args.get("text", "") + json.dumps(call.args.get("blocks", []), ensure_ascii=False)


def buttons(call: Call) -> dict[int, ClearanceRef]:
    """The "Renewed on…" buttons in a message, by staff id."""
    found = {}
    for block in call.args.get("blocks", []):
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == RENEW_ACTION:
            ref = ClearanceRef.model_validate_json(accessory["value"])
            found[ref.staff_id] = ref
    return found


# -- each lead time, exactly once ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("lead", "words"),
    [(90, "in 90 days"), (30, "in 30 days"), (7, "in 7 days"), (0, "expires today")],
)
def test_each_lead_time_reminds_the_person_and_the_vetting_officer_once(
    world: World, lead: int, words: str
) -> None:
    world.clear("alice", EXPIRES)
    day = EXPIRES - timedelta(days=lead)
    assert is_working_day(day)
    report = world.sweep(day)
    assert report.failures == []
    [mine] = world.dms("UALICE")
    assert words in mine.args["text"] and "NPPV3" in mine.args["text"]
    assert "Vera Vetting" in text_of(mine)  # who to contact
    assert buttons(mine) == {}  # nothing for the member of staff to record
    [theirs] = world.dms("UVET")
    assert "Alice Able" in text_of(theirs) and "Wed 3 Mar 2027" in text_of(theirs)
    alice = world.org["alice"].id
    assert buttons(theirs) == {alice: ClearanceRef(staff_id=alice, expires=EXPIRES)}
    assert report.counts["vetting_reminded"] == 2
    # Nobody else hears of Alice's clearance: not her manager, not the head, no channel.
    assert {c.args["channel"] for c in world.fake.calls("chat.postMessage")} == {"UALICE", "UVET"}

    keys = {(r.recipient, r.subject, r.due_on, r.status) for r in world.ledger()}
    assert keys == {
        (world.staff_key("alice"), f"staff:{alice}", day, "sent"),
        (world.staff_key("vetting"), f"staff:{alice}", day, "sent"),
    }

    again = world.sweep(day)
    later = world.sweep(day + timedelta(days=1)) if lead else None
    assert len(world.fake.calls("chat.postMessage")) == 2
    assert again.counts["vetting_reminded"] == 0
    assert later is None or later.counts["vetting_reminded"] == 0


def test_every_day_for_four_months_sends_each_lead_once(world: World) -> None:
    """The sweep as the scheduler runs it, every morning from well before the expiry to a
    week after: four reminders each, no more."""
    world.clear("alice", EXPIRES)
    day = EXPIRES - timedelta(days=100)
    while day <= EXPIRES + timedelta(days=6):
        world.sweep(day)
        day += timedelta(days=1)
    assert [c.args["text"].split(" (")[1][:-2] for c in world.dms("UALICE")[:3]] == [
        "in 90 days",
        "in 30 days",
        "in 7 days",
    ]
    assert len(world.dms("UALICE")) == 4 and "expires today" in world.dms("UALICE")[3].args["text"]
    assert len(world.dms("UVET")) == 4 + 1  # and the first weekly list of lapsed clearances
    assert sorted(r.due_on for r in world.ledger() if r.recipient == world.staff_key("alice")) == [
        EXPIRES - timedelta(days=d) for d in (90, 30, 7, 0)
    ]


# -- weekends, bank holidays, missed runs -------------------------------------------------------


def test_a_reminder_due_on_a_weekend_goes_on_the_next_working_day(world: World) -> None:
    expires = date(2027, 3, 13)  # a Saturday: its 7-day reminder falls on Saturday 6 March
    world.clear("alice", expires)
    saturday, sunday, monday = date(2027, 3, 6), date(2027, 3, 7), date(2027, 3, 8)
    world.sweep(saturday)
    world.sweep(sunday)
    assert world.fake.calls("chat.postMessage") == []
    world.sweep(monday)
    [mine] = world.dms("UALICE")
    assert "in 5 days" in mine.args["text"]
    assert {r.due_on for r in world.ledger()} == {saturday}


def test_a_clearance_expiring_on_a_bank_holiday_is_reminded_the_next_working_day(
    world: World,
) -> None:
    # New Year's Day 2027 is a Friday: the on-the-day reminder goes on Monday 4 January.
    expires = date(2027, 1, 1)
    world.clear("alice", expires)
    for day in (date(2026, 12, 31), expires, date(2027, 1, 2), date(2027, 1, 3)):
        world.sweep(day)
    sent_before = len(world.dms("UALICE"))  # the 7-day one, on 29 December
    world.sweep(date(2027, 1, 4))
    late = world.dms("UALICE")[sent_before:]
    assert len(late) == 1 and "expired on Fri 1 Jan 2027" in late[0].args["text"]
    assert "1 Jan 2027" in text_of(world.dms("UVET")[-1])
    world.sweep(date(2027, 1, 5))
    assert len(world.dms("UALICE")) == sent_before + 1


def test_missed_lead_times_send_only_the_latest(world: World) -> None:
    """Nolan was installed (or down) until 20 days before: only the 30-day reminder goes."""
    world.clear("alice", EXPIRES)
    world.sweep(EXPIRES - timedelta(days=20))
    [mine] = world.dms("UALICE")
    assert "in 20 days" in mine.args["text"]
    assert [r.due_on for r in world.ledger() if r.recipient == world.staff_key("alice")] == [
        EXPIRES - timedelta(days=30)
    ]


def test_no_clearance_no_reminder_and_leavers_are_not_reminded(world: World) -> None:
    world.clear("alice", None)
    world.clear("eve", EXPIRES)
    with world.db.session() as session:
        eve = session.get(Staff, world.org["eve"].id)
        assert eve is not None
        eve.active = False
        session.commit()
    report = world.sweep(EXPIRES)
    assert world.fake.calls("chat.postMessage") == [] and report.failures == []


# -- the vetting officer's list -----------------------------------------------------------------


def test_the_vetting_officer_gets_one_list_for_everyone_due_that_day(world: World) -> None:
    world.clear("alice", EXPIRES)
    world.clear("eve", EXPIRES - timedelta(days=60), level="SC")  # its 7-day reminder
    ids = world.add(45, EXPIRES - timedelta(days=83))  # their 7-day too
    world.add(3, EXPIRES - timedelta(days=83), slack=False)
    day = EXPIRES - timedelta(days=90)
    report = world.sweep(day)
    assert report.failures == []
    lists = world.dms("UVET")
    assert len(lists) == 2  # 50 people: Slack allows 50 blocks a message
    listed: dict[int, ClearanceRef] = {}
    for message in lists:
        listed.update(buttons(message))
        assert len(message.args["blocks"]) <= 50
    assert len(listed) == 50 and set(ids) <= set(listed)
    assert "Not on Slack" in text_of(lists[-1])
    assert "5 years" in text_of(lists[0]) or "5 years" in text_of(lists[1])  # SC's interval
    assert (
        len([c for c in world.fake.calls("chat.postMessage") if c.args["channel"] != "UVET"]) == 47
    )
    assert report.counts["vetting_reminded"] == 47 + 50
    # Everyone's key, once each.
    officer_keys = [r for r in world.ledger() if r.recipient == world.staff_key("vetting")]
    assert len(officer_keys) == len({r.subject for r in officer_keys}) == 50
    world.sweep(day)
    assert len(world.dms("UVET")) == 2


def test_a_vetting_officers_own_clearance_goes_to_the_head_of_office(world: World) -> None:
    world.clear("vetting", EXPIRES)
    world.sweep(EXPIRES - timedelta(days=30))
    [own] = world.dms("UVET")
    assert buttons(own) == {}  # her own reminder, without a button
    [head] = world.dms("UHEAD")
    assert "Vera Vetting" in text_of(head) and world.org["vetting"].id in buttons(head)


def test_without_a_vetting_officer_the_head_of_office_gets_the_lists(world: World) -> None:
    with world.db.session() as session:
        vera = session.get(Staff, world.org["vetting"].id)
        assert vera is not None
        vera.roles = ""
        session.commit()
    world.clear("alice", EXPIRES)
    world.sweep(EXPIRES)
    assert "Alice Able" in text_of(world.dms("UHEAD")[0])
    assert "Harriet Head" in text_of(world.dms("UALICE")[0])


def test_with_nobody_to_oversee_the_report_says_so_once(world: World) -> None:
    with world.db.session() as session:
        for key in ("vetting", "head"):
            person = session.get(Staff, world.org[key].id)
            assert person is not None
            person.roles = ""
        session.commit()
    world.clear("alice", EXPIRES)
    first = world.sweep(EXPIRES - timedelta(days=30))
    assert any("nobody holds the vetting_officer" in line for line in first.lines)
    assert "Alice Able" in next(line for line in first.lines if "nobody holds" in line)
    assert len(world.dms("UALICE")) == 1 and world.dms("UVET") == world.dms("UHEAD") == []
    later = world.sweep(EXPIRES - timedelta(days=29))
    assert not any("nobody holds" in line for line in later.lines)


def test_a_reminder_outside_working_hours_waits_for_their_morning(world: World) -> None:
    world.clear("alice", EXPIRES, tz="America/New_York")  # 07:00 in London is 02:00 there
    world.sweep(EXPIRES - timedelta(days=30))
    assert world.dms("UALICE") == []
    [held] = world.fake.calls("chat.scheduleMessage")
    post_at = datetime.fromtimestamp(int(held.args["post_at"]), ZoneInfo("America/New_York"))
    assert (post_at.date(), post_at.time()) == (EXPIRES - timedelta(days=30), time(9, 0))
    assert held.args["channel"] == "UALICE" and "in 30 days" in held.args["text"]
    assert len(world.dms("UVET")) == 1  # her vetting officer has no time zone on record
    world.sweep(EXPIRES - timedelta(days=30))
    assert len(world.fake.calls("chat.scheduleMessage")) == 1


# -- lapsed clearances --------------------------------------------------------------------------


def test_the_lapsed_list_comes_once_a_week(world: World) -> None:
    world.clear("alice", EXPIRES)  # lapses after Wednesday 3 March 2027
    world.clear("eve", date(2027, 2, 1), level="SC")
    for offset in range(0, 30):
        world.sweep(EXPIRES + timedelta(days=offset))
    lists = [c for c in world.dms("UVET") if "lapsed" in c.args["text"]]
    # Nolan's first run was on Wednesday 3 March: that week's list (Eve, lapsed since
    # February) goes then; after it on Mondays 8, 15 and 22 March, and on Tuesday 30 March
    # after Easter Monday. Once a week each.
    assert [r.due_on for r in world.ledger(jobs.LAPSED)] == [
        date(2027, 3, 1),
        date(2027, 3, 8),
        date(2027, 3, 15),
        date(2027, 3, 22),
        date(2027, 3, 29),
    ]
    assert [r.subject for r in world.ledger(jobs.LAPSED)][1] == "week:2027-03-08"
    assert len(lists) == 5
    assert "1 vetting clearance has lapsed" in lists[0].args["text"]
    assert "Alice" not in text_of(lists[0])
    second = text_of(lists[1])
    assert "2 vetting clearances have lapsed" in second
    assert "NPPV3: 1, SC: 1" in second
    assert "Eve Other" in second and "35 days ago" in second  # 1 February to 8 March
    assert "Alice Able" in second and "5 days ago" in second
    assert set(buttons(lists[1])) == {world.org["alice"].id, world.org["eve"].id}
    assert "Mon 29 Mar 2027" in text_of(lists[4]) and "27 days ago" in text_of(lists[4])
    # Confidential: to the vetting officer only; the member of staff is not listed anyone else.
    assert {c.args["channel"] for c in world.fake.calls("chat.postMessage")} == {"UVET", "UALICE"}


def test_nothing_lapsed_no_list(world: World) -> None:
    world.clear("alice", date(2028, 1, 1))
    world.sweep(date(2027, 3, 8))
    assert world.ledger(jobs.LAPSED) == [] and world.fake.calls("chat.postMessage") == []


# -- Slack failing ------------------------------------------------------------------------------


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The retry handlers' waits, recorded rather than slept."""
    waits: list[float] = []
    import slack_sdk.http_retry.builtin_handlers as builtin
    import slack_sdk.http_retry.handler as handler

    class Time:
        @staticmethod
        def sleep(seconds: float) -> None:
            waits.append(seconds)

    monkeypatch.setattr(builtin, "time", Time)
    monkeypatch.setattr(handler, "time", Time)
    return waits


def test_rate_limited_and_failing_slack_calls_are_retried_and_delivered(
    world: World, slept: list[float]
) -> None:
    world.clear("alice", EXPIRES)
    world.fake.fail_next("chat.postMessage", status=429, retry_after=2)
    world.fake.fail_next("chat.postMessage", status=500)
    report = world.sweep(
        EXPIRES - timedelta(days=7), notifier=Notifier(make_client(world.settings))
    )
    assert report.failures == []
    assert [r.status for r in world.fake.rejected] == [429, 500]
    # Retry-After honoured (the DMs go on lanes of their own: the 500's shorter wait may come first)
    assert max(slept) >= 2
    assert len(world.dms("UALICE")) == 1 and len(world.dms("UVET")) == 1
    assert {r.status for r in world.ledger()} == {"sent"}


def test_a_reminder_that_failed_is_sent_on_the_next_run(world: World) -> None:
    world.clear("alice", EXPIRES)
    day = EXPIRES - timedelta(days=7)
    world.fake.slack_error_next("chat.postMessage", "internal_error", channel="UALICE")
    first = world.sweep(day)
    assert len(first.failures) == 1 and "Alice Able" in first.failures[0]
    assert world.dms("UALICE") == [] and len(world.dms("UVET")) == 1
    assert {(r.recipient, r.status) for r in world.ledger()} == {
        (world.staff_key("alice"), "failed"),
        (world.staff_key("vetting"), "sent"),
    }
    world.fake.slack_error_next("chat.postMessage", "fatal_error", channel="UALICE")  # again
    second = world.sweep(day + timedelta(days=1))
    assert second.failures and world.dms("UALICE") == []
    third = world.sweep(day + timedelta(days=2))
    assert third.failures == [] and len(world.dms("UALICE")) == 1
    assert "in 5 days" in world.dms("UALICE")[0].args["text"]
    assert len(world.dms("UVET")) == 1
    [alices] = [r for r in world.ledger() if r.recipient == world.staff_key("alice")]
    assert (alices.status, alices.attempts, alices.due_on) == ("sent", 3, day)


def test_a_failed_list_is_resent_whole_and_once(world: World) -> None:
    world.clear("alice", EXPIRES)
    world.clear("eve", EXPIRES)
    world.fake.slack_error_next("chat.postMessage", "fatal_error", times=3)  # Alice, Eve, list
    first = world.sweep(EXPIRES)
    assert len(first.failures) == 3 and world.dms("UVET") == []
    world.sweep(EXPIRES)
    [the_list] = world.dms("UVET")
    assert set(buttons(the_list)) == {world.org["alice"].id, world.org["eve"].id}
    world.sweep(EXPIRES)
    assert len(world.dms("UVET")) == 1 and len(world.dms("UALICE")) == 1


# -- scale: queries do not grow with the staff ---------------------------------------------------


def count_queries(world: World, day: date) -> int:
    statements: list[str] = []

    def count(*_: Any) -> None:
        statements.append("q")

    event.listen(world.db.engine, "before_cursor_execute", count)
    try:
        world.sweep(day)
    finally:
        event.remove(world.db.engine, "before_cursor_execute", count)
    return len(statements)


def test_the_sweep_does_not_query_per_member_of_staff(world: World) -> None:
    day = EXPIRES - timedelta(days=30)
    world.clear("alice", EXPIRES)
    world.add(20, EXPIRES + timedelta(days=400), slack=False)
    small = count_queries(world, day)
    world.sweep(day)  # nothing new
    world.fake.reset()
    world.clear("eve", EXPIRES)
    with world.db.session() as session:
        session.add_all(
            Staff(email=f"x{i}@opcc.example", name=f"X {i}", vetting_expires=date(2030, 1, 1))
            for i in range(400)
        )
        session.commit()
    large = count_queries(world, day)
    assert large == small  # one more person due, 400 more on staff: the same queries


# -- reminders run ------------------------------------------------------------------------------


def run_cli(world: World, today: str, *options: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    environ = {
        "DATABASE_URL": world.db.url,
        "SLACK_API_URL": world.fake.api_url,
        "SLACK_BOT_TOKEN": "xoxb-cli",
        "VETTING_LEAD_DAYS": "60,30,0",
    }
    argv = ["reminders", "run", "--today", today, *options]
    code = main(argv, environ=environ, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_reminders_run_at_a_working_hour_sends_at_once(world: World) -> None:
    world.clear("alice", EXPIRES, tz="Europe/London")
    code, out, err = run_cli(world, "2027-02-01", "--at", "10:00")
    assert (code, err) == (0, "")
    assert "Vetting: reminded Alice Able" in out
    assert len(world.dms("UALICE")) == 1 and world.fake.calls("chat.scheduleMessage") == []


def test_reminders_run_at_an_evening_hour_schedules_for_the_morning(world: World) -> None:
    """Slack keeps its scheduled messages: at 20:00 the reminder is scheduled for 09:00 the
    next day, once."""
    world.clear("alice", EXPIRES, tz="Europe/London")
    for _ in range(2):
        code, _, err = run_cli(world, "2027-02-01", "--at", "20:00")
        assert (code, err) == (0, "")
    assert world.dms("UALICE") == []
    [held] = world.fake.calls("chat.scheduleMessage")
    post_at = datetime.fromtimestamp(int(held.args["post_at"]), LONDON)
    assert post_at == datetime(2027, 2, 2, 9, 0, tzinfo=LONDON)


@pytest.mark.parametrize("at", ["25:00", "7pm", "10:60", ""])
def test_reminders_run_with_a_bad_at_is_one_line(world: World, at: str) -> None:
    world.clear("alice", EXPIRES, tz="Europe/London")
    code, out, err = run_cli(world, "2027-02-01", "--at", at)
    assert (code, out) == (2, "")
    assert err == (
        f"nolan: error: --at must be a time of day as HH:MM (00:00 to 23:59), got {at!r}\n"
    )
    assert world.fake.calls("chat.postMessage") == world.ledger() == []


def test_reminders_run_prints_the_vetting_reminders(world: World) -> None:
    world.clear("alice", EXPIRES)
    world.clear("bob", date(2027, 1, 20), level="SC")
    code, out, err = run_cli(world, "2027-02-01")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert (
        "Vetting: reminded Alice Able that their NPPV3 clearance expires Wed 3 Mar 2027 "
        "(in 30 days)." in lines
    )
    assert "Vetting: sent Vera Vetting 1 renewal due: Alice Able." in lines
    assert "Vetting: sent Vera Vetting the weekly list of 1 lapsed clearance: Bob Loner." in lines
    assert lines[-1].endswith(
        "sent 2 vetting renewal reminders, sent 1 weekly list of lapsed clearances."
    )
    code, out, _ = run_cli(world, "2027-02-01")
    assert code == 0 and "Vetting" not in out
    # VETTING_LEAD_DAYS: no 7-day reminder.
    code, out, _ = run_cli(world, "2027-02-24")
    assert "Vetting: reminded" not in out


def test_reminders_run_on_a_sunday_sends_no_vetting_reminder(world: World) -> None:
    world.clear("alice", date(2027, 3, 7))
    code, out, _ = run_cli(world, "2027-03-07")
    assert code == 0 and "is not a working day" in out and "Vetting" not in out
    code, out, _ = run_cli(world, "2027-03-08")
    assert (
        "Vetting: reminded Alice Able that their NPPV3 clearance expires Sun 7 Mar 2027 "
        "(yesterday)." in out
    )


def test_reminders_run_reports_a_failure_and_exit_1(world: World) -> None:
    world.clear("alice", EXPIRES)
    world.fake.slack_error_next("chat.postMessage", "account_inactive", channel="UALICE")
    code, out, err = run_cli(world, "2027-03-03")
    assert code == 1
    assert "nolan: error: could not remind Alice Able" in err and "account_inactive" in err
    assert "Traceback" not in err
    code, out, err = run_cli(world, "2027-03-03")
    assert code == 0 and "Vetting: reminded Alice Able" in out


# -- each person's time zone, from the org chart import --------------------------------------------


def test_the_import_stores_each_persons_slack_time_zone(
    db: Database, fake: FakeSlack, tmp_path: Any
) -> None:
    fake.add_user("nyc@opcc.example", "UNYC", name="Nia York", tz="America/New_York")
    header = "email,name,line_manager_email,roles,vetting_level,vetting_expires"
    path = tmp_path / "staff.csv"

    def run(*rows: str) -> None:
        path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
        out, err = io.StringIO(), io.StringIO()
        code = main(
            ["staff", "import", str(path)],
            environ={
                "SLACK_BOT_TOKEN": "xoxb-test",
                "DATABASE_URL": db.url,
                "SLACK_API_URL": fake.api_url,
            },
            stdout=out,
            stderr=err,
        )
        # A chart with no head of office or monitoring officer imports, with a warning each.
        unexpected = [
            line for line in err.getvalue().splitlines() if ": no one has the " not in line
        ]
        assert (code, unexpected) == (0, []), err.getvalue()

    def zones() -> dict[str, str | None]:
        with db.session() as session:
            return {s.email: s.tz for s in session.exec(select(Staff))}

    run("nyc@opcc.example,Nia York,,,NPPV3,2027-03-03", "alice@opcc.example,Alice Able,,,,")
    assert zones() == {
        "nyc@opcc.example": "America/New_York",
        "alice@opcc.example": "Europe/London",
    }
    lookups = len(fake.calls("users.lookupByEmail"))
    # Known people are not looked up again, and keep the time zone stored.
    run("nyc@opcc.example,Nia York,,,NPPV3,2027-06-03", "alice@opcc.example,Alice Able,,,,")
    assert len(fake.calls("users.lookupByEmail")) == lookups
    assert zones()["nyc@opcc.example"] == "America/New_York"


# -- settings ------------------------------------------------------------------------------------


def test_vetting_settings_are_read_and_checked() -> None:
    from bot.settings import SettingsError, load_settings

    def policy(**env: str) -> Policy:
        return load_settings(env, dotenv_path=None, require=()).policy

    assert policy().vetting_lead_days == (90, 30, 7, 0)
    assert policy().vetting_intervals == {}
    read = policy(VETTING_LEAD_DAYS="7, 60", VETTING_INTERVALS="nppv3=3,SC=5")
    assert read.vetting_lead_days == (60, 7)
    assert read.vetting_intervals == {"NPPV3": 3, "SC": 5}
    for env, words in [
        ({"VETTING_LEAD_DAYS": "90,soon"}, "VETTING_LEAD_DAYS: 'soon'"),
        ({"VETTING_LEAD_DAYS": "1000"}, "VETTING_LEAD_DAYS: at most 730"),
        ({"VETTING_INTERVALS": "SC=ten"}, "VETTING_INTERVALS: 'SC=ten'"),
        ({"VETTING_INTERVALS": "SC"}, "VETTING_INTERVALS: 'SC' is not LEVEL=YEARS"),
    ]:
        with pytest.raises(SettingsError, match=words):
            policy(**env)


def test_reminders_the_ledger_keyed_by_slack_id_are_not_sent_again(world: World) -> None:
    """Reminders sent before the ledger named recipients by staff id (their Slack id then):
    the sweep does not send them again under the new key; the next lead time goes."""
    world.clear("alice", EXPIRES)
    day = EXPIRES - timedelta(days=30)
    alice = world.org["alice"].id
    sent_at = datetime.combine(day, time(7, 0), tzinfo=LONDON)
    with world.db.session() as session:
        for recipient in ("UALICE", "UVET"):
            session.add(
                Reminder(
                    kind=jobs.RENEWAL,
                    subject=f"staff:{alice}",
                    recipient=recipient,
                    due_on=day,
                    status="sent",
                    attempts=1,
                    claimed_at=sent_at,
                    sent_at=sent_at,
                    created_at=sent_at,
                )
            )
        session.commit()
    report = world.sweep(day + timedelta(days=1))
    assert world.fake.calls("chat.postMessage") == []
    assert report.counts["vetting_reminded"] == 0
    world.sweep(EXPIRES - timedelta(days=7))
    assert {c.args["channel"] for c in world.fake.calls("chat.postMessage")} == {"UALICE", "UVET"}
