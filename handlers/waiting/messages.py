"""The waiting-decisions digest drawn for Slack: one DM a working morning listing what has
waited more than a day for an approver, each with its decision buttons. Pure: data in, a
Message out (the words: bot.ui.waiting).

The buttons are the approval cards' own (`decide_<outcome>`, value metadata.Decision), so the
decision listener in handlers/approvals handles a press here exactly as on the card, and
updates the card; a second press on a decided item is told it was already decided.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.ui.waiting import (
    DIGEST_LIMIT,
    DIGEST_TITLE,
    DigestItem,
    digest_head,
    digest_line,
    digest_more,
    digest_summary,
)
from handlers.approvals.messages import decision_elements
from handlers.notifier import Message

__all__ = ["DIGEST_LIMIT", "DigestItem", "digest_message"]


def _buttons(item: DigestItem) -> ActionsBlock:
    """The card's decision buttons (handlers/approvals/messages.py), same ids and values."""
    elements = decision_elements(item.step_id, item.purpose, item.reference)
    # block_id is unique in the message (Slack requires it); the listener reads the value.
    return ActionsBlock(block_id=f"waiting_{item.step_id}", elements=elements[:25])


def digest_message(items: Sequence[DigestItem]) -> Message:
    """Oldest first; the first DIGEST_LIMIT with their buttons, then how many more."""
    blocks: list[Block] = [
        HeaderBlock(text=DIGEST_TITLE),
        SectionBlock(text=MarkdownTextObject(text=digest_head(len(items)))),
    ]
    for item in items[:DIGEST_LIMIT]:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=digest_line(item))))
        blocks.append(_buttons(item))
    if more := digest_more(len(items)):
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    return Message(text=digest_summary(items), blocks=blocks)
