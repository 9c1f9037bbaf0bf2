"""The weekly governance digest (a job of the daily sweep): on Monday, or the next working day when
Monday is a bank holiday, Nolan posts in GOVERNANCE_CHANNEL how the office stands — counts
only: declarations made last week by kind, decisions waiting, lapsed vetting clearances,
policies due or overdue for review.

Never a person's private details (cumbria "Disclosure of Information"; derbyshire §8): no
names, no references, nothing about what was declared. Notifications that cannot wait
(criminal charges, proceedings, vetting changes) are left out altogether, counts included:
they go to the named officers, never to a channel, and in a small office even "1" can point
at someone.

One ledger key per week (kind "governance_digest", subject "week:<Monday>", the channel,
the day it fell due). The counts (storage.governance) take a constant number of queries
however many staff or declarations there are.
"""

from __future__ import annotations

import logging
from datetime import date

from bot.ledger import send_once
from bot.notifier import Posted
from bot.rules.calendar import next_working_day
from bot.sweep import Job, Sweep
from handlers.approvals.chasing import problem
from handlers.digest import messages
from storage import reminders
from storage.governance import gather, week_of
from storage.reminders import Key

log = logging.getLogger(__name__)

DIGEST = "governance_digest"


def digest_day(monday: date) -> date:
    """Monday, or the next working day if Monday is a bank holiday."""
    return next_working_day(monday)


def post_governance_digest(sweep: Sweep) -> None:
    channel = sweep.settings.policy.governance_channel
    if not channel:
        return  # no GOVERNANCE_CHANNEL: no digest
    monday = week_of(sweep.today)
    due_on = digest_day(monday)
    if sweep.today < due_on:
        return
    key = Key(DIGEST, f"week:{monday.isoformat()}", channel, due_on)
    with sweep.db.session() as session:
        if key in reminders.sent_keys(session, kinds=(DIGEST,), since=due_on):
            return
        counts = gather(
            session,
            today=sweep.today,
            now=sweep.now,
            tz=sweep.settings.policy.tz,
            policy_window_days=max(sweep.settings.policy.policy_lead_days),
        )
    message = messages.digest(counts, office=sweep.settings.policy.office_name)
    error: list[str] = []

    def send() -> Posted:
        try:
            return sweep.notifier.post(channel, message)
        except Exception as exc:
            error.append(problem(exc))
            raise

    result = send_once(sweep.db, key, send, now=sweep.now)
    if result.error:
        why = error[0] if error else result.error.splitlines()[0]
        sweep.report.failed(
            f"could not post the governance digest in channel {channel}: {why}. Is Nolan a "
            "member of it? Invite it with /invite @Nolan; the next run tries again."
        )
    elif result.sent:
        sweep.report.did(
            "governance_digest",
            f"Posted the governance digest for the week of {messages.short_day(monday)} in "
            f"channel {channel}.",
        )


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
