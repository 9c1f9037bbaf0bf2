"""One renderer for an approval DM, driven by the step's status: pending shows the buttons,
decided shows who decided, when and why. The same function posts the DM and updates it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.notifier import Message
from bot.rules.gifts import DISPOSAL_LABELS, Disposal
from handlers.approvals.ids import Action, Callback, ReasonAction
from handlers.approvals.ids import Block as BlockId
from handlers.metadata import StepRef
from handlers.text import clip, escape, slack_date

REASON_MAX = 1000

DECIDED_WORDS = {
    "approved": ":white_check_mark: Approved",
    "declined": ":no_entry: Declined",
    Disposal.RETURN.value: ":leftwards_arrow_with_hook: To be returned",
    Disposal.KEEP.value: ":office: Kept for the office",
    Disposal.HAND_ON.value: ":gift: To be handed on",
    "withdrawn": ":wastebasket: Withdrawn by the member of staff",
}


@dataclass(frozen=True)
class ApprovalCard:
    """What an approver sees, as plain data; builders for each kind of declaration fill it."""

    step_id: int | None
    reference: str
    heading: str
    facts: list[tuple[str, str]]
    details: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    purpose: str = "authorise"  # authorise | dispose | inform
    status: str = "pending"
    intro: str = ""
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None


def _buttons(card: ApprovalCard) -> ActionsBlock:
    assert card.step_id is not None
    value = StepRef(step_id=card.step_id).encode()
    if card.purpose == "dispose":
        elements = [
            ButtonElement(
                text=DISPOSAL_LABELS[Disposal.RETURN], action_id=Action.DISPOSE_RETURN, value=value
            ),
            ButtonElement(
                text=DISPOSAL_LABELS[Disposal.KEEP], action_id=Action.DISPOSE_KEEP, value=value
            ),
            ButtonElement(
                text=DISPOSAL_LABELS[Disposal.HAND_ON],
                action_id=Action.DISPOSE_HAND_ON,
                value=value,
            ),
        ]
    else:
        elements = [
            ButtonElement(
                text="Approve",
                action_id=Action.APPROVE,
                value=value,
                style="primary",
                confirm=ConfirmObject(
                    title="Approve this?",
                    text=f"Approve {card.reference}? The member of staff will be told.",
                    confirm="Approve",
                    deny="Back",
                ),
            ),
            ButtonElement(text="Decline…", action_id=Action.DECLINE, value=value, style="danger"),
        ]
    return ActionsBlock(block_id=BlockId.ACTIONS, elements=elements)


def _outcome_line(card: ApprovalCard) -> str:
    words = DECIDED_WORDS.get(card.status, card.status.capitalize())
    line = words
    if card.decided_by:
        line += f" by {escape(card.decided_by)}"
    if card.decided_at:
        line += f" on {slack_date(card.decided_at)}"
    if card.reason:
        line += f"\n>{clip(escape(card.reason), 2500)}"
    return line


def approval_message(card: ApprovalCard) -> Message:
    blocks: list[Block] = [HeaderBlock(text=clip(card.heading, 150))]
    if card.intro:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(card.intro, 3000))))
    blocks.append(
        SectionBlock(
            fields=[
                MarkdownTextObject(text=clip(f"*{label}*\n{escape(value)}", 2000))
                for label, value in card.facts[:10]
            ]
        )
    )
    for label, value in card.details:
        if value:
            blocks.append(
                SectionBlock(
                    text=MarkdownTextObject(text=clip(f"*{label}*\n{escape(value)}", 3000))
                )
            )
    if card.warnings:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=clip(f":warning: {w}", 3000))
                    for w in card.warnings[:10]
                ]
            )
        )
    if card.purpose == "inform":
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text="For your information: no decision is needed from you.")
                ]
            )
        )
        text = f"For information: {card.heading} ({card.reference})"
    elif card.status == "pending" and card.step_id is not None:
        blocks.append(_buttons(card))
        text = f"Decision needed: {card.heading} ({card.reference})"
    else:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_outcome_line(card))))
        text = f"{card.heading} ({card.reference}): {card.status.replace('_', ' ')}"
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"Reference {card.reference}")]))
    return Message(text=clip(text, 3000), blocks=blocks)


def decline_reason_modal(step_id: int, reference: str) -> View:
    return View(
        type="modal",
        callback_id=Callback.DECLINE_REASON,
        private_metadata=StepRef(step_id=step_id).encode(),
        title=PlainTextObject(text="Decline"),
        submit=PlainTextObject(text="Decline"),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            InputBlock(
                block_id=BlockId.REASON,
                label=PlainTextObject(text=f"Why are you declining {reference}?"),
                hint=PlainTextObject(text="The member of staff will see this reason."),
                element=PlainTextInputElement(
                    action_id=ReasonAction.INPUT, multiline=True, max_length=REASON_MAX
                ),
            )
        ],
    )
