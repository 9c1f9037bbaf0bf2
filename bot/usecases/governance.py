"""What the sweep's governance jobs owe (bot.jobs.policies, bot.jobs.digest), as every
platform's drawers read it: the outbox's card names, the policy a reminder is about (None
once there is nothing left to remind of) and what became of the channel post an owner's
reminder follows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.rules.status import OutboxStatus
from bot.sending import Queued
from storage import outbox, staff
from storage import policies as store
from storage.models import Policy, Staff

# The outbox cards: a policy review's post in its channel and the owner's own copy; the weekly
# governance digest in GOVERNANCE_CHANNEL.
CHANNEL_REMINDER = "policy_reminder_channel"
OWNER_REMINDER = "policy_reminder_owner"
DIGEST = "governance_digest"

# What became of a channel post that its owner's message tells them about.
NOT_POSTED = (OutboxStatus.FAILED, OutboxStatus.DEAD, OutboxStatus.PARKED)


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


@dataclass(frozen=True)
class NotPosted:
    """The channel post an owner's reminder follows did not go: the platform's error, and
    whether it waits for Nolan to be installed there (Teams' 403)."""

    error: str
    parked: bool


def channel_failure(session: Session, message: Queued) -> NotPosted | None:
    """What became of the channel post the owner's reminder follows, if it did not go (as it
    stands when the reminder is drawn)."""
    channel_message = message.payload.get("channel_message")
    if channel_message is None:
        return None
    row = outbox.by_ids(session, ids=[int(channel_message)]).get(int(channel_message))
    if row is None or row.status not in NOT_POSTED:
        return None
    return NotPosted(row.last_error or "an error", row.status == OutboxStatus.PARKED)
