"""One renderer for an approval DM, driven by the step's status: pending shows the buttons
its purpose allows, decided shows who decided, when and why. The same function posts the DM
and updates it afterwards."""

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
from bot.rules import approvals as rules
from bot.rules.risk import RiskFlag
from bot.rules.status import StepStatus
from handlers.approvals.ids import Action, Callback, TextAction, decide_action
from handlers.approvals.ids import Block as BlockId
from handlers.metadata import Decision, StepRef
from handlers.text import clip, escape, slack_date

TEXT_MAX = 1000

OTHER_ENDINGS = {
    StepStatus.CLOSED: ":heavy_minus_sign: Closed: the declaration was decided at another step",
    StepStatus.WITHDRAWN: ":wastebasket: Withdrawn by the member of staff",
}


@dataclass(frozen=True)
class ApprovalCard:
    """What an approver sees, as plain data; each kind of declaration fills one in."""

    step_id: int | None
    reference: str
    heading: str
    facts: list[tuple[str, str]]
    details: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)
    purpose: str = "authorise"  # a bot.rules.approvals.Purpose, or "inform"
    status: str = StepStatus.PENDING  # the step's, or the declaration's when there is no step
    intro: str = ""
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    note: str = ""  # e.g. "Passed to you by X, who is on leave"
    # Risk flags (bot.rules.risk) the kind adds: patterns across declarations.
    flags: list[RiskFlag] = field(default_factory=list)


def decision_elements(step_id: int, purpose: str, reference: str) -> list[ButtonElement]:
    """A step's decision buttons (`decide_<outcome>`, value metadata.Decision): the card's,
    and the App Home's, so a press anywhere goes to the same listener."""
    elements = []
    for spec in rules.outcomes(purpose):
        value = Decision(step_id=step_id, outcome=spec.outcome).encode()
        confirm = None
        if spec.text is rules.Text.NONE and spec.style == "primary":
            confirm = ConfirmObject(
                title=f"{spec.label}?",
                text=f"{spec.label}: {reference}. The member of staff will be told.",
                confirm=spec.label,
                deny="Back",
            )
        elements.append(
            ButtonElement(
                text=spec.label,
                action_id=decide_action(spec.outcome),
                value=value,
                style=spec.style,
                confirm=confirm,
            )
        )
    return elements


def _buttons(card: ApprovalCard) -> ActionsBlock:
    assert card.step_id is not None
    elements = decision_elements(card.step_id, card.purpose, card.reference)
    # Instead of deciding, ask the member of staff for more information (handlers/questions,
    # which re-exports this id). An actions block holds at most 25 elements.
    ask = ButtonElement(
        text="Ask a question…", action_id=Action.ASK, value=StepRef(step_id=card.step_id).encode()
    )
    return ActionsBlock(block_id=BlockId.ACTIONS, elements=[*elements[:24], ask])


def _outcome_line(card: ApprovalCard) -> str:
    spec = rules.spec(card.purpose, card.status) if card.purpose != "inform" else None
    line = f"*{spec.past}*" if spec else OTHER_ENDINGS.get(card.status, card.status.capitalize())
    if card.decided_by:
        line += f" by {escape(card.decided_by)}"
    if card.decided_at:
        line += f" on {slack_date(card.decided_at)}"
    if card.reason:
        line += f"\n>{clip(escape(card.reason), 2500)}"
    return line


def card_body(card: ApprovalCard, *, max_details: int = 20) -> list[Block]:
    """What the declaration says: facts, details, risk flags, warnings and related history.
    The approver's DM and the officers' record view show it the same way."""
    blocks: list[Block] = [
        SectionBlock(
            fields=[
                MarkdownTextObject(text=clip(f"*{label}*\n{escape(value)}", 2000))
                for label, value in card.facts[:10]
            ]
        )
    ]
    for label, value in card.details[:max_details]:
        if value:
            blocks.append(
                SectionBlock(
                    text=MarkdownTextObject(text=clip(f"*{label}*\n{escape(value)}", 3000))
                )
            )
    if card.flags:
        blocks.append(risk_block(card.flags))
    if card.warnings:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=clip(f":warning: {w}", 3000))
                    for w in card.warnings[:10]
                ]
            )
        )
    if card.history:
        lines = "\n".join(f"• {escape(h)}" for h in card.history[:10])
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=clip(f"*Related history*\n{lines}", 3000)))
        )
    return blocks


