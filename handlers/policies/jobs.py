"""The sweep's policy review job (its JOBS): reminders in each policy's channel, and to
its owner, at each lead time before the review date (POLICY_LEAD_DAYS) and each week once
it is overdue (from the day after the review date).

Every message goes through the ledger (bot.ledger.send_once) under its natural key: kind
"policy_review" (a lead time) or "policy_overdue" (a week overdue), subject "policy:<id>",
the channel or the owner's Slack id, and the day it fell due. So a rerun, a second bot
process or a failure never sends one twice, and a channel post that failed is tried again
on the next run while the owner, already told, is not told again.

Queries: the policies, their owners and the keys already sent, once each per sweep.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from slack_sdk.errors import SlackApiError

from bot.ledger import send_once
from bot.notifier import Posted
from bot.rules.policies import long_date
from bot.rules.schedule import due_lead, weekly_due
from bot.sweep import Job, Sweep
from handlers.approvals.chasing import problem
from handlers.policies import messages
from storage import policies as store
from storage import reminders, staff
from storage.models import Policy, Staff
from storage.reminders import Key

log = logging.getLogger(__name__)

REMINDED = "policy_reminded"


@dataclass(frozen=True)
class Due:
    kind: str  # store.REVIEW_KIND or store.OVERDUE_KIND
    due_on: date


def due(next_review: date, today: date, leads: tuple[int, ...]) -> Due | None:
    """What is due today for a policy reviewed by `next_review`: the latest lead time
    reached, or, from the day after, the latest weekly overdue reminder."""
    if today > next_review:
        week = weekly_due(next_review + timedelta(days=1), today)
        return Due(store.OVERDUE_KIND, week) if week is not None else None
    lead = due_lead(next_review, today, leads)
    return Due(store.REVIEW_KIND, lead.due_on) if lead is not None else None


def remind_policy_reviews(sweep: Sweep) -> None:
    leads = sweep.settings.policy.policy_lead_days
    with sweep.db.session() as session:
        found = []
        for policy in store.reviewable(session):
            assert policy.next_review is not None
            what = due(policy.next_review, sweep.today, leads)
            if what is not None:
                found.append((policy, what))
        if not found:
            return
        owners = staff.by_ids(session, ids=store.owners(p for p, _ in found))
        sent = reminders.sent_keys(
            session, kinds=store.KINDS, since=min(w.due_on for _, w in found)
        )
    for policy, what in found:
        owner = owners.get(policy.owner_id or 0)
        try:
            _remind(sweep, policy, owner, what, sent)
        except Exception as exc:  # one policy must not stop the others
            log.warning("Policy %s reminder", policy.id, exc_info=True)
            sweep.report.failed(f"could not remind about policy “{policy.title}”: {problem(exc)}")


def _remind(sweep: Sweep, policy: Policy, owner: Staff | None, what: Due, sent: set[Key]) -> None:
    assert policy.id is not None and policy.next_review is not None
    subject = store.subject(policy.id)
    when = long_date(policy.next_review)
    late = " (overdue)" if what.kind == store.OVERDUE_KIND else ""
    channel_problem: str | None = None
    if policy.channel_id:
        key = Key(what.kind, subject, policy.channel_id, what.due_on)
        if key not in sent:
            channel_problem = _post_in_channel(sweep, policy, owner, key, when, late)
    if owner is None or not owner.active or not owner.slack_user_id:
        who = "nobody" if owner is None else owner.display_name
        sweep.report.note(
            f"Policy “{policy.title}” is due for review {when}{late}, but its owner ({who}) "
            "can't be sent a message: an admin can choose another in /conduct policies."
        )
        return
    key = Key(what.kind, subject, owner.slack_user_id, what.due_on)
    if key in sent:
        return
    slack_id, tz = owner.slack_user_id, owner.tz
    message = messages.owner_reminder(policy, today=sweep.today, channel_problem=channel_problem)
    result = send_once(
        sweep.db,
        key,
        lambda: sweep.notifier.dm_in_hours(slack_id, message, tz=tz, now=sweep.now),
        now=sweep.now,
    )
    if result.error:
        sweep.report.failed(
            f"could not remind {owner.display_name} about policy “{policy.title}”: "
            f"{result.error.splitlines()[0]}"
        )
    elif result.sent:
        sweep.report.did(
            REMINDED,
            f"Reminded {owner.display_name} that policy “{policy.title}” is due for review "
            f"{when}{late}.",
        )


def _post_in_channel(
    sweep: Sweep, policy: Policy, owner: Staff | None, key: Key, when: str, late: str
) -> str | None:
    """Post the reminder in the policy's channel; on failure, what to tell the owner."""
    assert policy.channel_id is not None
    channel = policy.channel_id
    message = messages.channel_reminder(policy, owner=owner, today=sweep.today)
    error: list[str] = []

    def send() -> Posted:
        try:
            return sweep.notifier.post(channel, message)
        except SlackApiError as exc:
            error.append(str(exc.response.get("error") or exc.response.status_code))
            raise
        except Exception as exc:
            error.append(problem(exc))
            raise

    result = send_once(sweep.db, key, send, now=sweep.now)
    if result.sent:
        sweep.report.did(
            REMINDED,
            f"Posted in channel {channel} that policy “{policy.title}” is due for review "
            f"{when}{late}.",
        )
        return None
    if result.error is None:
        return None  # another sweep holds it
    code = error[0] if error else result.error
    advice = (
        " Invite Nolan to the channel (/invite @Nolan), or choose another in /conduct policies."
        if code in messages.NOT_IN_CHANNEL
        else " The next run tries again."
    )
    sweep.report.failed(
        f"could not post the review reminder for policy “{policy.title}” in channel "
        f"{channel}: Slack answered {code}.{advice}"
    )
    return messages.channel_problem(channel, code)


JOBS = [
    Job(
        "policy reviews",
        remind_policy_reviews,
        working_days_only=True,
        phrases={
            "policy_reminded": (
                "sent {n} policy review reminder",
                "sent {n} policy review reminders",
            ),
        },
    ),
]
