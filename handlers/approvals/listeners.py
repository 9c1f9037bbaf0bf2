"""Decision buttons in the approver's DM, and the form for a decision's reason or note."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.rules.refusal import Refused
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
    pressed = decide.press(
        env.db,
        actor_id=_actor_id(actor),
        step_id=meta.step_id,
        outcome=meta.outcome,
        now=env.now(),
        tz=env.settings.policy.tz,
    )
    if isinstance(pressed, decide.Decidable):  # its words first, in a form
        ack()
        client.views_open(
            trigger_id=body["trigger_id"],
            view=decision_text_modal(
                meta.step_id, meta.outcome, pressed.purpose, pressed.reference
            ),
        )
        return
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
