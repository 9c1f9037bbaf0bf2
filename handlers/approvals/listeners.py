"""Decision buttons in the approver's DM, and the form for a decision's reason or note."""

from __future__ import annotations

from bot.rules import approvals as rules
from bot.rules.refusal import STALE_BUTTON, Refused
from bot.usecases import decide
from handlers.approvals.ids import Block
from handlers.approvals.messages import TEXT_MAX, decision_text_modal
from handlers.context import Turn
from handlers.metadata import Decision
from storage.models import Staff


def _actor_id(actor: Staff | None) -> int:
    if actor is None or actor.id is None:
        raise Refused(decide.UNKNOWN)
    return actor.id


def decide_by_button(turn: Turn, meta: Decision) -> None:
    """Decide at once, or, where the decision needs words (a refusal's reason, conditions),
    open the form for them first. Pressed in a DM or on the App Home. A decision is stored,
    with the messages it owes, before the ack: once Slack hears "ok", nothing is lost."""
    actor_id = _actor_id(turn.actor)
    allowed = decide.check(turn.db, actor_id=actor_id, step_id=meta.step_id)
    decision = meta
    spec = rules.spec(allowed.purpose, decision.outcome)
    if spec is None:
        raise Refused(STALE_BUTTON)
    if spec.text is not rules.Text.NONE:
        turn.ack()
        turn.open(
            decision_text_modal(
                decision.step_id, decision.outcome, allowed.purpose, allowed.reference
            )
        )
        return
    _decide(turn, actor_id, decision, reason=None)
    turn.ack()


def submit_decision_text(turn: Turn, meta: Decision) -> None:
    text = (turn.answers().text(Block.TEXT) or "").strip()
    if len(text) > TEXT_MAX:
        raise Refused(f"Please keep this to {TEXT_MAX} characters or fewer.", Block.TEXT)
    try:
        _decide(turn, _actor_id(turn.actor), meta, reason=text)
    except Refused as refused:
        raise Refused(refused.text, Block.TEXT) from None  # shown on the form's one field
    turn.ack()


def _decide(turn: Turn, actor_id: int, decision: Decision, *, reason: str | None) -> None:
    decide.decide(
        turn.db,
        actor_id=actor_id,
        step_id=decision.step_id,
        outcome=decision.outcome,
        reason=reason,
        now=turn.now(),
        tz=turn.settings.policy.tz,
    )
