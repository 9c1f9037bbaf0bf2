"""What policy reviews owe, drawn for Teams: the sweep's reminder in the policy's channel
(a Teams channel: "channel:19:…@thread.tacv2") and the owner's own copy in their chat
(bot.jobs.policies), each with "Mark reviewed…" opening the form (bot.teams.policies); and,
once the review is marked done (bot.usecases.policies), each of them replaced in place by
"Reviewed", without its button."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from bot.outbox import Queued
from bot.teams.cards import message as card_message
from bot.teams.drawers import Drawn, Where, drawer
from bot.teams.home_flow import office_policy
from bot.ui import policy_reminders as cards
from bot.ui.cards import Card
from bot.usecases.governance import CHANNEL_REMINDER, OWNER_REMINDER, channel_failure, still_due
from bot.usecases.policies import REVIEWED
from storage import policies as store
from storage import staff
from storage.types import utcnow

FIX_IT = "*conduct policies*"


def drawn_at(message: Queued) -> datetime:
    """The time a message speaks as of: when it fell due, or later if it goes later."""
    at = message.at or utcnow()
    return max(at, message.due_at) if message.due_at is not None else at


def drawn_on(message: Queued) -> date:
    """The office's date a message speaks of ("in 7 days")."""
    return drawn_at(message).astimezone(office_policy().tz).date()


def drawn(card: Card, update: Where | None = None) -> Drawn:
    activity = card_message(card)
    return Drawn(activity["summary"], activity["attachments"][0]["content"], update)


@drawer(CHANNEL_REMINDER)
def draw_channel_reminder(session: Session, message: Queued) -> Drawn | None:
    found = still_due(session, message)
    if found is None:
        return None
    policy, owner = found
    assert policy.id is not None
    return drawn(
        cards.channel_card(
            policy,
            policy_id=policy.id,
            owner_name=owner.display_name if owner else None,
            today=drawn_on(message),
            fix_it=FIX_IT,
        )
    )


@drawer(OWNER_REMINDER)
def draw_owner_reminder(session: Session, message: Queued) -> Drawn | None:
    found = still_due(session, message)
    if found is None:
        return None
    policy, _owner = found
    assert policy.id is not None
    failed = channel_failure(session, message)
    problem = None
    if failed is not None:
        problem = cards.channel_problem(failed.error, not_installed=failed.parked, fix_it=FIX_IT)
    return drawn(
        cards.owner_card(
            policy, policy_id=policy.id, today=drawn_on(message), channel_problem=problem
        )
    )


@drawer(REVIEWED)
def draw_reviewed(session: Session, message: Queued) -> Drawn | None:
    """In place of a reminder sent (the outbox knows where: `updates`); a reminder pressed
    that the outbox did not send has no place here to update."""
    payload = message.payload
    policy = store.get(session, policy_id=int(payload["policy_id"]))
    marked_by = staff.by_id(session, staff_id=int(payload["marked_by"]))
    if policy is None or marked_by is None or message.updates is None:
        return None
    card = cards.reviewed_card(
        policy,
        reviewed_on=date.fromisoformat(payload["reviewed_on"]),
        next_review=date.fromisoformat(payload["next_review"]),
        marked_by=marked_by.display_name,
    )
    return drawn(card, update=Where(*message.updates))
