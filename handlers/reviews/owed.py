"""The Slack drawing of what ending a permission at its yearly review owes
(bot.usecases.reviews): word to the line manager, for information."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from bot.outbox import Queued
from bot.usecases.reviews import ENDED, Permission
from handlers.approvals.owed import notified
from handlers.outgoing import Drawn, card
from handlers.reviews.messages import ended_notice
from storage import staff


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
