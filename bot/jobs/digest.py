"""The weekly governance digest (a job of the daily sweep): on Monday, or the next working day
when Monday is a bank holiday, Nolan posts in GOVERNANCE_CHANNEL how the office stands —
counts only: declarations made last week by kind, decisions waiting, lapsed vetting
clearances, policies due or overdue for review; and how many people Nolan can't reach
(Teams: Nolan not installed for them), with what IT should do.

Never a person's private details (cumbria "Disclosure of Information"; derbyshire §8): no
names, no references, nothing about what was declared. Notifications that cannot wait
(criminal charges, proceedings, vetting changes) are left out altogether, counts included:
they go to the named officers, never to a channel, and in a small office even "1" can point
at someone.

One ledger key per week (kind "governance_digest", subject "week:<Monday>", recipient
"channel:<id>", the day it fell due), owed through the outbox (bot.ledger.owe_unless_sent)
and counted when drawn (Slack: handlers.digest.owed; Teams: bot.teams.digest). The counts
(storage.governance) take a constant number of queries however many staff or declarations
there are.
"""

from __future__ import annotations

import logging
from datetime import date

from bot.ledger import owe_unless_sent
from bot.rules.calendar import next_working_day
from bot.sweep import Job, Owed, Sweep
from bot.usecases.governance import DIGEST
from storage import reminders
from storage.governance import week_of
from storage.reminders import Key

log = logging.getLogger(__name__)

# What the report says when the post failed, in each platform's words.
NOT_A_MEMBER = {
    "slack": "Is Nolan a member of it? Invite it with /invite @Nolan; the next run tries again.",
    "teams": "Is Nolan installed in that channel's team? Add it to the team; the next run tries "
    "again.",
}


def digest_day(monday: date) -> date:
    """Monday, or the next working day if Monday is a bank holiday."""
    return next_working_day(monday)


def short_day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def post_governance_digest(sweep: Sweep) -> None:
    channel = sweep.settings.policy.governance_channel
    if not channel:
        return  # no GOVERNANCE_CHANNEL: no digest
    monday = week_of(sweep.today)
    due_on = digest_day(monday)
    if sweep.today < due_on:
        return
    key = Key(DIGEST, f"week:{monday.isoformat()}", f"channel:{channel}", due_on)
    with sweep.db.session() as session:
        owed = reminders.owed_keys(session, kinds=(DIGEST,), since=due_on)
    queued = owe_unless_sent(
        sweep.db, owed, key, DIGEST, due_at=sweep.now, monday=monday.isoformat()
    )
    if queued is not None:
        sweep.owe(
            Owed(
                queued,
                "governance_digest",
                f"Posted the governance digest for the week of {short_day(monday)} in channel "
                f"{channel}.",
                failed=f"could not post the governance digest in channel {channel}: {{error}}. "
                + NOT_A_MEMBER[sweep.settings.platform],
                waiting=f"The governance digest waits until Nolan is installed in the team of "
                f"channel {channel}.",
            )
        )
    sweep.deliver()


JOBS = [
    Job(
        "governance digest",
        post_governance_digest,
        working_days_only=True,
        phrases={
            "governance_digest": ("posted {n} governance digest", "posted {n} governance digests"),
        },
    ),
]
