"""The approval engine's rules: what each kind of step can decide, what a decision means for
the declaration, and when a waiting step is chased. Pure: no Slack, no SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.rules.calendar import working_days_between
from bot.rules.gifts import Disposal
from bot.rules.status import DeclarationStatus, StepStatus


class Purpose(StrEnum):
    """What is asked of the person at a step."""

    AUTHORISE = "authorise"  # gifts and hospitality: approve or decline (§15.2)
    DISPOSE = "dispose"  # unsolicited gift: return, keep or hand on (§15.6)
    NOTE = "note"  # interests: noted, or needs action (§8)
    RECOMMEND = "recommend"  # outside work, first step: support or not, with a note
    GRANT = "grant"  # outside work, head of office: grant or refuse (derbyshire §12)
    ACKNOWLEDGE = "acknowledge"  # notifications that cannot wait (derbyshire §11)


class Text(StrEnum):
    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


@dataclass(frozen=True)
class OutcomeSpec:
    outcome: str
    label: str  # the button
    past: str  # "Approved", for the decided message
    text: Text = Text.NONE
    text_label: str = ""  # the form's question when text is asked for
    ends: bool = False  # ends the declaration whatever steps remain
    style: str | None = None  # "primary" | "danger"
    text_name: str = "Reason"  # what the words are called when they are shown


_SPECS: dict[Purpose, tuple[OutcomeSpec, ...]] = {
    Purpose.AUTHORISE: (
        OutcomeSpec(StepStatus.APPROVED, "Approve", "Approved", style="primary"),
        OutcomeSpec(
            StepStatus.DECLINED,
            "Decline…",
            "Declined",
            Text.REQUIRED,
            "Why are you declining it?",
            ends=True,
            style="danger",
        ),
    ),
    Purpose.DISPOSE: tuple(
        OutcomeSpec(StepStatus(d), label, past)
        for d, label, past in (
            (Disposal.RETURN, "Return it to the giver", "To be returned"),
            (Disposal.KEEP, "Keep it for the office", "Kept for the office"),
            (Disposal.HAND_ON, "Hand it on (e.g. to charity)", "To be handed on"),
        )
    ),
    Purpose.NOTE: (
        OutcomeSpec(StepStatus.NOTED, "Noted", "Noted", style="primary"),
        OutcomeSpec(
            StepStatus.ACTION_REQUIRED,
            "Needs action…",
            "Needs action",
            Text.REQUIRED,
            "What must they do? (e.g. take no part in the cleaning contract award)",
        ),
    ),
    Purpose.RECOMMEND: (
        OutcomeSpec(
            StepStatus.SUPPORTED,
            "Support…",
            "Supported",
            Text.OPTIONAL,
            "A note for the head of office",
            style="primary",
        ),
        OutcomeSpec(
            StepStatus.NOT_SUPPORTED,
            "Do not support…",
            "Not supported",
            Text.REQUIRED,
            "Why do you not support it?",
        ),
    ),
    Purpose.GRANT: (
        OutcomeSpec(
            StepStatus.GRANTED,
            "Grant…",
            "Granted",
            Text.OPTIONAL,
            "Conditions attached to the permission, if any",
            style="primary",
        ),
        OutcomeSpec(
            StepStatus.REFUSED,
            "Refuse…",
            "Refused",
            Text.REQUIRED,
            "Why is permission refused? (It may not be unreasonably withheld.)",
            ends=True,
            style="danger",
        ),
    ),
    Purpose.ACKNOWLEDGE: (
        OutcomeSpec(StepStatus.ACKNOWLEDGED, "Acknowledge", "Acknowledged", style="primary"),
    ),
}

# What a declaration's status becomes when its last step ends this way.
FINAL_STATUS: dict[str, DeclarationStatus] = {
    StepStatus.APPROVED: DeclarationStatus.APPROVED,
    StepStatus.DECLINED: DeclarationStatus.DECLINED,
    StepStatus.RETURNED: DeclarationStatus.RETURNED,
    StepStatus.KEPT: DeclarationStatus.KEPT,
    StepStatus.HANDED_ON: DeclarationStatus.HANDED_ON,
    StepStatus.NOTED: DeclarationStatus.NOTED,
    StepStatus.ACTION_REQUIRED: DeclarationStatus.ACTION_REQUIRED,
    StepStatus.GRANTED: DeclarationStatus.APPROVED,
    StepStatus.REFUSED: DeclarationStatus.REFUSED,
    StepStatus.ACKNOWLEDGED: DeclarationStatus.ACKNOWLEDGED,
    # Only when an office's chain ends at a recommendation (no one grants after it).
    StepStatus.SUPPORTED: DeclarationStatus.SUPPORTED,
    StepStatus.NOT_SUPPORTED: DeclarationStatus.NOT_SUPPORTED,
}


def outcomes(purpose: str) -> tuple[OutcomeSpec, ...]:
    return _SPECS[Purpose(purpose)]


def spec(purpose: str, outcome: str) -> OutcomeSpec | None:
    return next((s for s in _SPECS.get(Purpose(purpose), ()) if s.outcome == outcome), None)


def valid_outcome(purpose: str, outcome: str) -> bool:
    """Each kind of step has its own answers: an authorising step is approved or declined; a
    gift received without warning is returned, kept or handed on (combined-authority §15.6)."""
    return spec(purpose, outcome) is not None


def declaration_status(purpose: str, outcome: str, *, last_step: bool) -> DeclarationStatus:
    """A declaration ends at a refusal or decline ("ends"), else when its last step is
    decided; until then it stays pending."""
    found = spec(purpose, outcome)
    if found is None:
        raise ValueError(f"{outcome!r} is not a decision for a {purpose!r} step")
    if found.ends or last_step:
        return FINAL_STATUS[outcome]
    return DeclarationStatus.PENDING


def text_problem(purpose: str, outcome: str, text: str, limit: int = 1000) -> str | None:
    """A refusal must give its reason: "such permission will not be unreasonably withheld"
    (derbyshire §12; warwickshire "Commitments Outside of Work")."""
    found = spec(purpose, outcome)
    if found is None:
        return "That is not a decision this step can take."
    if found.text is Text.REQUIRED and not text.strip():
        return "Please fill this in: the member of staff will see it."
    if len(text) > limit:
        return f"Please keep this to {limit} characters or fewer."
    return None


class Chase(StrEnum):
    NOTHING = "nothing"
    REMIND = "remind"
    ESCALATE = "escalate"


def chase(clock_started: date, today: date, *, limit_days: int, reminded: bool) -> Chase:
    """Approvals never stall: after `limit_days` working days without a decision the
    approver is reminded once; after as many again the step moves to the next role up."""
    waited = working_days_between(clock_started, today)
    if waited >= 2 * limit_days:
        return Chase.ESCALATE
    if waited >= limit_days and not reminded:
        return Chase.REMIND
    return Chase.NOTHING