def approval_message(card: ApprovalCard) -> Message:
    blocks: list[Block] = [HeaderBlock(text=clip(card.heading, 150))]
    if card.intro:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(card.intro, 3000))))
    if card.note:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(card.note, 3000))]))
    blocks += card_body(card)
    if card.purpose == "inform":
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text="For your information: no decision is needed.")]
            )
        )
        text = f"For information: {card.heading} ({card.reference})"
    elif card.status == StepStatus.PENDING and card.step_id is not None:
        blocks.append(_buttons(card))
        text = f"Decision needed: {card.heading} ({card.reference})"
    else:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_outcome_line(card))))
        text = f"{card.heading} ({card.reference}): {card.status.replace('_', ' ')}"
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"Reference {card.reference}")]))
    return Message(text=clip(text, 3000), blocks=blocks)


def risk_block(flags: list[RiskFlag]) -> SectionBlock:
    """One block for all the flags, so a card stays well within Slack's 50 blocks."""
    lines = "\n".join(f"• *{escape(f.label)}*: {escape(f.explanation)}" for f in flags[:10])
    return SectionBlock(
        text=MarkdownTextObject(text=clip(f":warning: *Risk flags*\n{lines}", 3000))
    )


def moved_message(card: ApprovalCard, to_name: str, why: str) -> Message:
    """The old approver's DM once a step has moved on: no buttons, and where it went."""
    note = f":arrow_right: Now with {escape(to_name)}: {escape(why)}"
    blocks: list[Block] = [
        HeaderBlock(text=clip(card.heading, 150)),
        SectionBlock(text=MarkdownTextObject(text=clip(note, 3000))),
        ContextBlock(elements=[MarkdownTextObject(text=f"Reference {card.reference}")]),
    ]
    return Message(
        text=clip(f"{card.heading} ({card.reference}): now with {to_name}", 3000), blocks=blocks
    )


def decision_text_modal(step_id: int, outcome: str, purpose: str, reference: str) -> View:
    spec = rules.spec(purpose, outcome)
    assert spec is not None
    return View(
        type="modal",
        callback_id=Callback.DECISION_TEXT,
        private_metadata=Decision(step_id=step_id, outcome=outcome).encode(),
        title=PlainTextObject(text=clip(spec.label.rstrip("…"), 24)),
        submit=PlainTextObject(text=clip(spec.label.rstrip("…"), 24)),
        close=PlainTextObject(text="Cancel"),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=f"*{reference}*")),
            InputBlock(
                block_id=BlockId.TEXT,
                label=PlainTextObject(text=clip(spec.text_label, 2000)),
                hint=PlainTextObject(text="The member of staff will see this."),
                optional=spec.text is rules.Text.OPTIONAL,
                element=PlainTextInputElement(
                    action_id=TextAction.INPUT, multiline=True, max_length=TEXT_MAX
                ),
            ),
        ],
    )


def outcome_message(
    *,
    reference: str,
    what: str,
    past: str,
    decider: str,
    text: str | None,
    text_label: str = "Reason",
    next_names: list[str] | None = None,
    advice: str = "",
) -> Message:
    """A decision, told to the member of staff, naming the declaration in their words."""
    lines = [f"{escape(decider)}: *{past}* — {escape(what)} ({reference})."]
    if text:
        lines.append(f"{text_label}: {escape(text)}")
    if next_names:
        lines.append(f"It now goes to {escape(' and '.join(next_names))} to decide.")
    if advice:
        lines.append(advice)
    return Message(text=clip("\n".join(lines), 3000))
