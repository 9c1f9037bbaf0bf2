"""What approvers and declarants are shown about a declaration of interest."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

from bot.rules.interests import RESTRICTED_WARNING, Category, category_name, category_of
from bot.rules.status import StepStatus
from handlers.approvals.messages import ApprovalCard, step_card
from handlers.notifier import Message
from handlers.text import clip, escape
from storage.declarations import Record
from storage.models import ApprovalStep, Interest

RELATIONSHIP_WARNING = (
    "Relative or close relationship: they must take no part in any recruitment, promotion, "
    "pay or discipline decision about the person concerned (combined-authority §6.1, §6.4)."
)
CANVASSED_WARNING = (
    "Canvassed by a candidate: agree with the head of office what should happen about the "
    "approach (combined-authority §6.3)."
)
CONTRACTOR_WARNING = (
    "A relationship with a contractor or potential contractor: take care that they play no "
    "part in any procurement or contract decision involving it (combined-authority §5.2)."
)
MO_RESTRICTED = (
    "Politically restricted post: staff in these posts may not take part in formal political "
    "activity (derbyshire §7; avon-and-somerset §3.15). The line manager and the monitoring "
    "officer both have it."
)


def interest_of(record: Record) -> Interest:
    assert isinstance(record.detail, Interest)
    return record.detail


def _day(value: date) -> str:
    return value.strftime("%d %b %Y")


def describe(record: Record) -> str:
    """The interest in words the member of staff recognises: "your interest in Acme Ltd
    (financial interest)"."""
    interest = interest_of(record)
    kind = category_name(interest.category)
    colleague = record.name_of(record.declaration.named_staff_id)
    if interest.organisation:
        what = f"your interest in {interest.organisation} ({kind})"
    elif colleague and category_of(interest.category) is Category.RELATIONSHIP:
        what = f"your relationship with {colleague} ({kind})"
    else:
        what = f"your {kind}: {clip(interest.description, 80)}"
    if interest.ended_on is not None:
        what += f", ended {_day(interest.ended_on)}"
    return what


def _warnings(record: Record) -> list[str]:
    interest = interest_of(record)
    category = category_of(interest.category)
    warnings = []
    if interest.restricted_post:
        warnings.append(MO_RESTRICTED)
    if category is Category.RELATIONSHIP:
        warnings.append(RELATIONSHIP_WARNING)
    elif category is Category.CANVASSED:
        warnings.append(CANVASSED_WARNING)
    elif category is Category.CONTRACTOR:
        warnings.append(CONTRACTOR_WARNING)
    return warnings


def interest_card(
    record: Record, step: ApprovalStep | None, history: list[str] | None = None
) -> ApprovalCard:
    interest = interest_of(record)
    who = record.declarant.display_name
    facts = [("Who", who), ("Kind of interest", category_name(interest.category).capitalize())]
    if interest.organisation:
        facts.append(("Organisation", interest.organisation))
    colleague = record.name_of(record.declaration.named_staff_id)
    if colleague:
        facts.append(("Colleague concerned", colleague))
    facts.append(("Since", _day(interest.started_on)))
    facts.append(("Until", _day(interest.ended_on) if interest.ended_on else "Ongoing"))
    details = [
        ("Description", interest.description),
        ("How it could conflict", interest.conflict),
        ("What they propose", interest.proposal),
        ("Action needed", interest.action or ""),
    ]
    return step_card(
        record,
        step,
        history,
        heading=f"Interest declared by {who}",
        facts=facts,
        details=details,
        warnings=_warnings(record),
    )


def advice(record: Record, step: ApprovalStep) -> str:
    """What the member of staff should do now that a step is decided."""
    if step.status == StepStatus.ACTION_REQUIRED:
        return (
            f"*The action you must take:* {escape(step.reason or '')}\n"
            "Your interest is on the Register of Interests with this action."
        )
    if step.status == StepStatus.NOTED:
        return (
            "It is on the Register of Interests. If it changes, declare again; when it ends, "
            "use “End this interest…” in `/conduct mine`."
        )
    return ""


def declarant_receipt(record: Record, explanation: str, next_step: str) -> Message:
    """What the member of staff is told straight after declaring."""
    ref = record.declaration.reference
    lines = [
        f"Thank you: {escape(describe(record))} is recorded as {ref} on the Register of Interests."
    ]
    if next_step:
        lines.append(next_step)
    if explanation:
        lines.append(explanation)
    return Message(text=clip("\n".join(lines), 3000))


def restricted_post_message(reference: str) -> Message:
    """Told at once, before anything else, to someone in a politically restricted post who
    declares political activity (derbyshire §7; avon-and-somerset §3.15)."""
    text = (
        f":warning: *Political activity in a politically restricted post* ({reference})\n"
        f"{RESTRICTED_WARNING}"
    )
    return Message(
        text=clip(text, 3000),
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=clip(text, 3000))),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="Your declaration has gone to your line manager and the "
                        "monitoring officer."
                    )
                ]
            ),
        ],
    )


def ended_message(record: Record) -> Message:
    """For the line manager's information: an interest has ended; it stays on the register."""
    interest = interest_of(record)
    assert interest.ended_on is not None
    who = record.declarant.display_name
    kind = category_name(interest.category)
    what = f"in {interest.organisation} ({kind})" if interest.organisation else f"({kind})"
    text = (
        f"For information: {escape(who)} has ended their interest {escape(what)}, "
        f"{record.declaration.reference}, on {_day(interest.ended_on)}. It stays on the "
        "Register of Interests with its end date. No action is needed."
    )
    return Message(text=clip(text, 3000))


def ended_receipt(record: Record) -> Message:
    """The member of staff's confirmation that the end date is recorded."""
    interest = interest_of(record)
    assert interest.ended_on is not None
    text = (
        f"Recorded: {escape(describe(record))} ({record.declaration.reference}). It stays on "
        "the Register of Interests with its end date, and your line manager has been told."
    )
    return Message(text=clip(text, 3000))
