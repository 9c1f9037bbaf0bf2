"""Decision buttons in the approver's DM, and the form for a decision's reason or note."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.rules import approvals as rules
from bot.settings import Settings
from handlers.approvals import service
from handlers.approvals.ids import Block, TextAction
from handlers.approvals.messages import TEXT_MAX, decision_text_modal
from handlers.metadata import BadMetadata, Decision, decode
from handlers.replies import STALE_BUTTON, answer
from storage.db import Database


def decide_by_button(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    respond: Respond | None,
    client: WebClient,
    db: Database,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    """Decide at once, or, where the decision needs words (a refusal's reason, conditions),
    open the form for them first. Pressed in a DM or on the App Home. A decision is stored,
    with the messages it owes, before the ack: once Slack hears "ok", nothing is lost."""
    try:
        decision = decode(Decision, action.get("value"))
    except BadMetadata:
        ack()
        answer(respond, client, body, STALE_BUTTON)
        return
    user = body["user"]["id"]
    allowed = service.check(db, actor_slack_id=user, step_id=decision.step_id)
    if not allowed.decided:
        ack()
        answer(respond, client, body, allowed.message)
        return
    spec = rules.spec(allowed.purpose, decision.outcome)
    if spec is None:
        ack()
        answer(respond, client, body, STALE_BUTTON)
        return
    if spec.text is not rules.Text.NONE:
        ack()
        client.views_open(
            trigger_id=body["trigger_id"],
            view=decision_text_modal(
                decision.step_id, decision.outcome, allowed.purpose, allowed.reference
            ),
        )
        return
    outcome = service.decide(
        db,
        actor_slack_id=user,
        step_id=decision.step_id,
        outcome=decision.outcome,
        reason=None,
        now=clock(),
        tz=settings.policy.tz,
    )
    ack()
    if not outcome.decided:
        answer(respond, client, body, outcome.message)


def submit_decision_text(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    db: Database,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    text = (
        view["state"]["values"].get(Block.TEXT, {}).get(TextAction.INPUT, {}).get("value") or ""
    ).strip()
    try:
        decision = decode(Decision, view.get("private_metadata"))
    except BadMetadata:
        ack(
            response_action="errors",
            errors={Block.TEXT: "This form is out of date: close it and press the button again."},
        )
        return
    if len(text) > TEXT_MAX:
        ack(
            response_action="errors",
            errors={Block.TEXT: f"Please keep this to {TEXT_MAX} characters or fewer."},
        )
        return
    outcome = service.decide(
        db,
        actor_slack_id=body["user"]["id"],
        step_id=decision.step_id,
        outcome=decision.outcome,
        reason=text,
        now=clock(),
        tz=settings.policy.tz,
    )
    if not outcome.decided:
        ack(response_action="errors", errors={Block.TEXT: outcome.message[:150]})
        return
    ack()
