"""Withdraw: the member of staff takes back a declaration still waiting for a decision, from
the Withdraw button beside it in /conduct mine (bot.usecases.withdraw). It stays on the
register as withdrawn; each approver's DM is updated in place and the approver told."""

from __future__ import annotations

from slack_bolt import Respond
from sqlmodel import Session

from bot.outbox import Queued
from bot.usecases import withdraw as withdrawing
from handlers.approvals.owed import notified
from handlers.context import Turn
from handlers.metadata import DeclarationRef
from handlers.notifier import Message
from handlers.outgoing import Drawn, card
from handlers.replies import tell

UNKNOWN = withdrawing.UNKNOWN


def withdraw(turn: Turn, meta: DeclarationRef, respond: Respond) -> None:
    """Acked once the withdrawal, with what it owes, is committed: a press Slack has heard
    "ok" for is never lost (issue 10)."""
    done = withdrawing.withdraw(turn.db, actor_id=turn.staff_id, declaration_id=meta.declaration_id)
    turn.ack()
    tell(respond, done.text)


@card(withdrawing.WITHDRAWN, after=notified("approver"))
def _draw_withdrawn(session: Session, message: Queued) -> Drawn | None:
    """The approver told that what waited for them was withdrawn: no decision is needed."""
    text = withdrawing.withdrawn_text(session, int(message.payload["step_id"]))
    return Drawn(Message(text=text)) if text is not None else None
