"""The approval messages the use cases owe (bot.usecases.owed, moves, withdraw), drawn for
Teams when the outbox's worker sends them — the Teams mirror of handlers/approvals/owed.py.

Where a card went: the outbox row of each copy sent (`channel` = its recipient "staff:12",
`ts` = the Bot Connector's activity id), not the step's dm_channel/dm_ts (Slack's, 32
characters, reset by a move). So "every copy" is every sent APPROVAL row of the step
(storage.outbox.sent): after a decision each is replaced (PUT) by the decided card; when a
step's card reaches a new approver, the earlier approvers' copies lose their buttons.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sqlmodel import Session

from bot.outbox import REDRAWN, Queued, queue
from bot.teams.adaptive import rich
from bot.teams.cards import adaptive_card
from bot.teams.drawers import Drawn, Where, card, drawer
from bot.ui.approval import approval_card, moved_card
from bot.ui.cards import Card
from bot.ui.text import plain
from bot.usecases.kinds import card_for, kind_of
from bot.usecases.move_notes import note_text, told_as
from bot.usecases.moves import MOVE_NOTE, MOVED_AWAY
from bot.usecases.owed import (
    APPROVAL,
    MOVED,
    OUTCOME,
    UPDATE,
    card_to_send,
    notified,
    outcome_told,
    owe_moved,
    step_and_record,
    step_subject,
)
from bot.usecases.withdraw import WITHDRAWN, withdrawn_text
from storage import declarations, outbox
from storage.declarations import Record
from storage.models import ApprovalStep
from storage.step_cards import still_with

COPY = "copy"  # an UPDATE's payload key: one of the other copies (it does not fan out again)
PASSED_ON = "it was passed on"


def drawn_card(neutral: Card, *, update: Where | None = None) -> Drawn:
    """A neutral card as a Teams message (its summary the notification's line)."""
    return Drawn(neutral.summary, adaptive_card(neutral), update=update)


def drawn_text(marked: str) -> Drawn:
    """A short message of marked text, as a card (Teams shows the bold and icons)."""
    return Drawn(plain(marked), card(*rich(marked)))


def decided_card(session: Session, record: Record, step: ApprovalStep, note: str = "") -> Card:
    """A step's card as it now stands, without the history: after a decision, who, when and
    why (the flags stay: they are part of what was decided on). `note`: marked text above."""
    flags = kind_of(record.declaration.kind).risks(session, record)
    neutral = card_for(record, step, None, flags)
    return approval_card(dataclasses.replace(neutral, note=note) if note else neutral)


# -- the approver's card -----------------------------------------------------------------------


def _card_sent(session: Session, message: Queued, where: Where | None) -> None:
    """A card reached its approver: if the step moved meanwhile, it loses its buttons at
    once; and the copies earlier approvers hold (before a delegation, an escalation) do.
    Judged under the step's row lock (storage.step_cards), first: a move committing beside
    this, or another approver's card recorded beside it, is seen, never missed by both."""
    if where is None:
        return
    step_id = int(message.payload["step_id"])
    approver_id = int(message.recipient.removeprefix("staff:"))
    if not still_with(session, step_id=step_id, approver_id=approver_id):
        if declarations.get_step(session, step_id=step_id) is not None:
            owe_moved(session, step_id=step_id, recipient=message.recipient, updates_id=message.id)
        return
    subject = step_subject(step_id)
    for copy in outbox.sent(session, kind=APPROVAL, subject=subject):
        if copy.recipient != message.recipient and copy.id is not None:
            owe_moved(session, step_id=step_id, recipient=copy.recipient, updates_id=copy.id)
    notified("approver")(session, message, where)


@drawer(APPROVAL, after=_card_sent)
def draw_card(session: Session, message: Queued) -> Drawn | None:
    neutral = card_to_send(session, message)
    return drawn_card(approval_card(neutral)) if neutral is not None else None


def _every_copy(session: Session, message: Queued, _where: Where | None) -> None:
    """The decided card replaces every other copy Nolan sent too (a deputy's, the one before
    an escalation): one update each, drawn when it goes."""
    if message.payload.get(COPY):
        return
    step_id = int(message.payload["step_id"])
    subject = step_subject(step_id)
    # The copy the decision was pressed on, if any, was replaced by the answer to the press:
    # its update is recorded as made, not sent (bot.outbox.REDRAWN).
    redrawn = {REDRAWN: r} if (r := message.payload.get(REDRAWN)) else {}
    for copy in outbox.sent(session, kind=APPROVAL, subject=subject):
        if (copy.channel, copy.ts) == message.updates:
            continue
        queue(
            session,
            UPDATE,
            subject=subject,
            recipient=copy.recipient,
            updates_id=copy.id,
            step_id=step_id,
            **{COPY: True, **redrawn},
        )


@drawer(UPDATE, after=_every_copy)
def draw_update(session: Session, message: Queued) -> Drawn | None:
    found = step_and_record(session, int(message.payload["step_id"]))
    if found is None or message.updates is None:
        return None  # its card never went: nothing to redraw
    step, record = found
    return drawn_card(decided_card(session, record, step), update=Where(*message.updates))


def _moved(session: Session, step_id: int, why: str, where: tuple[str, str]) -> Drawn | None:
    found = step_and_record(session, step_id)
    if found is None:
        return None
    step, record = found
    to_name = record.name_of(step.approver_id) or "someone else"
    return drawn_card(moved_card(card_for(record, step), to_name, why), update=Where(*where))


@drawer(MOVED)
def draw_moved(session: Session, message: Queued) -> Drawn | None:
    """A card that reached someone the step has left: its buttons go."""
    if message.updates is None:
        return None
    return _moved(session, int(message.payload["step_id"]), PASSED_ON, message.updates)


@drawer(MOVED_AWAY)
def draw_moved_away(session: Session, message: Queued) -> Drawn | None:
    """The old approver's card after a move, where the move knew it (a Teams card's place is
    its recipient: `_card_sent` covers the rest)."""
    payload: dict[str, Any] = message.payload
    channel, ts = str(payload.get("channel") or ""), str(payload.get("ts") or "")
    if not channel.startswith("staff:") or not ts:
        return None  # a Slack message's place: nothing Teams can update
    return _moved(session, int(payload["step_id"]), str(payload["why"]), (channel, ts))


# -- what people are told ----------------------------------------------------------------------


@drawer(OUTCOME, after=notified("declarant"))
def draw_outcome(session: Session, message: Queued) -> Drawn | None:
    told = outcome_told(session, message)
    return drawn_text(told) if told is not None else None


def _note_told(session: Session, message: Queued, where: Where | None) -> None:
    why = str(message.payload["because"])
    notified(told_as(message.payload), why=why)(session, message, where)


@drawer(MOVE_NOTE, after=_note_told)
def draw_move_note(session: Session, message: Queued) -> Drawn | None:
    text = note_text(session, message.payload)
    return drawn_text(text) if text is not None else None


@drawer(WITHDRAWN, after=notified("approver"))
def draw_withdrawn(session: Session, message: Queued) -> Drawn | None:
    text = withdrawn_text(session, int(message.payload["step_id"]))
    return drawn_text(text) if text is not None else None
