"""The messages an interest owes beyond the shared ones (bot.usecases.interests), drawn for
Slack: its receipt, the warning to someone in a politically restricted post, and, when it
ends, the word to the line manager (and monitoring officer) and the declarant's receipt."""

from __future__ import annotations

from sqlmodel import Session

from bot.outbox import Queued
from bot.usecases.interests import ENDED, ENDED_RECEIPT, RECEIPT, RESTRICTED_POST
from handlers.approvals import owed
from handlers.interests.cards import (
    declarant_receipt,
    ended_message,
    ended_receipt,
    restricted_post_message,
)
from handlers.outgoing import Drawn, card
from storage import declarations

owed.receipt_card(RECEIPT, declarant_receipt)


@card(RESTRICTED_POST, after=owed.notified("declarant", why="politically_restricted_post"))
def _draw_restricted_post(session: Session, message: Queued) -> Drawn:
    return Drawn(restricted_post_message(str(message.payload["reference"])))


def _ended(session: Session, message: Queued) -> declarations.Record | None:
    return declarations.load_record(session, declaration_id=int(message.payload["declaration_id"]))


@card(ENDED)
def _draw_ended(session: Session, message: Queued) -> Drawn | None:
    record = _ended(session, message)
    return Drawn(ended_message(record)) if record else None


@card(ENDED_RECEIPT)
def _draw_ended_receipt(session: Session, message: Queued) -> Drawn | None:
    record = _ended(session, message)
    return Drawn(ended_receipt(record)) if record else None
