"""Decision buttons in the approver's DM, and the decline-reason form."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.notifier import Notifier
from handlers.approvals import service
from handlers.approvals.ids import Action, Block, ReasonAction
from handlers.approvals.messages import REASON_MAX, decline_reason_modal
from handlers.metadata import BadMetadata, StepRef, decode
from storage.db import Database

# Buttons that decide at once; Decline opens a form for its reason instead.
BUTTON_OUTCOMES = {
    Action.APPROVE: "approved",
    Action.DISPOSE_RETURN: "returned",
    Action.DISPOSE_KEEP: "kept",
    Action.DISPOSE_HAND_ON: "handed_on",
}
STALE_BUTTON = "That button is from an older message Nolan can't read."


def _tell(respond: Respond, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)


def _step_id(action: dict[str, Any]) -> int | None:
    try:
        return decode(StepRef, action.get("value")).step_id
    except BadMetadata:
        return None


def decide_by_button(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    respond: Respond,
    db: Database,
    notifier: Notifier,
    clock: Callable[[], datetime],
) -> None:
    ack()
    step_id = _step_id(action)
    if step_id is None:
        _tell(respond, STALE_BUTTON)
        return
    outcome = service.decide(
        db,
        actor_slack_id=body["user"]["id"],
        step_id=step_id,
        outcome=BUTTON_OUTCOMES[Action(action["action_id"])],
        reason=None,
        now=clock(),
    )
    if outcome.decided:
        service.announce(db, notifier, outcome)
    else:
        _tell(respond, outcome.message)


def open_decline_form(
    ack: Ack,
    action: dict[str, Any],
    body: dict[str, Any],
    respond: Respond,
    client: WebClient,
    db: Database,
) -> None:
    ack()
    step_id = _step_id(action)
    if step_id is None:
        _tell(respond, STALE_BUTTON)
        return
    allowed = service.check(db, actor_slack_id=body["user"]["id"], step_id=step_id)
    if not allowed.decided:
        _tell(respond, allowed.message)
        return
    client.views_open(
        trigger_id=body["trigger_id"], view=decline_reason_modal(step_id, allowed.reference)
    )


def submit_decline(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    db: Database,
    notifier: Notifier,
    clock: Callable[[], datetime],
) -> None:
    reason = (
        view["state"]["values"].get(Block.REASON, {}).get(ReasonAction.INPUT, {}).get("value") or ""
    ).strip()
    if not reason:
        ack(
            response_action="errors",
            errors={Block.REASON: "Please give a reason: the member of staff will see it."},
        )
        return
    if len(reason) > REASON_MAX:
        ack(
            response_action="errors",
            errors={Block.REASON: f"Please keep the reason to {REASON_MAX} characters."},
        )
        return
    try:
        step_id = decode(StepRef, view.get("private_metadata")).step_id
    except BadMetadata:
        ack(
            response_action="errors",
            errors={Block.REASON: "This form is out of date: close it and press Decline again."},
        )
        return
    outcome = service.decide(
        db,
        actor_slack_id=body["user"]["id"],
        step_id=step_id,
        outcome="declined",
        reason=reason,
        now=clock(),
    )
    if not outcome.decided:
        ack(response_action="errors", errors={Block.REASON: outcome.message})
        return
    ack()
    service.announce(db, notifier, outcome)
