"""Answers to the one person who pressed a button: ephemeral, leaving the message as it is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.models.blocks import MarkdownTextObject, PlainTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.rules.refusal import NOT_IN_ORG_CHART, Refused
from handlers.context import ACTOR, Env
from handlers.text import clip
from storage.models import Staff


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


class FormFor(Protocol):
    """A declaration's form for `me` (the person acting, as the request read them), pre-filled
    from `text`; None for someone the org chart does not know (`me` None)."""

    def __call__(self, env: Env, *, me: Staff | None, text: str | None = None) -> View | None: ...


def form_command(form_for: FormFor) -> Callable[[Ack, dict[str, Any], WebClient, Env], None]:
    """The listener of a slash command that opens a form (`/gift pen`: the gift form, its
    description "pen")."""

    def open_form(
        ack: Ack, command: dict[str, Any], client: WebClient, env: Env, context: BoltContext
    ) -> None:
        view = form_for(env, me=context.get(ACTOR), text=command.get("text"))
        if view is None:
            raise Refused(NOT_IN_ORG_CHART)
        ack()
        client.views_open(trigger_id=command["trigger_id"], view=view)

    return open_form
