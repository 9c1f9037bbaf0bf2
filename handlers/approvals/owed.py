"""The approval messages the use cases owe (bot.usecases.owed), drawn for Slack when the
outbox's worker sends them: an approver's card, the card redrawn after a decision (the buttons
gone), a card that reached someone the step had left, an information copy, the outcome told to
the declarant; and each kind's receipt (`receipt_card`)."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session

from bot.outbox import Posted, Queued
from bot.usecases.kinds import card_for, kind_of
from bot.usecases.owed import (
    APPROVAL,
    INFORM,
    MOVED,
    OUTCOME,
    UPDATE,
    card_to_send,
    notified,
    outcome_told,
    owe_moved,
    step_and_record,
)
from handlers.approvals.messages import approval_message, moved_message
from handlers.notifier import Message
from handlers.outgoing import Drawn, card
from storage import declarations
from storage.declarations import Record
from storage.step_cards import still_with

__all__ = ["notified", "receipt_card"]


def receipt_card(name: str, build: Callable[[Record, str, str], Message]) -> None:
    """Register a kind's receipt: `build(record, explanation, next_step)`."""

    @card(name)
    def draw(session: Session, message: Queued) -> Drawn | None:
        record = declarations.load_record(
            session, declaration_id=int(message.payload["declaration_id"])
        )
        if record is None:
            return None
        payload = message.payload
        return Drawn(build(record, payload["explanation"], payload["next_step"]))


# -- drawn when sent ---------------------------------------------------------------------------


def _card_sent(session: Session, message: Queued, posted: Posted | None) -> None:
    """Keep where the card went, for its updates — unless the step moved to someone else
    while it was on its way: then that card loses its buttons too (every copy does)."""
    step_id = int(message.payload["step_id"])
    if posted is None:
        return
    approver_id = int(message.recipient.removeprefix("staff:"))
    place = {"dm_channel": posted.channel, "dm_ts": posted.ts}
    if not still_with(session, step_id=step_id, approver_id=approver_id, **place):
        owe_moved(session, step_id=step_id, recipient=message.recipient, updates_id=message.id)
        return
    notified("approver")(session, message, posted)


@card(APPROVAL, after=_card_sent)
def draw_card(session: Session, message: Queued) -> Drawn | None:
    neutral = card_to_send(session, message)
    return Drawn(approval_message(neutral)) if neutral is not None else None


@card(UPDATE)
def draw_update(session: Session, message: Queued) -> Drawn | None:
    found = step_and_record(session, int(message.payload["step_id"]))
    if found is None:
        return None
    step, record = found
    if not (step.dm_channel and step.dm_ts):
        return None  # its card never went (or went elsewhere): nothing to redraw
    # The flags stay on the decided card: they are part of what was decided on.
    flags = kind_of(record.declaration.kind).risks(session, record)
    message_ = approval_message(card_for(record, step, None, flags))
    return Drawn(message_, update=Posted(step.dm_channel, step.dm_ts))


@card(MOVED)
def draw_moved(session: Session, message: Queued) -> Drawn | None:
    """A card that reached someone the step had already left: its buttons go."""
    found = step_and_record(session, int(message.payload["step_id"]))
    if found is None or message.updates is None:
        return None
    step, record = found
    to_name = record.name_of(step.approver_id) or "someone else"
    moved = moved_message(card_for(record, step), to_name, "it was passed on")
    return Drawn(moved, update=Posted(*message.updates))


@card(INFORM, after=notified("line_manager"))
def draw_inform(session: Session, message: Queued) -> Drawn | None:
    record = declarations.load_record(
        session, declaration_id=int(message.payload["declaration_id"])
    )
    if record is None:
        return None
    flags = kind_of(record.declaration.kind).risks(session, record)
    return Drawn(approval_message(card_for(record, None, None, flags)))


@card(OUTCOME, after=notified("declarant"))
def draw_outcome(session: Session, message: Queued) -> Drawn | None:
    told = outcome_told(session, message)
    return Drawn(Message(text=told)) if told is not None else None
