"""The Slack drawing of what marking a policy review owes (bot.usecases.policies): each
reminder of the review redrawn as "Reviewed", without its button."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from bot.notifier import Posted
from bot.outbox import Queued
from bot.usecases.policies import REVIEWED
from handlers.outgoing import Drawn, card
from handlers.policies.messages import reviewed_message
from storage import policies as store
from storage import staff


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
