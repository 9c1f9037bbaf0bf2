"""Every Slack id the gift form uses. Block ids are the rule's field names, so a validation
error from bot.rules.gifts lands on its own field."""

from __future__ import annotations

from enum import StrEnum

from handlers import manager_picker

CALLBACK_ID = "gift_declare"
# The message shortcut "Declare this offer" (manifest.yml, features.shortcuts).
MESSAGE_SHORTCUT_ID = "gift_declare_from_message"


class Field(StrEnum):
    KIND = "kind"
    GIFT_TYPE = "gift_type"
    OFFERED_BY = "offered_by"
    RELATIONSHIP = "relationship"
    DESCRIPTION = "description"
    VALUE = "value"
    DATE_OFFERED = "date_offered"
    EVENT_DATE = "event_date"
    RESPONSE = "response"
    REASON = "reason"
    CIRCUMSTANCES = "circumstances"
    LINE_MANAGER = manager_picker.BLOCK_ID  # the shared picker (handlers/manager_picker.py)


# Each input's action id is its field name with this suffix.
ACTION_SUFFIX = "_input"


def action_id(field: Field) -> str:
    return f"{field.value}{ACTION_SUFFIX}"


USE_AT_WORK = "use_at_work"
UNSOLICITED = "unsolicited"
