"""The Slack side of approvals that never stall: the one reminder to an approver, drawn from
the words in bot.ui.waiting (the sweep's chase owes it: bot.jobs.approvals; its drawer is in
handlers.approvals.reminders). A step that escalates or otherwise moves is announced through
the outbox: bot.usecases.moves, drawn in handlers/approvals/moves.py."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.ui.waiting import (
    REMINDER_LIMIT,
    ReminderItem,
    reminder_head,
    reminder_line,
    reminder_more,
    reminder_summary,
)
from handlers.notifier import Message

__all__ = ["REMINDER_LIMIT", "ReminderItem", "reminder_message"]


def reminder_message(items: Sequence[ReminderItem], limit_days: int) -> Message:
    """One DM per approver listing what has waited `limit_days` working days. The buttons
    stay on the original cards (still live), so this points at them rather than repeating
    them: one live card per step, always the one Nolan updates."""
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=reminder_head(len(items), limit_days)))
    ]
    for item in items[:REMINDER_LIMIT]:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=reminder_line(item))))
    if more := reminder_more(len(items)):
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    return Message(text=reminder_summary(items), blocks=blocks)
