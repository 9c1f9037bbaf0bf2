"""Every Slack id the gift form uses: the neutral form's (bot/ui/gifts.py). Block ids are the
rule's field names, so a validation error from bot.rules.gifts lands on its own field."""

from __future__ import annotations

from bot.ui.gifts import FORM_ID as CALLBACK_ID
from bot.ui.gifts import UNSOLICITED, USE_AT_WORK
from bot.ui.gifts import GiftField as Field
from handlers.slack_ui import ACTION_SUFFIX
from handlers.slack_ui import action_id as _action_id

__all__ = [
    "ACTION_SUFFIX",
    "CALLBACK_ID",
    "MESSAGE_SHORTCUT_ID",
    "UNSOLICITED",
    "USE_AT_WORK",
    "Field",
    "action_id",
]

# The message shortcut "Declare this offer" (manifest.yml, features.shortcuts).
MESSAGE_SHORTCUT_ID = "gift_declare_from_message"


def action_id(field: Field) -> str:
    return _action_id(field.value)
