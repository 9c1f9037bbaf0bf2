"""Every Slack id the /conduct reassign form uses."""

from __future__ import annotations

from enum import StrEnum

CALLBACK_ID = "reassign_submit"


class Field(StrEnum):
    REFERENCE = "reference"
    CURRENT = "current_approver"  # whose step, when several people are deciding at once
    APPROVER = "new_approver"
    REASON = "reason"


def action_id(field: Field) -> str:
    return f"{field.value}_input"


REASON_MAX = 500
