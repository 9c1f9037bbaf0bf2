"""Small pieces the yearly round's messages share (annual declaration, undertaking,
outside-work reviews): where a pressed button's message is, its receipt drawn, and long lists
of names."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.outbox import Posted, Pressed, Queued
from bot.ui.text import long_date as long_date
from handlers.notifier import Message
from handlers.outgoing import Drawn
from handlers.text import clip

SECTION_LIMIT = 3000
# Blocks a list may take in one message (Slack allows 50; the rest is heading and buttons).
LIST_BLOCKS = 40


def pressed_message(body: dict[str, Any]) -> Posted | None:
    """The message whose button was pressed, so it can be updated in place."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return Posted(channel=channel, ts=ts) if channel and ts else None


def pressed(body: dict[str, Any]) -> Pressed | None:
    """The pressed message, for its receipt (bot.owing.Pressed): its place and the press's
    response_url."""
    where = pressed_message(body)
    if where is None:
        return None
    url = body.get("response_url")
    return Pressed(where.channel, where.ts, url if isinstance(url, str) and url else None)


def receipt(message: Queued, drawn: Message) -> Drawn | None:
    """A receipt (bot.owing.owe_receipt) drawn as `drawn`, in the pressed message's place:
    through the press's response_url, which Slack's method tiers do not count. chat.update
    is a Tier 3 method (50+ a minute), and on the annual declaration's morning a force
    presses hundreds a minute. By chat.update if the press had no response_url or Slack
    does not take it."""
    channel, ts = message.payload.get("channel"), message.payload.get("ts")
    if not (channel and ts):
        return None
    via = message.payload.get("reply_url")
    return Drawn(drawn, update=Posted(str(channel), str(ts)), via=str(via) if via else None)


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
