"""A step that moved, drawn for Slack (bot.usecases.moves queues it): the old approver's card
without its buttons, saying where the step went, and the notes beside the new card."""

from __future__ import annotations

from sqlmodel import Session

from bot.outbox import Posted, Queued
from bot.usecases.kinds import card_for
from bot.usecases.move_notes import note_text, told_as
from bot.usecases.moves import MOVE_NOTE, MOVED_AWAY
from handlers.approvals.messages import moved_message
from handlers.approvals.owed import notified
from handlers.notifier import Message
from handlers.outgoing import Drawn, card
from storage import declarations


@card(MOVED_AWAY)
def draw_moved_away(session: Session, message: Queued) -> Drawn | None:
    payload = message.payload
    step = declarations.get_step(session, step_id=int(payload["step_id"]))
    if step is None:
        return None
    record = declarations.load_record(session, declaration_id=step.declaration_id)
    if record is None:
        return None
    to_name = record.name_of(step.approver_id) or "someone else"
    moved = moved_message(card_for(record, step), to_name, str(payload["why"]))
    return Drawn(moved, update=Posted(str(payload["channel"]), str(payload["ts"])))


def _note(session: Session, message: Queued) -> Drawn | None:
    text = note_text(session, message.payload)
    return Drawn(Message(text=text)) if text is not None else None


def _told(session: Session, message: Queued, posted: Posted | None) -> None:
    why = str(message.payload["because"])
    notified(told_as(message.payload), why=why)(session, message, posted)


card(MOVE_NOTE, after=_told)(_note)
