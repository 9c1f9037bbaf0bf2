"""Decision buttons in the approver's DM, and the form for a decision's reason or note."""

from __future__ import annotations

import logging
from typing import Any

from bot.outbox import Posted
from bot.rules.refusal import Refused
from bot.rules.status import StepStatus
from bot.usecases import decide
from bot.usecases.owed import answered_in_place, step_and_record
from handlers.approvals.ids import Block
from handlers.approvals.messages import TEXT_MAX, decision_text_modal
from handlers.approvals.owed import decided_message
from handlers.context import Turn
from handlers.metadata import Decision
from handlers.replies import pressed_message, redraw_pressed
from storage.declarations import Record
from storage.models import ApprovalStep

log = logging.getLogger(__name__)


def decide_by_button(turn: Turn, meta: Decision) -> None:
    """Decide at once, or, where the decision needs words (a refusal's reason, conditions),
    open the form for them first. Pressed in a DM or on the App Home. A decision is stored,
    with the messages it owes, before the ack: once Slack hears "ok", nothing is lost.

    A card pressed in a DM is redrawn decided through the press's response_url once acked:
    the approver sees it at once, and chat.update (Tier 3, 50+ a minute) is left for the
    copies no one pressed. The card's update waits in the outbox meanwhile, and is recorded
    as made once the redraw is done (owed.answered_in_place); should the process die first,
    or Slack take neither the redraw nor chat.update, the worker sends it (owed.ANSWER_WAIT)."""
    where = pressed_message(turn.body) if _on_a_card(turn.body) else None
    url = turn.body.get("response_url")
    on_card = where.ts if where is not None and isinstance(url, str) and url else None
    try:
        pressed = decide.press(
            turn.db,
            actor=turn.actor,
            step_id=meta.step_id,
            outcome=meta.outcome,
            now=turn.now(),
            tz=turn.settings.policy.tz,
            answering=on_card,
        )
    except Refused:
        if where is not None and on_card is not None:  # handlers.errors tells the refusal
            _redraw_card(turn, meta.step_id, where, decided=None)
        raise
    if isinstance(pressed, decide.Decidable):  # its words first, in a form
        turn.ack()
        turn.open(
            decision_text_modal(meta.step_id, meta.outcome, pressed.purpose, pressed.reference)
        )
        return
    turn.ack()
    if where is not None and on_card is not None:
        _redraw_card(turn, pressed.step_id, where, decided=pressed.decided)


def _on_a_card(body: dict[str, Any]) -> bool:
    """Was the button pressed on an approval card (its actions block), not on a message that
    lists several steps (the morning digest) or on the App Home?"""
    actions = body.get("actions") or [{}]
    return isinstance(actions[0], dict) and actions[0].get("block_id") == Block.ACTIONS


def _redraw_card(
    turn: Turn, step_id: int, where: Posted, *, decided: tuple[ApprovalStep, Record] | None
) -> None:
    """The pressed card redrawn as the step's card now stands, once the step no longer waits
    (any message with the card's actions block is a copy of the card). `decided`: the step
    and record the decision left, not read again. A failure is logged: the decision stands,
    and the outbox sends the card's update. The update is recorded as made only if it waits
    for this copy (owed.owe_updates): one pressed before the worker recorded where its card
    went is sent too, to the same effect."""
    try:
        with turn.db.session() as session:
            found = decided or step_and_record(session, step_id)
            if found is None or found[0].status == StepStatus.PENDING:
                return
            message = decided_message(session, *found)
        redraw_pressed(turn, message)
        answered_in_place(turn.db, step_id=step_id, place=(where.channel, where.ts))
    except Exception:
        log.warning("Could not redraw the card of step %s in place", step_id, exc_info=True)


def submit_decision_text(turn: Turn, meta: Decision) -> None:
    text = (turn.answers().text(Block.TEXT) or "").strip()
    if len(text) > TEXT_MAX:
        raise Refused(f"Please keep this to {TEXT_MAX} characters or fewer.", Block.TEXT)
    try:
        step_id, outcome, tz = meta.step_id, meta.outcome, turn.settings.policy.tz
        decide.decide(
            turn.db, actor=turn.actor, step_id=step_id, outcome=outcome, reason=text,
            now=turn.now(), tz=tz,
        )
    except Refused as refused:
        raise Refused(refused.text, Block.TEXT) from None  # shown on the form's one field
    turn.ack()

