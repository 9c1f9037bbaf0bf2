"""The Slack side of approvals that never stall: the one reminder to an approver. (A step
that escalates or otherwise moves is announced through the outbox: bot.usecases.moves, drawn
in handlers/approvals/moves.py.)"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.notifier import Message, Notifier, describe_failure
from handlers.approvals.kinds import kind_of
from handlers.text import clip, escape
from storage.declarations import Record

log = logging.getLogger(__name__)

REMINDER_LIMIT = 40  # items shown in one reminder (Slack allows 50 blocks)


def day(value: date) -> str:
    """A date as staff read it: "Mon 30 Nov"."""
    return f"{value:%a} {value.day} {value:%b}"


@dataclass(frozen=True)
class ReminderItem:
    """One waiting step in an approver's reminder."""

    step_id: int
    reference: str
    what: str  # the declaration in words: "the hospitality from Acme Ltd: dinner"
    declarant: str
    waiting_since: date
    escalates_on: date
    next_name: str | None  # who it goes to if still waiting then
    deputy_for: str | None = None  # the approver holds it as deputy for this person


def reminder_item(
    record: Record, step_id: int, *, waiting_since: date, escalates_on: date, next_name: str | None
) -> ReminderItem:
    step = next(s for s in record.steps if s.id == step_id)
    return ReminderItem(
        step_id=step_id,
        reference=record.declaration.reference or "",
        what=kind_of(record.declaration.kind).describe(record),
        declarant=record.declarant.display_name,
        waiting_since=waiting_since,
        escalates_on=escalates_on,
        next_name=next_name,
        deputy_for=record.name_of(step.delegated_from_id) if step.delegated_from_id else None,
    )


def reminder_message(items: Sequence[ReminderItem], limit_days: int) -> Message:
    """One DM per approver listing what has waited `limit_days` working days. The buttons
    stay on the original cards (still live), so this points at them rather than repeating
    them: one live card per step, always the one Nolan updates."""
    many = len(items) > 1
    head = (
        f"*Reminder:* {'these have' if many else 'this has'} waited {limit_days} working "
        f"days for your decision. The buttons are on the original "
        f"{'messages' if many else 'message'} in this conversation."
    )
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=head))]
    for item in items[:REMINDER_LIMIT]:
        line = (
            f"*{item.reference}* — {escape(clip(item.what, 300))} "
            f"({escape(item.declarant)}), waiting since {day(item.waiting_since)}"
        )
        if item.deputy_for:
            line += f"; you are deciding it as deputy for {escape(item.deputy_for)}"
        if item.next_name:
            line += (
                f". If it is still waiting on {day(item.escalates_on)}, it goes to "
                f"{escape(item.next_name)}, the next person up."
            )
        else:
            line += "."
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(line, 3000))))
    if len(items) > REMINDER_LIMIT:
        more = f"…and {len(items) - REMINDER_LIMIT} more, in your earlier messages from Nolan."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    references = ", ".join(i.reference for i in items)
    text = f"Reminder: {'decisions' if many else 'a decision'} waiting for you ({references})"
    return Message(text=clip(text, 3000), blocks=blocks)


def send_reminder(
    notifier: Notifier, slack_user_id: str, items: Sequence[ReminderItem], limit_days: int
) -> None:
    """Post the reminder; raises if Slack refuses, so the caller can give the claim back."""
    notifier.dm(slack_user_id, reminder_message(items, limit_days))


# Failures are worded the same wherever the sweep reports them.
problem = describe_failure
