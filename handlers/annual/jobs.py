"""The annual declaration in the daily sweep (its JOBS).

On the annual day every active member of staff is asked; each week after it, for
ANNUAL_DECLARATION_REMINDER_WEEKS weeks, whoever has not answered is reminded; the day after
the last reminder the monitoring officer gets the list of who still has not. Every message
goes through the reminder ledger (bot.ledger.send_once) under its natural key — kind
"annual_declaration", subject "staff:<id>", the person's Slack id, due on the annual day + k
weeks — so a rerun, a restart or a second process sends nothing twice.

Whatever the size of the office, the job loads in a constant number of queries: the active
staff, the year's answers and the keys already sent; then the registers of just the people
due a message. Only sending is per person (one DM each, and its ledger row).
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime

from bot.ledger import send_once
from bot.notifier import Message, Notifier, Posted
from bot.rules import annual as rules
from bot.rules.annual import Round
from bot.rules.roles import Role
from bot.sweep import Job, Sweep
from bot.usecases.annual import current_round as current_round
from bot.usecases.annual import day_start as day_start
from bot.usecases.annual import note_updates, outstanding, went_out
from handlers.annual.messages import annual_message, outstanding_message
from handlers.mailing import people, report_failures, report_sent
from storage import audit, staff
from storage import confirmations as store
from storage.reminders import Key, sent_keys

log = logging.getLogger(__name__)

KIND = store.ANNUAL
NONRESPONDERS = "annual_nonresponders"
# Failures listed one by one in the sweep's report; beyond this they are counted.


def annual_declarations(sweep: Sweep) -> None:
    round_ = current_round(sweep.settings.policy, sweep.today)
    if round_ is None:
        return
    if round_.is_open(sweep.today):
        with sweep.db.session() as session:
            note_updates(session, round_, sweep.settings.policy, sweep.now)
            session.commit()
        _ask(sweep, round_)
    else:
        _tell_monitoring_officer(sweep, round_)


def _send(
    notifier: Notifier, slack_id: str, message: Message, tz: str | None, now: datetime
) -> Posted | None:
    return notifier.dm_in_hours(slack_id, message, tz=tz, now=now)


def _ask(sweep: Sweep, round_: Round) -> None:
    """The annual DM to everyone not yet asked; this week's reminder to everyone asked who
    has not answered."""
    today = sweep.today
    with sweep.db.session() as session:
        people = store.active_people(session)
        answers = store.annual_answers(session, period=round_.period)
        sent = sent_keys(session, kinds=(KIND,), since=round_.opens_on)
    due: list[tuple[store.Person, Key]] = []
    for person in people:
        if person.id in answers or not person.slack_user_id:
            continue
        if person.starter_since is not None and person.starter_since > round_.opens_on:
            continue  # joined since the annual day: they make the undertaking instead
        subject = store.staff_subject(person.id)
        first = Key(KIND, subject, person.slack_user_id, round_.opens_on)
        due_on = rules.chase_due(
            round_.opens_on,
            today,
            weeks=round_.weeks,
            first_sent=first in sent,
            first_until=round_.closes_on,
        )
        if due_on is None:
            continue
        key = Key(KIND, subject, person.slack_user_id, due_on)
        if key not in sent:
            due.append((person, key))
    if not due:
        return
    with sweep.db.session() as session:
        holdings = store.current_holdings(session, today=today, staff_ids=[p.id for p, _ in due])
    asked = reminded = 0
    failures: list[str] = []
    for person, key in due:
        week = (key.due_on - round_.opens_on).days // 7
        message = annual_message(
            name=person.name,
            round_=round_,
            holdings=holdings.get(person.id),
            policy=sweep.settings.policy,
            reminder=week,
        )
        assert person.slack_user_id is not None
        send = functools.partial(
            _send, sweep.notifier, person.slack_user_id, message, person.tz, sweep.now
        )
        result = send_once(sweep.db, key, send, now=sweep.now)
        if result.sent:
            if week:
                reminded += 1
            else:
                asked += 1
        elif result.error:
            failures.append(f"the annual declaration to {person.name}: {result.error}")
    _report(sweep, round_, asked, reminded, failures)


def _report(sweep: Sweep, round_: Round, asked: int, reminded: int, failures: list[str]) -> None:
    report_sent(
        sweep,
        "annual",
        sent=asked,
        reminded=reminded,
        sent_line=f"Sent the annual declaration {round_.year} to {{people}}.",
        reminded_line=f"Reminded {{people}} to answer the annual declaration {round_.year}.",
    )
    report_failures(
        sweep,
        [f"could not send {failure}" for failure in failures],
        more="could not send the annual declaration to {n} more people",
    )
    if asked or reminded:
        with sweep.db.session() as session:
            audit.record(
                session,
                action="annual_declaration_sent",
                year=round_.year,
                asked=asked,
                reminded=reminded,
                on=sweep.today,
            )
            session.commit()


def _tell_monitoring_officer(sweep: Sweep, round_: Round) -> None:
    """Once the reminders are over: the list of who has not answered, to the monitoring
    officer (once, by the ledger)."""
    with sweep.db.session() as session:
        if not went_out(session, round_):
            return
        note_updates(session, round_, sweep.settings.policy, sweep.now)
        session.commit()
        officers = [
            s for s in staff.holders_of(session, role=Role.MONITORING_OFFICER) if s.slack_user_id
        ]
    if not officers:
        if (sweep.today - round_.closes_on).days >= 7:
            return  # said for a week; not every day until next year
        sweep.report.note(
            f"The annual declaration {round_.year} reminders are over, but there is no "
            "monitoring officer with a Slack account to send the list of who has not answered."
        )
        return
    officer = officers[0]
    assert officer.slack_user_id is not None
    key = Key(NONRESPONDERS, f"year:{round_.year}", officer.slack_user_id, round_.closes_on)
    counted: list[int] = []

    def send() -> Posted | None:
        # Built only once the key is claimed: the list is not worked out every day.
        with sweep.db.session() as session:
            report = outstanding(session, round_)
        counted.append(len(report.missing))
        message = outstanding_message(report, final=True, today=sweep.today)
        return sweep.notifier.dm_in_hours(
            officer.slack_user_id or "", message, tz=officer.tz, now=sweep.now
        )

    result = send_once(sweep.db, key, send, now=sweep.now)
    if result.sent:
        n = counted[0] if counted else 0
        sweep.report.did(
            "annual_nonresponders",
            f"Sent {officer.display_name} the list of {people(n)} who have not answered the "
            f"annual declaration {round_.year}.",
        )
        with sweep.db.session() as session:
            audit.record(
                session,
                action="annual_nonresponders_sent",
                year=round_.year,
                not_answered=n,
                to_id=officer.id,
            )
            session.commit()
    elif result.error:
        sweep.report.failed(
            f"could not send {officer.display_name} the annual declaration list: {result.error}"
        )


JOBS = [
    Job(
        "annual declaration",
        annual_declarations,
        working_days_only=True,
        phrases={
            "annual_sent": ("sent {n} annual declaration", "sent {n} annual declarations"),
            "annual_reminded": (
                "sent {n} annual declaration reminder",
                "sent {n} annual declaration reminders",
            ),
            "annual_nonresponders": (
                "sent {n} list of who has not answered the annual declaration",
                "sent {n} lists of who has not answered the annual declaration",
            ),
        },
    ),
]
