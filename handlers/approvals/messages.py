"""The approval DM on Slack: the neutral card (bot/ui/approval.py, drawn per status) rendered
by handlers/slack_ui.py. The same function posts the DM and updates it afterwards."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ButtonElement
from slack_sdk.models.views import View

from bot.ui.approval import (
    TEXT_MAX,
    ApprovalCard,
    approval_card,
    decision_buttons,
    decision_text_form,
    moved_card,
)
from handlers import slack_ui
from handlers.notifier import Message
from handlers.text import clip
from storage.declarations import Record
from storage.models import ApprovalStep

__all__ = [
    "TEXT_MAX",
    "ApprovalCard",
    "approval_message",
    "card_body",
    "decision_elements",
    "decision_text_modal",
    "moved_message",
    "step_card",
]


def step_card(
    record: Record,
    step: ApprovalStep | None,
    history: list[str] | None,
    *,
    heading: str,
    facts: list[tuple[str, str]],
    details: list[tuple[str, str]],
    warnings: list[str] | None = None,
    intro: str = "",
) -> ApprovalCard:
    """A kind's card for `step` (None: an information copy), with where the step stands
    filled in the same way for every kind; the kind draws the rest."""
    return ApprovalCard(
        step_id=step.id if step else None,
        reference=record.declaration.reference or "",
        heading=heading,
        intro=intro,
        facts=facts,
        details=details,
        warnings=warnings or [],
        history=history or [],
        purpose="inform" if step is None else step.purpose,
        status=step.status if step else record.declaration.status,
        decided_by=record.name_of(step.decided_by_id) if step and step.decided_by_id else None,
        decided_at=step.decided_at if step else None,
        reason=step.reason if step else None,
    )


def decision_elements(step_id: int, purpose: str, reference: str) -> list[ButtonElement]:
    """A step's decision buttons (`decide_<outcome>`, value metadata.Decision): the card's,
    and the App Home's, so a press anywhere goes to the same listener."""
    return [slack_ui.button(b) for b in decision_buttons(step_id, purpose, reference)]


def card_body(card: ApprovalCard, *, max_details: int = 20) -> list[Block]:
    """What the declaration says; the approver's DM and the officers' record view show it
    the same way."""
    return slack_ui.body(approval_card(card), max_sections=max_details)


def approval_message(card: ApprovalCard) -> Message:
    return slack_ui.message(approval_card(card))


def moved_message(card: ApprovalCard, to_name: str, why: str) -> Message:
    """The old approver's DM once a step has moved on: no buttons, and where it went."""
    return slack_ui.message(moved_card(card, to_name, why))


def receipt(recorded: str, explanation: str, next_step: str) -> Message:
    """What the member of staff is told straight after declaring: what was recorded, what
    happens now, and what they should do next (if anything)."""
    text = f"{recorded}\n{explanation}"
    if next_step:
        text += f"\n{next_step}"
    return Message(text=clip(text, 3000))


def decision_text_modal(step_id: int, outcome: str, purpose: str, reference: str) -> View:
    return slack_ui.modal(decision_text_form(step_id, outcome, purpose, reference))
