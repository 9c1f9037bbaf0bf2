"""The vetting messages (bot/ui/vetting_messages.py) drawn for Slack: a few words (the
reminder to the member of staff, the confirmations once a renewal is recorded), or a list
(the vetting officer's renewals due and weekly lapsed clearances, each person with "Renewed
on…" beside them). Confidential: these go in DMs only."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.ui import vetting_messages as ui
from bot.ui.cards import Card
from handlers.notifier import Message
from handlers.text import clip

SLACK = "Slack"  # the platform a person may not be on


def _section(
    text: str, *, block_id: str | None = None, accessory: ButtonElement | None = None
) -> SectionBlock:
    return SectionBlock(
        text=MarkdownTextObject(text=clip(text, 3000)), block_id=block_id, accessory=accessory
    )


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, 3000))])


def said(card: Card) -> Message:
    """A message of a few words: its intro, and its note in small print."""
    blocks: list[Block] = [_section(card.intro)]
    if card.note:
        blocks.append(_context(card.note))
    return Message(text=card.summary, blocks=tuple(blocks))


def listed(listing: ui.Listing) -> Message:
    blocks: list[Block] = [_section(listing.head)]
    for entry in listing.people:
        assert entry.button is not None and entry.button.payload is not None
        button = ButtonElement(
            text=entry.button.label,
            action_id=entry.button.id,
            value=entry.button.payload.encode(),
        )
        blocks.append(_section(entry.text, block_id=entry.id, accessory=button))
    blocks.append(_context(listing.footer))
    return Message(text=listing.summary, blocks=tuple(blocks))
