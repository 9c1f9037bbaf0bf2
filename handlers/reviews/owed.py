"""The Slack drawing of the yearly review's messages: the sweep's DM asking for the review
(handlers.reviews.jobs; "outside_work_review_sent" is recorded with it), and what ending a
permission at its review owes (bot.usecases.reviews): word to the line manager."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from bot.outbox import Queued
from bot.usecases.reviews import ENDED, Permission
from handlers.approvals.owed import notified
from handlers.outgoing import Drawn, Office, card
from handlers.reviews.jobs import KIND
from handlers.reviews.messages import ended_notice, review_message
from storage import audit, staff
from storage import confirmations as store


@card(ENDED, after=notified("line_manager"))
def _draw_ended(session: Session, message: Queued) -> Drawn | None:
    payload = message.payload
    manager = staff.by_id(session, staff_id=int(message.recipient.removeprefix("staff:")))
    declarant = staff.by_id(session, staff_id=int(payload["declarant_id"]))
    if manager is None or not manager.slack_user_id or declarant is None:
        return None  # not on Slack: nobody to tell here
    permission = Permission(
        declaration_id=int(payload["declaration_id"]),
        reference=str(payload["reference"]),
        role=str(payload["role"]),
        organisation=str(payload["organisation"]),
        granted_on=date.fromisoformat(payload["granted_on"]),
    )
    return Drawn(
        ended_notice(
            permission,
            declarant=declarant.display_name,
            ended_on=date.fromisoformat(payload["ended_on"]),
        )
    )


def _review_sent(session: Session, message: Queued, _sent: object) -> None:
    audit.record(
        session,
        action="outside_work_review_sent",
        declaration_id=int(message.payload["declaration_id"]),
        anniversary=date.fromisoformat(message.payload["anniversary"]),
    )


@card(KIND, office=True, after=_review_sent)
def _draw_review(session: Session, message: Queued, office: Office) -> Drawn | None:
    payload = message.payload
    found = store.granted_outside_work(
        session, today=office.today, declaration_id=int(payload["declaration_id"])
    )
    if not found:
        return None  # no longer in force: nothing to review
    [grant] = found
    permission = Permission(
        declaration_id=grant.declaration_id,
        reference=grant.reference,
        role=grant.role,
        organisation=grant.organisation,
        granted_on=date.fromisoformat(payload["granted_on"]),
    )
    anniversary = date.fromisoformat(payload["anniversary"])
    return Drawn(review_message(permission, anniversary, office.policy))
