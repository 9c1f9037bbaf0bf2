"""Answers to the one person who pressed a button: ephemeral, leaving the message as it is."""

from __future__ import annotations

from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.models.blocks import MarkdownTextObject, PlainTextObject, SectionBlock
from slack_sdk.models.views import View

from handlers.text import clip

STALE_BUTTON = "That button is from an older message Nolan can't read."


def tell(respond: Respond, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)


def answer(respond: Respond | None, client: WebClient, body: dict[str, Any], text: str) -> None:
    """`tell` wherever the button was: a press on the App Home has no response_url (Bolt's
    respond refuses), so the answer opens as a small modal there instead."""
    if respond is not None and body.get("response_url"):
        tell(respond, text)
        return
    client.views_open(trigger_id=body["trigger_id"], view=notice_view(text))


def notice_view(text: str, title: str = "Nolan", *, callback_id: str | None = None) -> View:
    """A modal that only says something: a refusal, or that a thing changed meanwhile."""
    return View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=clip(title, 24)),
        close=PlainTextObject(text="Close"),
        blocks=[SectionBlock(text=MarkdownTextObject(text=clip(text, 3000)))],
    )
