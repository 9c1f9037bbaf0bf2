"""Decision buttons in the approver's DM, and the form for a decision's reason or note."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.rules import approvals as rules
from bot.rules.refusal import STALE_BUTTON, Refused
from bot.settings import Settings
from handlers import slack_ui
from handlers.approvals import service
from handlers.approvals.ids import Block
from handlers.approvals.messages import TEXT_MAX, decision_text_modal
from handlers.metadata import Decision
from storage.db import Database


def decide_by_button(
    ack: Ack,
    body: dict[str, Any],
    meta: Decision,
    client: WebClient,
    db: Database,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    """Decide at once, or, where the decision needs words (a refusal's reason, conditions),
    open the form for them first. Pressed in a DM or on the App Home. A decision is stored,
    with the messages it owes, before the ack: once Slack hears "ok", nothing is lost."""
    user = body["user"]["id"]
    allowed = service.check(db, actor_slack_id=user, step_id=meta.step_id)
    if not allowed.decided:
        raise Refused(allowed.message)
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
    outcome = service.decide(
        db,
        actor_slack_id=user,
        step_id=decision.step_id,
        outcome=decision.outcome,
        reason=None,
        now=clock(),
        tz=settings.policy.tz,
    )
    if not outcome.decided:
        raise Refused(outcome.message)
    ack()


def submit_decision_text(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    meta: Decision,
    db: Database,
    settings: Settings,
    clock: Callable[[], datetime],
) -> None:
    text = (slack_ui.answers(view["state"]["values"]).text(Block.TEXT) or "").strip()
    decision = meta
    if len(text) > TEXT_MAX:
        raise Refused(f"Please keep this to {TEXT_MAX} characters or fewer.", Block.TEXT)
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
        raise Refused(outcome.message, Block.TEXT)
    ack()
