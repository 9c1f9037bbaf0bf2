"""Every Slack id the outside-work form uses. Block ids are the rule's field names, so a
validation error from bot.rules.outside_work lands on its own field."""

from __future__ import annotations

from enum import StrEnum

from handlers import manager_picker

CALLBACK_ID = "outside_work_request"


class Field(StrEnum):
    ORGANISATION = "organisation"
    ROLE = "role"
    PAY = "pay"
    HOURS = "hours"
    WHEN = "when"
    START_DATE = "start_date"
    INVOLVES_PARTNER = "involves_partner"
    PARTNER = "partner"
    USES_OFFICE = "uses_office"
    NOTES = "notes"
    LINE_MANAGER = manager_picker.BLOCK_ID  # the shared picker (handlers/manager_picker.py)


# Each input's action id is its field name with this suffix.
ACTION_SUFFIX = "_input"


def action_id(field: Field) -> str:
    return f"{field.value}{ACTION_SUFFIX}"


YES = "yes"
NO = "no"
