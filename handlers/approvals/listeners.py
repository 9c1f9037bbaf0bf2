"""Decision buttons in the approver's DM, and the form for a decision's reason or note."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.rules import approvals as rules
from bot.rules.refusal import STALE_BUTTON, Refused
from bot.usecases import decide
from handlers import slack_ui
from handlers.approvals.ids import Block
from handlers.approvals.messages import TEXT_MAX, decision_text_modal
from handlers.context import Env
from handlers.metadata import Decision
from storage.models import Staff


def _actor_id(actor: Staff | None) -> int:
    if actor is None or actor.id is None:
        raise Refused(decide.UNKNOWN)
    return actor.id


def decide_by_button(
    ack: Ack,
    body: dict[str, Any],
    meta: Decision,
    actor: Staff | None,
    client: WebClient,
    env: Env,
) -> None:
    """Decide at once, or, where the decision needs words (a refusal's reason, conditions),
    open the form for them first. Pressed in a DM or on the App Home. A decision is stored,
    with the messages it owes, before the ack: once Slack hears "ok", nothing is lost."""
    actor_id = _actor_id(actor)
    allowed = decide.check(env.db, actor_id=actor_id, step_id=meta.step_id)
    decision = meta
    spec = rules.spec(allowed.purpose, decision.outcome)
    if spec is None:
        raise Refused(STALE_BUTTON)
    if spec.text is not rules.Text.NONE:
        ack()
        client.views_open(
            trigger_id=body["trigger_id"],
            view=decision_text_modal(
                decision.step_id, decision.outcome, allowed.purpose, allowed.reference
            ),
        )
        return
    decide.decide(
        env.db,
        actor_id=actor_id,
        step_id=decision.step_id,
        outcome=decision.outcome,
        reason=None,
        now=env.now(),
        tz=env.settings.policy.tz,
    )
    ack()


def submit_decision_text(
    ack: Ack,
    view: dict[str, Any],
    meta: Decision,
    actor: Staff | None,
    env: Env,
) -> None:
    text = (slack_ui.answers(view["state"]["values"]).text(Block.TEXT) or "").strip()
    decision = meta
    if len(text) > TEXT_MAX:
        raise Refused(f"Please keep this to {TEXT_MAX} characters or fewer.", Block.TEXT)
    try:
        decide.decide(
            env.db,
            actor_id=_actor_id(actor),
            step_id=decision.step_id,
            outcome=decision.outcome,
            reason=text,
            now=env.now(),
            tz=env.settings.policy.tz,
        )
    except Refused as refused:
        raise Refused(refused.text, Block.TEXT) from None  # shown on the form's one field
    ack()
