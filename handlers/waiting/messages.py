"""The waiting-decisions digest: one DM a working morning listing what has waited more than a
day for an approver, each with its decision buttons. Pure: data in, a Message out.

The buttons are the approval cards' own (`decide_<outcome>`, value metadata.Decision), so the
decision listener in handlers/approvals handles a press here exactly as on the card, and
updates the card; a second press on a decided item is told it was already decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.notifier import Message
from bot.ui.waiting import waiting_lines
from handlers.approvals.chasing import day
from handlers.approvals.messages import decision_elements
from handlers.text import clip, escape

# Two blocks an item (its words, its buttons) plus the header, the intro and "…and K more":
# 2 * 20 + 3 = 43, inside Slack's 50 blocks a message.
DIGEST_LIMIT = 20


@dataclass(frozen=True)
class DigestItem:
    """One waiting step, as the approver reads it."""

    step_id: int
    reference: str
    purpose: str  # a bot.rules.approvals.Purpose: which buttons it has
    what: str  # the declaration in words: "the hospitality from Acme Ltd: dinner"
    declarant: str
    waiting_since: date
    working_days: int  # working days it has waited
    escalates_on: date | None = None  # when it goes up if still waiting (None: nowhere to go)
    next_name: str | None = None  # who it goes to then
    reminder: bool = False  # this digest carries the step's one escalation reminder
    deputy_for: str | None = None  # the approver holds it as deputy for this person


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _line(item: DigestItem) -> str:
    lines = waiting_lines(
        reference=item.reference,
        what=item.what,
        declarant=item.declarant,
        since=item.waiting_since,
        working_days=item.working_days,
        deputy_for=item.deputy_for,
    )
    if item.next_name and item.escalates_on:
        going = (
            f"If it is still waiting on {day(item.escalates_on)}, it goes to "
            f"{escape(item.next_name)}, the next person up."
        )
        lines.append(f":bell: *Reminder:* {going}" if item.reminder else going)
    elif item.reminder:
        days = f"{item.working_days} working {_plural(item.working_days, 'day', 'days')}"
        lines.append(f":bell: *Reminder:* it has waited {days} for your decision.")
    return clip("\n".join(lines), 3000)


def _buttons(item: DigestItem) -> ActionsBlock:
    """The card's decision buttons (handlers/approvals/messages.py), same ids and values."""
    elements = decision_elements(item.step_id, item.purpose, item.reference)
    # block_id is unique in the message (Slack requires it); the listener reads the value.
    return ActionsBlock(block_id=f"waiting_{item.step_id}", elements=elements[:25])


def digest_message(items: Sequence[DigestItem]) -> Message:
    """Oldest first; the first DIGEST_LIMIT with their buttons, then how many more."""
    n = len(items)
    head = (
        f"{n} {_plural(n, 'decision has', 'decisions have')} waited more than a day for you. "
        "You can decide here, or on the original "
        f"{_plural(n, 'message', 'messages')} in this conversation."
    )
    blocks: list[Block] = [
        HeaderBlock(text="Waiting for your decision"),
        SectionBlock(text=MarkdownTextObject(text=head)),
    ]
    for item in items[:DIGEST_LIMIT]:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_line(item))))
        blocks.append(_buttons(item))
    if n > DIGEST_LIMIT:
        more = (
            f"…and {n - DIGEST_LIMIT} more waiting for you: their buttons are on the original "
            "messages in this conversation."
        )
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    references = ", ".join(i.reference for i in items)
    text = f"{n} {_plural(n, 'decision', 'decisions')} waiting for you: {references}"
    return Message(text=clip(text, 3000), blocks=blocks)
