"""Who Nolan cannot reach (issue 12): messages parked because Nolan is not installed for a
person (Teams answers 403) are listed to admins by `reminders run`, with the advice to have IT
pre-install it; once installed (unpark) they drop off the list."""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from datetime import date

from bot.outbox import Moot, Posted, Queued, SendFailed, Worker, queue, to_staff, unpark
from bot.reminders import run_reminders
from bot.runtime import Runtime
from bot.settings import Policy, Settings
from bot.sweep import Job, Sweep
from bot.usecases.unreachable import told, unreachable
from storage import outbox
from storage.db import Database
from storage.models import Staff
from tests.bot.test_outbox import Clock, Recorder

MONDAY = date(2026, 11, 23)


def people(db: Database, *names: str) -> list[int]:
    with db.session() as session:
        rows = [Staff(email=f"{n.lower()}@opcc.example", name=n) for n in names]
        session.add_all(rows)
        session.commit()
        return [row.id or 0 for row in rows]


def owe(db: Database, staff_id: int, subject: str) -> None:
    with db.session() as session:
        queue(session, "note", subject=subject, recipient=to_staff(staff_id), n=1)
        session.commit()


@dataclass
class NotInstalled(Recorder):
    """A sender whose platform answers 403 for the people in `absent` (Teams without Nolan)."""

    absent: set[str] = field(default_factory=set)

    def send(self, message: Queued) -> Posted | Moot | None:
        if message.recipient in self.absent:
            raise SendFailed("Bot Connector answered 403 BotNotInConversationRoster", parked=True)
        return super().send(message)


def test_parked_recipients_are_listed_most_waiting_first_and_drop_off_once_installed(
    db: Database,
) -> None:
    alice, bob, carol = people(db, "Alice", "Bob", "Carol")
    sender = NotInstalled()
    sender.absent = {to_staff(alice), to_staff(bob)}
    for n, who in enumerate([bob, alice, alice, carol]):
        owe(db, who, f"m{n}")
    Worker(db, sender, now=Clock()).run_once()
    with db.session() as session:
        assert outbox.parked(session) == {to_staff(alice): 2, to_staff(bob): 1}
        assert [u.waiting for u in unreachable(session)] == [2, 1]
        assert told(session) == [
            "2 people can't be reached: ask IT to pre-install Nolan with an app setup policy.",
            "  Alice <alice@opcc.example>: 2 messages waiting",
            "  Bob <bob@opcc.example>: 1 message waiting",
        ]
        assert unpark(session, to_staff(alice)) == 2
        session.commit()
    with db.session() as session:
        assert told(session)[0].startswith("1 person can't be reached")
        assert outbox.parked(session) == {to_staff(bob): 1}


def test_nothing_is_said_when_everyone_is_reached(db: Database) -> None:
    with db.session() as session:
        assert told(session) == []


def test_reminders_run_lists_who_cant_be_reached(db: Database) -> None:
    [dana] = people(db, "Dana")
    sender = NotInstalled()
    sender.absent = {to_staff(dana)}

    def remind_dana(sweep: Sweep) -> None:
        owe(db, dana, "vetting")
        assert sweep.outbox is not None
        sweep.outbox.run_once()

    settings = Settings(database_url=db.url, policy=Policy(timezone="Europe/London"))
    runtime = replace(
        Runtime.build(settings, db=db),
        jobs=(Job("remind", remind_dana),),
        outbox=Worker(db, sender, now=Clock()),
    )
    out = io.StringIO()
    assert run_reminders(runtime, MONDAY, out=out, err=io.StringIO()) == 0
    lines = out.getvalue().splitlines()
    assert lines[-2:] == [
        "1 person can't be reached: ask IT to pre-install Nolan with an app setup policy.",
        "  Dana <dana@opcc.example>: 1 message waiting",
    ]
