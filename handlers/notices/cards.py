"""What the officers and the member of staff are shown about a confidential notification.

The heading and a message's plain text become push notifications on people's phones, so they
say only that a confidential notification arrived, never what it is about."""

from __future__ import annotations

from bot.rules.notices import CATEGORY_WORDS, Category, join_words
from bot.rules.status import StepStatus
from handlers.approvals.messages import ApprovalCard, step_card
from handlers.notifier import Message
from handlers.text import clip, escape
from storage.declarations import Record
from storage.models import ApprovalStep, Notice

CATEGORY_FACTS = {
    Category.CRIMINAL_CHARGE: "Criminal charge (brought or likely)",
    Category.CIVIL_PROCEEDINGS: "Civil or legal proceedings",
    Category.VETTING: "Change that could affect vetting",
}


def notice_of(record: Record) -> Notice:
    assert isinstance(record.detail, Notice)
    return record.detail


def _category(notice: Notice) -> Category | None:
    try:
        return Category(notice.category)
    except ValueError:
        return None


def describe(record: Record) -> str:
    """ "your notification (criminal charge)": told to the member of staff about their own."""
    category = _category(notice_of(record))
    words = CATEGORY_WORDS[category] if category else notice_of(record).category
    return f"your notification ({words})"


def _recipients(record: Record) -> list[str]:
    names: list[str] = []
    for step in record.steps:
        name = record.name_of(step.approver_id)
        if name and name not in names:
            names.append(name)
    return names


def notice_card(
    record: Record, step: ApprovalStep | None, history: list[str] | None = None
) -> ApprovalCard:
    notice = notice_of(record)
    category = _category(notice)
    who = record.declarant.display_name
    facts = [
        ("Who", who),
        ("About", CATEGORY_FACTS[category] if category else notice.category),
        (
            "When it happened",
            notice.occurred_on.strftime("%d %b %Y") if notice.occurred_on else "Not given",
        ),
        ("Notified", record.declaration.created_at.strftime("%d %b %Y")),
    ]
    recipients = _recipients(record)
    intro = f":lock: *Confidential.* {escape(who)} has notified the office of this"
    if recipients:
        intro += f"; it was sent only to {escape(join_words(recipients))}"
    intro += (
        ". Please don't forward it or discuss it beyond those who need to know. "
        "Acknowledge it so they know you have it."
    )
    return step_card(
        record,
        step,
        history,
        heading=f"Confidential notification from {who}",
        intro=intro,
        facts=facts,
        details=[("What happened", notice.description)],
    )


def receipt(record: Record, recipients: list[str], unrouted: list[str], fallback: str) -> Message:
    """What the member of staff is told once it has gone: to whom, and what happens next.
    `recipients` are "Name (Title)"; `fallback` is who to tell directly if Nolan found no one."""
    ref = record.declaration.reference
    what = describe(record)
    if recipients:
        lines = [
            f":lock: Thank you: {escape(what)} is recorded as {ref} and has gone in confidence "
            f"to {escape(join_words(recipients))}. It is not posted in any channel.",
            "You'll get a message when each of them acknowledges it.",
        ]
        if unrouted:
            lines.append(
                f"Nolan could not send it to everyone it should go to ({escape(unrouted[0])}) "
                "Please tell the monitoring officer."
            )
    else:
        reason = f" ({escape(unrouted[0])})" if unrouted else ""
        what = what[:1].upper() + what[1:]
        lines = [
            f":lock: {escape(what)} is recorded as {ref}, but Nolan could not find "
            f"anyone to send it to{reason}. Please tell {escape(fallback)} directly, without "
            "delay."
        ]
    return Message(text=clip("\n".join(lines), 3000))


def advice(record: Record, step: ApprovalStep) -> str:
    if step.status == StepStatus.ACKNOWLEDGED:
        return "If anything changes, send a new notification with `/conduct notify`."
    return ""
