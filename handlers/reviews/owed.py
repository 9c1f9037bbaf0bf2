"""The Slack drawing of the yearly review's messages: the sweep's DM asking for the review
(bot.jobs.reviews; "outside_work_review_sent" is recorded with it), what ending a
permission at its review owes (bot.usecases.reviews): word to the line manager, and the DM
redrawn as the receipt of its answer (bot.usecases.reviews.ANSWERED)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from bot.outbox import Queued
from bot.usecases.reviews import ANSWERED, ENDED
from bot.usecases.reviews_owed import (
    KIND,
    ended_permission,
    review_sent,
    reviewed_from,
    under_review,
)
from handlers.annual.common import receipt
from handlers.approvals.owed import notified
from handlers.outgoing import Drawn, Office, card
from handlers.reviews.messages import ended_notice, review_message, reviewed_message
from storage import staff


@card(ENDED, after=notified("line_manager"))
def _draw_ended(session: Session, message: Queued) -> Drawn | None:
    payload = message.payload
    manager = staff.by_id(session, staff_id=int(message.recipient.removeprefix("staff:")))
    declarant = staff.by_id(session, staff_id=int(payload["declarant_id"]))
    if manager is None or not manager.slack_user_id or declarant is None:
        return None  # not on Slack: nobody to tell here
    return Drawn(
        ended_notice(
            ended_permission(payload),
            declarant=declarant.display_name,
            ended_on=date.fromisoformat(payload["ended_on"]),
        )
    )


@card(KIND, office=True, after=review_sent)
def _draw_review(session: Session, message: Queued, office: Office) -> Drawn | None:
    found = under_review(session, message, office.today)
    if found is None:
        return None  # no longer in force: nothing to review
    permission, anniversary = found
    return Drawn(review_message(permission, anniversary, office.policy))


@card(ANSWERED, office=True)
def _draw_answered(_session: Session, message: Queued, office: Office) -> Drawn | None:
    reviewed = reviewed_from(message.payload)
    answered = reviewed_message(
        reviewed.permission,
        response=reviewed.response,
        at=reviewed.at,
        policy=office.policy,
        ended_on=reviewed.ended_on,
    )
    return receipt(message, answered)
