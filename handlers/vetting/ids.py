"""Every Slack id the vetting messages and the renewal form use, and the metadata their
buttons and form carry. Block ids of inputs are the rule's field names
(bot.rules.vetting.Field), so a validation error lands on its own field."""

from __future__ import annotations

from bot.rules.vetting import Field
from bot.ui.vetting import FORM_ID as CALLBACK_ID
from bot.ui.vetting import ClearanceRef
from bot.ui.vetting_messages import RENEW_ACTION, person_block
from handlers.slack_ui import ACTION_SUFFIX
from handlers.slack_ui import action_id as _action_id


def action_id(field: Field) -> str:
    return _action_id(field.value)


__all__ = [
    "ACTION_SUFFIX",
    "CALLBACK_ID",
    "RENEW_ACTION",
    "ClearanceRef",
    "Field",
    "action_id",
    "person_block",
]
