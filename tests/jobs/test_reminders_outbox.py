"""The sweep's reminders go through the outbox (bot.ledger.owe_once): queued once by their
key however often the sweep runs, retried by the outbox when a send fails (neither lost nor
sent twice), and due as of the sweep's now, so a platform that holds messages outside working
hours (Teams) holds them. Shown with the vetting reminders against the fake Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.outbox import Worker
from bot.rules.status import OutboxStatus
from bot.sweep import run_sweep
from handlers.outgoing import SlackSender
from storage.models import OutboxMessage
from tests.bot.test_outbox import Clock, Recorder
from tests.jobs.test_vetting_reminders import EXPIRES, VETTING_JOBS, World, fake, world

__all__ = ["fake", "world"]  # the fixtures, shared with tests.jobs.test_vetting_reminders

LONDON = ZoneInfo("Europe/London")
DAY = EXPIRES - timedelta(days=7)  # Wednesday 24 February 2027


def sweep_at(world: World, day: date, *, at: time = time(7, 0), outbox: Worker | None) -> None:
    now = datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)
    run_sweep(world.db, world.settings, day, now, jobs=VETTING_JOBS, outbox=outbox)


def rows(world: World) -> list[OutboxMessage]:
    with world.db.session() as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))))


def slack_worker(world: World, clock: Clock | None = None) -> Worker:
    sender = SlackSender(world.db, world.notifier, policy=world.settings.policy)
    return Worker(world.db, sender, now=clock or Clock())


def test_a_reminder_queued_by_two_runs_is_sent_once(world: World) -> None:
    world.clear("alice", EXPIRES)
    sweep_at(world, DAY, outbox=None)  # the bot's sweep: its worker sends after the commit
    queued = rows(world)
    sweep_at(world, DAY, outbox=None)  # run again before anything went
    assert rows(world) == queued  # nothing owed twice
    assert {(r.kind, r.status) for r in queued} == {
        ("vetting_renewal", "queued"),  # Alice's own, and her line in the officer's list
        ("vetting_renewal_list", "queued"),
    }
    worker = slack_worker(world)
    worker.run_once(at=datetime.combine(DAY, time(9, 0), tzinfo=LONDON))
    worker.run_once(at=datetime.combine(DAY, time(9, 5), tzinfo=LONDON))
    sweep_at(world, DAY, outbox=worker)
    assert len(world.dms("UALICE")) == 1 and len(world.dms("UVET")) == 1
    assert "in 7 days" in world.dms("UALICE")[0].args["text"]
    assert {r.status for r in rows(world)} == {"sent"}


def test_a_reminder_whose_send_failed_is_retried_by_the_outbox_once(world: World) -> None:
    world.clear("alice", EXPIRES)
    world.fake.slack_error_next("chat.postMessage", "internal_error", channel="UALICE")
    clock = Clock()
    worker = slack_worker(world, clock)
    sweep_at(world, DAY, outbox=worker)
    [alices] = [r for r in rows(world) if r.recipient == world.staff_key("alice")]
    assert (alices.status, alices.attempts) == ("failed", 1) and alices.not_before is not None
    assert world.dms("UALICE") == []
    worker.run_once()  # the outbox's own pass, within the back-off: not yet
    assert world.dms("UALICE") == []
    # Once the back-off has run (no sweep): sent, not lost…
    clock.now = alices.not_before + timedelta(seconds=1)
    worker.run_once()
    assert len(world.dms("UALICE")) == 1
    # …and not sent twice, by the outbox again nor by the next day's sweep.
    clock.now += timedelta(minutes=5)
    worker.run_once()
    sweep_at(world, DAY + timedelta(days=1), outbox=worker)
    assert len(world.dms("UALICE")) == 1 and len(world.dms("UVET")) == 1
    [alices] = [r for r in rows(world) if r.recipient == world.staff_key("alice")]
    assert (alices.status, alices.attempts) == ("sent", 2)


@dataclass
class Holding(Recorder):
    """A sender for a platform without scheduled messages (as Teams)."""

    holds_outside_working_hours: bool = True


def test_a_reminder_is_due_at_the_sweeps_now_so_a_holding_sender_holds_it(world: World) -> None:
    world.clear("alice", EXPIRES, tz="America/New_York")  # 09:00 in London is 04:00 there
    sender = Holding()
    sweep_at(world, DAY, at=time(9, 0), outbox=Worker(world.db, sender, office_tz=LONDON))
    [alices] = [r for r in rows(world) if r.recipient == world.staff_key("alice")]
    assert alices.status == OutboxStatus.QUEUED and alices.not_before is not None
    new_york = alices.not_before.astimezone(ZoneInfo("America/New_York"))
    assert (new_york.date(), new_york.time()) == (DAY, time(8, 0))  # her morning
    # The officer's (no time zone of their own: the office's, London, 09:00) goes.
    assert [m.kind for m in sender.sent] == ["vetting_renewal_list"]
    [officers] = sender.sent
    assert officers.due_at == datetime.combine(DAY, time(9, 0), tzinfo=LONDON)
    assert officers.payload["clearances"] == [
        {"staff_id": world.org["alice"].id, "expires": EXPIRES.isoformat()}
    ]
