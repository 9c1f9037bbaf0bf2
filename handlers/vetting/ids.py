"""Every Slack id the vetting messages and the renewal form use, and the metadata their
buttons and form carry. Block ids of inputs are the rule's field names
(bot.rules.vetting.Field), so a validation error lands on its own field."""

from __future__ import annotations

from bot.rules.vetting import Field
from bot.ui.vetting import FORM_ID as CALLBACK_ID
from bot.ui.vetting import ClearanceRef
from handlers.slack_ui import ACTION_SUFFIX
from handlers.slack_ui import action_id as _action_id

# "Renewed on…" beside each person in the vetting officer's lists.
RENEW_ACTION = "vetting_renewed_on"


def action_id(field: Field) -> str:
    return _action_id(field.value)


def person_block(staff_id: int) -> str:
    """One person's line in a list (block ids must be unique within a message)."""
    return f"vetting_person_{staff_id}"


__all__ = [
    "ACTION_SUFFIX",
    "CALLBACK_ID",
    "RENEW_ACTION",
    "ClearanceRef",
    "Field",
    "action_id",
    "person_block",
]
