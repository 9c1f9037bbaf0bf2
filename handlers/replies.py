"""Answers to the one person who pressed a button: ephemeral, leaving the message as it is."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.models.blocks import MarkdownTextObject, PlainTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.rules.refusal import NOT_IN_ORG_CHART, Refused
from handlers.text import clip


def tell(respond: Respond, text: str) -> None:
    respond(text=text, response_type="ephemeral", replace_original=False)


def notice_view(text: str, title: str = "Nolan", *, callback_id: str | None = None) -> View:
    """A modal that only says something: a refusal, or that a thing changed meanwhile."""
    return View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=clip(title, 24)),
        close=PlainTextObject(text="Close"),
        blocks=[SectionBlock(text=MarkdownTextObject(text=clip(text, 3000)))],
    )


def open_form(ack: Ack, command: dict[str, Any], client: WebClient, view: View | None) -> None:
    """A slash command's form; None is someone the org chart does not know."""
    if view is None:
        raise Refused(NOT_IN_ORG_CHART)
    ack()
    client.views_open(trigger_id=command["trigger_id"], view=view)
