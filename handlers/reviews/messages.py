"""The yearly review of an outside-work permission (bot/ui/reviews.py) drawn for Slack: the
question to the member of staff, the answer once given, and the note to the line manager
when it has ended."""

from __future__ import annotations

from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.settings import Policy
from bot.ui import reviews as ui
from bot.ui.cards import Button, Card
from handlers.notifier import Message
from handlers.text import slack_date


def _button(button: Button) -> ButtonElement:
    assert button.payload is not None
    c = button.confirm
    return ButtonElement(
        text=button.label,
        action_id=button.id,
        value=button.payload.encode(),
        style=button.style.value if button.style else None,
        confirm=ConfirmObject(title=c.title, text=c.text, confirm=c.confirm, deny=c.deny)
        if c
        else None,
    )


def _message(card: Card) -> Message:
    blocks: list[Block] = [HeaderBlock(text=card.title)] if card.title else []
    blocks.append(SectionBlock(text=MarkdownTextObject(text=card.intro)))
    if card.actions:
        blocks.append(ActionsBlock(elements=[_button(b) for b in card.actions]))
    for note in card.footnotes:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=note)]))
    return Message(text=card.summary, blocks=blocks)


def review_message(permission: ui.Reviewed, anniversary: date, policy: Policy) -> Message:
    return _message(ui.review_card(permission, anniversary, policy))


def reviewed_message(
    permission: ui.Reviewed,
    *,
    response: str,
    at: datetime,
    policy: Policy,
    ended_on: date | None = None,
) -> Message:
    """The review DM once answered (no buttons left)."""
    return _message(
        ui.reviewed_card(
            permission, response=response, when=slack_date(at), policy=policy, ended_on=ended_on
        )
    )


def ended_notice(permission: ui.Reviewed, *, declarant: str, ended_on: date) -> Message:
    """For the line manager's information: nothing to decide."""
    return _message(ui.ended_card(permission, declarant=declarant, ended_on=ended_on))
