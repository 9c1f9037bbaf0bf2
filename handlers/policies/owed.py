"""The Slack drawing of what policy reviews owe: the sweep's reminders (bot.jobs.policies) in
the policy's channel and to its owner, and, once the review is marked done
(bot.usecases.policies), each reminder redrawn as "Reviewed", without its button."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from bot.outbox import Posted, Queued
from bot.usecases.governance import CHANNEL_REMINDER, OWNER_REMINDER, channel_failure, still_due
from bot.usecases.policies import REVIEWED
from handlers.outgoing import Drawn, Office, card
from handlers.policies import messages
from handlers.policies.messages import reviewed_message
from storage import policies as store
from storage import staff

SLACK_ANSWERED = "Slack answered "  # handlers.outgoing's words before Slack's error code


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
    if (failed := channel_failure(session, message)) is not None and policy.channel_id:
        code = failed.error.removeprefix(SLACK_ANSWERED)
        problem = messages.channel_problem(policy.channel_id, code)
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
