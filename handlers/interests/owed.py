"""The messages a declared interest owes beyond the shared ones (handlers.approvals.owed):
its receipt, and the warning to someone in a politically restricted post."""

from __future__ import annotations

from sqlmodel import Session

from bot.outbox import Queued
from handlers.approvals import owed
from handlers.interests.cards import declarant_receipt, restricted_post_message
from handlers.outgoing import Drawn, card

RECEIPT, RESTRICTED_POST = "interest_receipt", "restricted_post"
owed.receipt_card(RECEIPT, declarant_receipt)


@card(RESTRICTED_POST, after=owed.notified("declarant", why="politically_restricted_post"))
def _draw_restricted_post(session: Session, message: Queued) -> Drawn:
    return Drawn(restricted_post_message(str(message.payload["reference"])))
