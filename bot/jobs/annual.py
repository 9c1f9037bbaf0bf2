"""The annual declaration in the daily sweep (its JOBS).

On the annual day every active member of staff is asked; each week after it, for
ANNUAL_DECLARATION_REMINDER_WEEKS weeks, whoever has not answered is reminded; the day after
the last reminder the monitoring officer gets the list of who still has not. Each message is
owed through the outbox by its ledger key (bot.ledger.owe_once) — kind "annual_declaration",
subject and recipient "staff:<id>", due on the annual day + k weeks — so a rerun, a restart,
a second process or a platform's retry sends nothing twice; due at the sweep's now, it
reaches each person in their working hours (Slack schedules it, Teams holds it). Drawn when
sent, from the registers as they are then (bot.usecases.yearly; Slack: handlers.annual.owed;
Teams: bot.teams.annual).

Whatever the size of the office, the job loads in a constant number of queries: the active
staff, the year's answers and the keys already owed. Only owing is per person.
"""

from __future__ import annotations

from bot.jobs.yearly import audited, owe, people, report_sent
from bot.outbox import to_staff
from bot.rules import annual as rules
from bot.rules.annual import Round
from bot.rules.roles import Role
from bot.sweep import Job, Sweep
from bot.usecases.annual import current_round, note_updates, outstanding, went_out
from bot.usecases.declare import reachable
from bot.usecases.yearly import ANNUAL, NONRESPONDERS, key_of, owed_to_staff
from storage import confirmations as store
from storage import staff
from storage.reminders import Key, owed_keys


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


def _ask(sweep: Sweep, round_: Round) -> None:
    """The annual declaration to everyone not yet asked; this week's reminder to everyone
    asked who has not answered. Payload: the year and which reminder (0: the first)."""
    today = sweep.today
    with sweep.db.session() as session:
        everyone = store.active_people(session)
        answers = store.annual_answers(session, period=round_.period)
        owed = owed_to_staff(session, kind=ANNUAL, since=round_.opens_on)
    for person in everyone:
        if person.id in answers or not person.reachable:
            continue
        if person.starter_since is not None and person.starter_since > round_.opens_on:
            continue  # joined since the annual day: they make the undertaking instead
        first = key_of(ANNUAL, person.id, round_.opens_on)
        due_on = rules.chase_due(
            round_.opens_on,
            today,
            weeks=round_.weeks,
            # Owed and not still waiting to go (or to be tried again).
            first_sent=first in owed and owed[first] is None,
            first_until=round_.closes_on,
        )
        if due_on is None:
            continue
        week = (due_on - round_.opens_on).days // 7
        owe(
            sweep,
            owed,
            key_of(ANNUAL, person.id, due_on),
            counted_as="annual_reminded" if week else "annual_sent",
            failed=f"could not send the annual declaration to {person.name}",
            year=round_.year,
            reminder=week,
        )
    went = sweep.deliver()
    asked, reminded = report_sent(
        sweep,
        "annual",
        went,
        sent_line=f"Sent the annual declaration {round_.year} to {{people}}.",
        reminded_line=f"Reminded {{people}} to answer the annual declaration {round_.year}.",
    )
    if asked or reminded:
        audited(
            sweep,
            "annual_declaration_sent",
            year=round_.year,
            asked=asked,
            reminded=reminded,
            on=sweep.today,
        )


def _tell_monitoring_officer(sweep: Sweep, round_: Round) -> None:
    """Once the reminders are over: the list of who has not answered, to the monitoring
    officer (once, by its key)."""
    with sweep.db.session() as session:
        if not went_out(session, round_):
            return
        note_updates(session, round_, sweep.settings.policy, sweep.now)
        session.commit()
        officers = [
            s for s in staff.holders_of(session, role=Role.MONITORING_OFFICER) if reachable(s)
        ]
        owed = owed_keys(session, kinds=(NONRESPONDERS,), since=round_.closes_on)
    if not officers:
        if (sweep.today - round_.closes_on).days >= 7:
            return  # said for a week; not every day until next year
        sweep.report.note(
            f"The annual declaration {round_.year} reminders are over, but there is no "
            "monitoring officer Nolan can reach to send the list of who has not answered."
        )
        return
    officer = officers[0]
    assert officer.id is not None
    subject = f"year:{round_.year}"
    key = Key(NONRESPONDERS, subject, to_staff(officer.id), round_.closes_on)
    # The list goes once a year: one owed to another recipient (another monitoring officer, or
    # under a Slack id before the outbox) counts too.
    if (key in owed and owed[key] is None) or any(
        (k.subject, k.due_on) == (subject, round_.closes_on) and k != key for k in owed
    ):
        return
    with sweep.db.session() as session:
        n = len(outstanding(session, round_).missing)  # worked out once owed, not every day
    owe(
        sweep,
        owed,
        key,
        counted_as=NONRESPONDERS,
        failed=f"could not send {officer.display_name} the annual declaration list",
        year=round_.year,
    )
    if not sweep.deliver():
        return
    sweep.report.did(
        NONRESPONDERS,
        f"Sent {officer.display_name} the list of {people(n)} who have not answered the "
        f"annual declaration {round_.year}.",
    )
    audited(sweep, "annual_nonresponders_sent", year=round_.year, not_answered=n, to_id=officer.id)


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
            NONRESPONDERS: (
                "sent {n} list of who has not answered the annual declaration",
                "sent {n} lists of who has not answered the annual declaration",
            ),
        },
    ),
]
