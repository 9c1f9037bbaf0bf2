"""The /gift modal: the neutral form (bot/ui/gifts.py) rendered for Slack."""

from __future__ import annotations

from slack_sdk.models.views import View

from bot.ui.gifts import gift_form
from bot.ui.payload import MessageSource
from handlers import slack_ui


def gift_modal(
    *,
    description: str = "",
    ask_for_manager: bool,
    token_threshold_pence: int,
    source: MessageSource | None = None,
) -> View:
    """`source`: the message it was declared from, kept in the record's audit trail."""
    return slack_ui.modal(
        gift_form(
            description=description,
            ask_for_manager=ask_for_manager,
            token_threshold_pence=token_threshold_pence,
            source=source,
        )
    )
