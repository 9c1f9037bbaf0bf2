"""The governance digest in Block Kit: counts only, never a name (bot.jobs.digest; its words:
bot.ui.digest)."""

from __future__ import annotations

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from bot.ui.digest import footnote, heading, lines
from handlers.notifier import Message
from handlers.text import clip
from storage.governance import Counts


def digest(counts: Counts, *, office: str, unreachable: int = 0) -> Message:
    body = "\n".join(lines(counts, unreachable=unreachable))
    title = heading(counts)
    return Message(
        text=clip(f"{title}. {body}".replace("*", ""), 3000),
        blocks=[
            HeaderBlock(text=clip(title, 150)),
            SectionBlock(text=MarkdownTextObject(text=clip(body, 3000))),
            ContextBlock(elements=[MarkdownTextObject(text=clip(footnote(office), 3000))]),
        ],
    )
