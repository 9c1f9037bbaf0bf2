"""What an approver sees about a declaration, drawn per status: waiting shows the buttons its
purpose allows, decided shows who decided, when and why. Each kind of declaration fills in an
`ApprovalCard`; `approval_card` makes the neutral card every platform renders."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.rules import approvals as rules
from bot.rules.risk import RiskFlag
from bot.rules.status import StepStatus
from bot.ui.cards import Button, Card, Confirm, Decided, Flag, Style
from bot.ui.forms import Field, Form, Kind, Note
from bot.ui.payload import Decision, StepRef
from bot.ui.text import clip
from bot.ui.text import escape as esc

# Decision buttons are "decide_<outcome>"; their payload names the step (payload.Decision).
DECIDE_PREFIX = "decide_"
DECIDE_PATTERN = re.compile(rf"^{DECIDE_PREFIX}[a-z_]+$")


def decide_action(outcome: str) -> str:
    return f"{DECIDE_PREFIX}{outcome}"


class Action(StrEnum):
    ASK = "approval_ask_question"


class Callback(StrEnum):
    DECISION_TEXT = "approval_decision_text"


class Block(StrEnum):
    ACTIONS = "approval_actions"
    TEXT = "text"


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
    warnings: list[str] = field(default_factory=list)  # marked text (bot.ui.text)
    history: list[str] = field(default_factory=list)
    purpose: str = "authorise"  # a bot.rules.approvals.Purpose, or "inform"
    status: str = StepStatus.PENDING  # the step's, or the declaration's when there is no step
    intro: str = ""  # marked text
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    note: str = ""  # marked text, e.g. "Passed to you by X, who is on leave"
    # Risk flags (bot.rules.risk) the kind adds: patterns across declarations.
    flags: list[RiskFlag] = field(default_factory=list)


def decision_buttons(step_id: int, purpose: str, reference: str) -> list[Button]:
    """A step's decision buttons: the card's, the Home's and the digest's, so a press
    anywhere goes to the same listener. A one-press decision that is the primary one asks
    first; one that needs words opens a form instead."""
    buttons = []
    for spec in rules.outcomes(purpose):
        confirm = None
        if spec.text is rules.Text.NONE and spec.style == "primary":
            confirm = Confirm(
                title=f"{spec.label}?",
                text=f"{spec.label}: {reference}. The member of staff will be told.",
                confirm=spec.label,
            )
        buttons.append(
            Button(
                id=decide_action(spec.outcome),
                label=spec.label,
                payload=Decision(step_id=step_id, outcome=spec.outcome),
                style=Style(spec.style) if spec.style else None,
                confirm=confirm,
            )
        )
    return buttons


def _decided(card: ApprovalCard) -> Decided:
    spec = rules.spec(card.purpose, card.status) if card.purpose != "inform" else None
    outcome = f"*{spec.past}*" if spec else OTHER_ENDINGS.get(card.status, card.status.capitalize())
    return Decided(outcome=outcome, by=card.decided_by, at=card.decided_at, why=card.reason)


def approval_card(card: ApprovalCard) -> Card:
    reference = f"Reference {card.reference}"
    parts = dict(
        title=card.heading,
        intro=card.intro,
        note=card.note,
        facts=tuple(card.facts),
        sections=tuple(card.details),
        flags=tuple(Flag(f.label, f.explanation) for f in card.flags),
        warnings=tuple(card.warnings),
        history=tuple(card.history),
    )
    if card.purpose == "inform":
        return Card(
            summary=f"For information: {card.heading} ({card.reference})",
            footnotes=("For your information: no decision is needed.", reference),
            **parts,
        )
    if card.status == StepStatus.PENDING and card.step_id is not None:
        # Instead of deciding, ask the member of staff for more information (handlers/questions).
        # A group of actions holds at most 25.
        ask = Button(id=Action.ASK, label="Ask a question…", payload=StepRef(step_id=card.step_id))
        buttons = decision_buttons(card.step_id, card.purpose, card.reference)
        return Card(
            summary=f"Decision needed: {card.heading} ({card.reference})",
            actions=(*buttons[:24], ask),
            actions_id=Block.ACTIONS,
            footnotes=(reference,),
            **parts,
        )
    return Card(
        summary=f"{card.heading} ({card.reference}): {card.status.replace('_', ' ')}",
        decided=_decided(card),
        footnotes=(reference,),
        **parts,
    )


def moved_card(card: ApprovalCard, to_name: str, why: str) -> Card:
    """The old approver's card once a step has moved on: no buttons, and where it went."""
    return Card(
        title=card.heading,
        summary=f"{card.heading} ({card.reference}): now with {to_name}",
        intro=f":arrow_right: Now with {esc(to_name)}: {esc(why)}",
        footnotes=(f"Reference {card.reference}",),
    )


def decision_text_form(step_id: int, outcome: str, purpose: str, reference: str) -> Form:
    """The form a decision that needs words opens: the reason, or a note."""
    spec = rules.spec(purpose, outcome)
    assert spec is not None
    label = clip(spec.label.rstrip("…"), 24)
    return Form(
        id=Callback.DECISION_TEXT,
        title=label,
        submit=label,
        payload=Decision(step_id=step_id, outcome=outcome),
        parts=(
            Note(f"*{reference}*"),
            Field(
                id=Block.TEXT,
                label=spec.text_label,
                kind=Kind.LONG_TEXT,
                hint="The member of staff will see this.",
                required=spec.text is not rules.Text.OPTIONAL,
                max_length=TEXT_MAX,
            ),
        ),
    )


def outcome_text(
    *,
    reference: str,
    what: str,
    past: str,
    decider: str,
    text: str | None,
    text_label: str = "Reason",
    next_names: list[str] | None = None,
    advice: str = "",
) -> str:
    """A decision told to the member of staff (marked text), naming the declaration in their
    words: who decided what, their words, who decides next, and what to do now."""
    lines = [f"{esc(decider)}: *{past}* — {esc(what)} ({reference})."]
    if text:
        lines.append(f"{text_label}: {esc(text)}")
    if next_names:
        lines.append(f"It now goes to {esc(' and '.join(next_names))} to decide.")
    if advice:
        lines.append(advice)
    return clip("\n".join(lines), 3000)
