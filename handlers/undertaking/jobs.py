"""The code of conduct undertaking in the daily sweep (its JOBS), and the admin's
"send it to everyone".

Who is asked: a new starter — someone a later import of the org chart brought in
(Staff.starter_since; the first import is the office as it stands) — from the day they
arrive; and, once an admin has run `/conduct undertaking send-all` (recorded in the audit
trail with its day), every active member of staff who has not accepted it. Each is sent it
once, then reminded weekly for UNDERTAKING_REMINDER_WEEKS weeks until they accept. Every
message goes through the ledger: kind "undertaking", subject "staff:<id>", due on the start
day (+ k weeks for the reminders). `send-all` sends from the command, after its reply; the
sweep sends under the same keys, so whatever the command did not get to (a restart, Slack
down) goes the next morning, and nothing goes twice.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime

from bot.ledger import Result, send_once
from bot.notifier import Message, Notifier, Posted
from bot.rules import annual as rules
from bot.settings import Policy
from bot.sweep import Job, Sweep
from handlers.mailing import report_failures, report_sent
from handlers.undertaking.messages import Why, undertaking_message
from storage import audit
from storage import confirmations as store
from storage.db import Database
from storage.reminders import Key, sent_keys

KIND = store.UNDERTAKING


@dataclass(frozen=True)
class Due:
    person: store.Person
    key: Key
    why: Why
    reminder: int  # 0: the first message; k: the k-th weekly reminder


def start_of(
    person: store.Person, send_all_on: date | None, today: date
) -> tuple[date, Why] | None:
    """Since when this person (who has not accepted) is asked, and why: the later of their
    first day and the last send-all, of those that have come."""
    starts = []
    if person.starter_since is not None and person.starter_since <= today:
        starts.append((person.starter_since, Why.STARTER))
    if send_all_on is not None and send_all_on <= today:
        starts.append((send_all_on, Why.EVERYONE))
    return max(starts, key=lambda s: s[0]) if starts else None


def due_today(
    people: list[store.Person],
    *,
    accepted: set[str],
    send_all_on: date | None,
    sent: set[Key],
    today: date,
) -> list[Due]:
    """Who is due the undertaking, or a reminder of it, today (pure: no queries)."""
    due: list[Due] = []
    for person in people:
        if not person.slack_user_id:
            continue
        subject = store.staff_subject(person.id)
        if subject in accepted:
            continue
        start = start_of(person, send_all_on, today)
        if start is None:
            continue
        day, why = start
        first = Key(KIND, subject, person.slack_user_id, day)
        due_on = rules.chase_due(
            day, today, weeks=rules.UNDERTAKING_REMINDER_WEEKS, first_sent=first in sent
        )
        if due_on is None:
            continue
        key = Key(KIND, subject, person.slack_user_id, due_on)
        if key not in sent:
            due.append(Due(person, key, why, (due_on - day).days // 7))
    return due


def _dm(
    notifier: Notifier, slack_id: str, message: Message, tz: str | None, now: datetime
) -> Posted | None:
    return notifier.dm_in_hours(slack_id, message, tz=tz, now=now)


def send(
    db: Database,
    notifier: Notifier,
    due: Due,
    *,
    policy: Policy,
    link: str | None,
    now: datetime,
) -> Result:
    message = undertaking_message(
        name=due.person.name, policy=policy, link=link, why=due.why, reminder=due.reminder
    )
    assert due.person.slack_user_id is not None
    deliver = functools.partial(
        _dm, notifier, due.person.slack_user_id, message, due.person.tz, now
    )
    return send_once(db, due.key, deliver, now=now)


def load_due(db: Database, today: date) -> tuple[list[Due], str | None]:
    """Everyone due today, and the code of conduct's link: five queries in all."""
    with db.session() as session:
        people = store.active_people(session)
        accepted = store.subjects(session, kind=KIND, period=rules.UNDERTAKING_VERSION)
        send_all_on = store.send_all_day(session)
        starts = [p.starter_since for p in people if p.starter_since is not None]
        if send_all_on is not None:
            starts.append(send_all_on)
        if not starts:
            return [], None
        sent = sent_keys(session, kinds=(KIND,), since=min(starts))
        link = store.code_of_conduct_link(session)
    due = due_today(people, accepted=accepted, send_all_on=send_all_on, sent=sent, today=today)
    return due, link


def send_all(
    db: Database,
    notifier: Notifier,
    due: list[Due],
    *,
    policy: Policy,
    link: str | None,
    now: datetime,
) -> tuple[int, int, list[str]]:
    """Send each; (first messages sent, reminders sent, failures)."""
    sent = reminded = 0
    failures: list[str] = []
    for item in due:
        result = send(db, notifier, item, policy=policy, link=link, now=now)
        if result.sent:
            if item.reminder:
                reminded += 1
            else:
                sent += 1
        elif result.error:
            failures.append(f"the undertaking to {item.person.name}: {result.error}")
    return sent, reminded, failures


def undertakings(sweep: Sweep) -> None:
    due, link = load_due(sweep.db, sweep.today)
    if not due:
        return
    sent, reminded, failures = send_all(
        sweep.db, sweep.notifier, due, policy=sweep.settings.policy, link=link, now=sweep.now
    )
    report_sent(
        sweep,
        "undertaking",
        sent=sent,
        reminded=reminded,
        sent_line="Sent the code of conduct undertaking to {people}.",
        reminded_line="Reminded {people} to accept the code of conduct undertaking.",
    )
    report_failures(
        sweep,
        [f"could not send {failure}" for failure in failures],
        more="could not send the undertaking to {n} more people",
    )
    if sent or reminded:
        with sweep.db.session() as session:
            audit.record(
                session, action="undertaking_sent", sent=sent, reminded=reminded, on=sweep.today
            )
            session.commit()


JOBS = [
    Job(
        "code of conduct undertaking",
        undertakings,
        working_days_only=True,
        phrases={
            "undertaking_sent": ("sent {n} code of conduct undertaking", "sent {n} undertakings"),
            "undertaking_reminded": (
                "sent {n} undertaking reminder",
                "sent {n} undertaking reminders",
            ),
        },
    ),
]
