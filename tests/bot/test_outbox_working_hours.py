"""Reminders in working hours on a platform without scheduled messages (issue 12): a message
queued with `due_at` outside 08:00–19:00 in the recipient's time zone (else the office's) is
held in the outbox and sent when the window opens, exactly once. A platform that schedules
(Slack) is handed it at once, with `due_at`, and nothing is held."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from slack_sdk import WebClient

from bot.outbox import Queued, SendFailed, Worker, queue, to_staff
from bot.reminders import run_reminders
from bot.runtime import Runtime
from bot.settings import Policy, Settings
from bot.sweep import Job, Sweep
from handlers.notifier import Message, Notifier
from handlers.outgoing import CARDS, Card, Drawn, SlackSender
from storage import outbox
from storage.db import Database
from storage.models import Staff
from tests.bot.test_outbox import Clock, Recorder, rows
from tests.fakeslack import FakeSlack

LONDON = ZoneInfo("Europe/London")
DAY = datetime(2026, 11, 24, tzinfo=LONDON).date()  # a Tuesday


def at(hour: int, minute: int = 0, *, days: int = 0) -> datetime:
    local = datetime.combine(DAY + timedelta(days=days), datetime.min.time(), tzinfo=LONDON)
    return local.replace(hour=hour, minute=minute).astimezone(UTC)


@dataclass
class Holding(Recorder):
    """A sender for a platform without scheduled messages (as Teams)."""

    holds_outside_working_hours: bool = True


def person(db: Database, tz: str | None = None) -> int:
    with db.session() as session:
        row = Staff(email=f"p{tz}@opcc.example", name="Pat", tz=tz)
        session.add(row)
        session.commit()
        assert row.id is not None
        return row.id


def remind(db: Database, staff_id: int, due_at: datetime, subject: str = "r") -> int:
    with db.session() as session:
        message_id = queue(
            session, "reminder", subject=subject, recipient=to_staff(staff_id), due_at=due_at, n=1
        )
        session.commit()
    return message_id


@pytest.fixture
def sender() -> Holding:
    return Holding()


def worker(db: Database, sender: Recorder, clock: Clock) -> Worker:
    return Worker(db, sender, now=clock, office_tz=LONDON)


def test_a_reminder_due_in_working_hours_goes_at_once(db: Database, sender: Holding) -> None:
    """`reminders run --at 10:00`: due at ten, sent at once; the sender never sees `_due_at`
    in the payload, but has it as `due_at`."""
    clock = Clock(at(10))
    message_id = remind(db, person(db), due_at=at(10))
    assert worker(db, sender, clock).run_once() == 1
    [sent] = sender.sent
    assert (sent.id, sent.due_at) == (message_id, at(10))
    assert sent.payload == {"card": "reminder", "n": 1}


def test_a_reminder_due_at_eight_in_the_evening_waits_for_eight_next_morning_and_goes_once(
    db: Database, sender: Holding
) -> None:
    clock = Clock(at(20))
    message_id = remind(db, person(db), due_at=at(20))  # no time zone of her own: the office's
    worker_ = worker(db, sender, clock)
    worker_.run_once()
    assert sender.sent == []
    row = rows(db)[message_id]
    assert (row.status, row.not_before, row.attempts) == ("queued", at(8, days=1), 0)
    assert worker_.wait_idle(timeout=0)  # nothing a pass could send before the morning
    with db.session() as session:
        assert outbox.next_try(session) == at(8, days=1)

    clock.now = at(7, 59, days=1)
    assert worker_.run_once() == 0 and sender.sent == []
    clock.now = at(8, days=1)
    racing = [worker(db, sender, clock) for _ in range(3)]
    threads = [threading.Thread(target=w.run_once) for w in racing]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert [m.id for m in sender.sent] == [message_id]
    assert rows(db)[message_id].status == "sent"
    clock.now = at(9, days=1)
    assert worker_.run_once() == 0 and len(sender.sent) == 1


def test_the_recipients_own_time_zone_decides(db: Database, sender: Holding) -> None:
    """20:00 in London is 15:00 in New York (in hours) and 05:00 in Tokyo (before them)."""
    clock = Clock(at(20))
    new_york = remind(db, person(db, "America/New_York"), due_at=at(20), subject="ny")
    tokyo = remind(db, person(db, "Asia/Tokyo"), due_at=at(20), subject="tokyo")
    worker(db, sender, clock).run_once()
    assert [m.id for m in sender.sent] == [new_york]
    tokyo_morning = datetime(2026, 11, 25, 8, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert rows(db)[tokyo].not_before == tokyo_morning


def test_a_morning_reminder_whose_retries_run_into_the_night_waits_too(
    db: Database, sender: Holding
) -> None:
    clock = Clock(at(18, 59))
    message_id = remind(db, person(db), due_at=at(10))
    sender.failures["r"] = [SendFailed("throttled", retry_after=120)]
    worker_ = worker(db, sender, clock)
    worker_.run_once()
    clock.now = at(19, 1)
    worker_.run_once()
    row = rows(db)[message_id]
    assert (row.status, row.not_before, sender.sent) == ("failed", at(8, days=1), [])
    clock.now = at(8, days=1)
    assert worker_.run_once() == 1 and [m.id for m in sender.sent] == [message_id]


def test_a_sender_that_schedules_itself_is_handed_the_message_at_once(db: Database) -> None:
    sender = Recorder()
    clock = Clock(at(20))
    message_id = remind(db, person(db), due_at=at(20))
    assert worker(db, sender, clock).run_once() == 1
    assert [(m.id, m.due_at) for m in sender.sent] == [(message_id, at(20))]


def test_slack_schedules_a_reminder_due_out_of_hours_for_nine_and_posts_one_due_in_hours(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(CARDS, "reminder", Card(lambda _session, _message: Drawn(Message("hi"))))
    with db.session() as session:
        alice = Staff(email="alice@opcc.example", slack_user_id="UALICE", tz="Europe/London")
        session.add(alice)
        session.commit()
        recipient = to_staff(alice.id or 0)
    with FakeSlack() as fake:
        notifier = Notifier(WebClient(token="xoxb-t", base_url=fake.api_url))
        sender = SlackSender(db, notifier, now=lambda: at(6))
        evening = Queued(1, "reminder", "s", recipient, {"card": "reminder"}, due_at=at(20))
        assert sender.send(evening) is None  # scheduled by Slack: no message to point at
        [scheduled] = fake.calls("chat.scheduleMessage")
        assert int(scheduled.args["post_at"]) == int(at(9, days=1).timestamp())
        # `reminders run --at 10:00` at six in the morning: acts as at ten, so posts at once.
        morning = Queued(2, "reminder", "s", recipient, {"card": "reminder"}, due_at=at(10))
        sender.send(morning)
        assert [c.args["channel"] for c in fake.calls("chat.postMessage")] == ["UALICE"]
        assert len(fake.calls("chat.scheduleMessage")) == 1


def test_an_ordinary_message_is_never_held(db: Database, sender: Holding) -> None:
    """An approval card at night goes at once, as on Slack: only reminders wait."""
    clock = Clock(at(23))
    with db.session() as session:
        message_id = queue(session, "approval", subject="a", recipient=to_staff(person(db)))
        session.commit()
    assert worker(db, sender, clock).run_once() == 1
    assert [m.id for m in sender.sent] == [message_id]


def test_reminders_run_at_decides_on_a_platform_that_holds(db: Database) -> None:
    """`reminders run --today DAY --at HH:MM` through the Runtime, with a holding sender (as
    Teams'): a job queues its reminder with the sweep's `now`; at 10:00 it goes in the same
    run, at 20:00 it waits for 08:00 the next day (run at ten in the morning, as an operator
    trying it out would) and then goes once."""
    sender, clock = Holding(), Clock(at(10))
    pat = person(db)

    def remind_pat(sweep: Sweep) -> None:
        remind(db, pat, due_at=sweep.now, subject=f"r:{sweep.now.isoformat()}")
        sweep.report.did("reminded", "Reminded Pat.")

    def deliver(sweep: Sweep) -> None:
        assert sweep.outbox is not None
        sweep.outbox.run_once()

    settings = Settings(database_url=db.url, policy=Policy(timezone="Europe/London"))
    runtime = replace(
        Runtime.build(settings, db=db, clock=clock),
        jobs=(Job("remind", remind_pat), Job("deliver", deliver)),
        outbox=worker(db, sender, clock),
    )
    out = io.StringIO()
    assert run_reminders(runtime, DAY, at=time(10), out=out, err=io.StringIO()) == 0
    assert [m.due_at for m in sender.sent] == [at(10)]

    assert run_reminders(runtime, DAY, at=time(20), out=out, err=io.StringIO()) == 0
    assert len(sender.sent) == 1
    [evening] = [r for r in rows(db).values() if r.status == "queued"]
    assert evening.not_before == at(8, days=1)
    clock.now = at(8, days=1)
    runtime.outbox.run_once()
    runtime.outbox.run_once()
    assert [m.due_at for m in sender.sent] == [at(10), at(20)]
