"""The Slack drawing of what policy reviews owe: the sweep's reminders (bot.jobs.policies) in
the policy's channel and to its owner, and, once the review is marked done
(bot.usecases.policies), each reminder redrawn as "Reviewed", without its button."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from bot.jobs.policies import CHANNEL_REMINDER, OWNER_REMINDER
from bot.notifier import Posted
from bot.outbox import Queued
from bot.rules.status import OutboxStatus
from bot.usecases.policies import REVIEWED
from handlers.outgoing import Drawn, Office, card
from handlers.policies import messages
from handlers.policies.messages import reviewed_message
from storage import outbox, staff
from storage import policies as store
from storage.models import Policy, Staff

# What became of a channel post that its owner's message tells them about.
NOT_POSTED = (OutboxStatus.FAILED, OutboxStatus.DEAD, OutboxStatus.PARKED)
SLACK_ANSWERED = "Slack answered "


def still_due(session: Session, message: Queued) -> tuple[Policy, Staff | None] | None:
    """The policy a reminder is about and its owner; None once there is nothing to remind of
    (retired, or its review marked done since the reminder was owed)."""
    policy = store.get(session, policy_id=int(message.payload["policy_id"]))
    if policy is None or not policy.active or policy.next_review is None:
        return None
    if policy.next_review.isoformat() != message.payload.get("due"):
        return None
    owner = staff.by_id(session, staff_id=policy.owner_id) if policy.owner_id else None
    return policy, owner


def channel_failure(session: Session, message: Queued) -> str | None:
    """The error of the channel post the owner's reminder follows, if it did not go."""
    channel_message = message.payload.get("channel_message")
    if channel_message is None:
        return None
    row = outbox.by_ids(session, ids=[int(channel_message)]).get(int(channel_message))
    if row is None or row.status not in NOT_POSTED:
        return None
    return row.last_error or "an error"


@card(CHANNEL_REMINDER, office=True)
def _draw_channel(session: Session, message: Queued, office: Office) -> Drawn | None:
    found = still_due(session, message)
    if found is None:
        return None
    policy, owner = found
    return Drawn(messages.channel_reminder(policy, owner=owner, today=office.today))


@card(OWNER_REMINDER, office=True)
def _draw_owner(session: Session, message: Queued, office: Office) -> Drawn | None:
    found = still_due(session, message)
    if found is None:
        return None
    policy, _owner = found
    problem = None
    if (error := channel_failure(session, message)) is not None and policy.channel_id:
        problem = messages.channel_problem(policy.channel_id, error.removeprefix(SLACK_ANSWERED))
    return Drawn(messages.owner_reminder(policy, today=office.today, channel_problem=problem))


@card(REVIEWED)
def _draw_reviewed(session: Session, message: Queued) -> Drawn | None:
    payload = message.payload
    where = message.updates or (payload.get("channel"), payload.get("ts"))
    policy = store.get(session, policy_id=int(payload["policy_id"]))
    marked_by = staff.by_id(session, staff_id=int(payload["marked_by"]))
    channel, ts = where
    if policy is None or marked_by is None or not channel or not ts:
        return None
    reviewed = reviewed_message(
        policy,
        reviewed_on=date.fromisoformat(payload["reviewed_on"]),
        next_review=date.fromisoformat(payload["next_review"]),
        marked_by=marked_by,
    )
    return Drawn(reviewed, update=Posted(channel, ts))
