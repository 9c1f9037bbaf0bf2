"""Decision buttons in the approver's DM, and the form for a decision's reason or note."""

from __future__ import annotations

from bot.rules.refusal import Refused
from bot.usecases import decide
from handlers.approvals.ids import Block
from handlers.approvals.messages import TEXT_MAX, decision_text_modal
from handlers.context import Turn
from handlers.metadata import Decision


def decide_by_button(turn: Turn, meta: Decision) -> None:
    """Decide at once, or, where the decision needs words (a refusal's reason, conditions),
    open the form for them first. Pressed in a DM or on the App Home. A decision is stored,
    with the messages it owes, before the ack: once Slack hears "ok", nothing is lost."""
    pressed = decide.press(
        turn.db,
        actor=turn.actor,
        step_id=meta.step_id,
        outcome=meta.outcome,
        now=turn.now(),
        tz=turn.settings.policy.tz,
    )
    if isinstance(pressed, decide.Decidable):  # its words first, in a form
        turn.ack()
        turn.open(
            decision_text_modal(meta.step_id, meta.outcome, pressed.purpose, pressed.reference)
        )
        return
    turn.ack()


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

