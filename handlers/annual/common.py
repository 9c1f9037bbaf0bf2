"""Small pieces the yearly round's messages share (annual declaration, undertaking,
outside-work reviews): long lists of names. Redrawing a pressed message is handlers.replies'."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.ui.text import long_date as long_date
from handlers.text import clip

SECTION_LIMIT = 3000
# Blocks a list may take in one message (Slack allows 50; the rest is heading and buttons).
LIST_BLOCKS = 40


def bullet_sections(
    lines: Sequence[str], *, more: str, max_blocks: int = LIST_BLOCKS
) -> list[Block]:
    """`lines` as bullet points packed into sections of at most 3000 characters, at most
    `max_blocks` of them; what does not fit is counted in a last line (`more` is formatted
    with {n})."""
    blocks: list[Block] = []
    current: list[str] = []
    size = 0
    shown = 0
    for line in lines:
        item = clip(f"• {line}", 500)
        if size + len(item) + 1 > SECTION_LIMIT and current:
            if len(blocks) + 1 >= max_blocks:
                break
            blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(current))))
            current, size = [], 0
        current.append(item)
        size += len(item) + 1
        shown += 1
    if current:
        blocks.append(SectionBlock(text=MarkdownTextObject(text="\n".join(current))))
    if shown < len(lines):
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=more.format(n=len(lines) - shown))])
        )
    return blocks
