"""Every Slack id the /conduct notify form uses. Block ids are the rule's field names, so a
validation error from bot.rules.notices lands on its own field."""

from __future__ import annotations

from enum import StrEnum

CALLBACK_ID = "notice_send"


class Field(StrEnum):
    CATEGORY = "category"
    DESCRIPTION = "description"
    OCCURRED_ON = "occurred_on"


def action_id(field: Field) -> str:
    return f"{field.value}_input"
