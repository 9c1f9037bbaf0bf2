"""Every Slack id the vetting messages and the renewal form use, and the metadata their
buttons and form carry. Block ids of inputs are the rule's field names
(bot.rules.vetting.Field), so a validation error lands on its own field."""

from __future__ import annotations

from datetime import date

from bot.rules.vetting import Field
from handlers.metadata import Metadata

# "Renewed on…" beside each person in the vetting officer's lists.
RENEW_ACTION = "vetting_renewed_on"
CALLBACK_ID = "vetting_renewal"

# Each input's action id is its field name with this suffix.
ACTION_SUFFIX = "_input"


def action_id(field: Field) -> str:
    return f"{field.value}{ACTION_SUFFIX}"


def person_block(staff_id: int) -> str:
    """One person's line in a list (block ids must be unique within a message)."""
    return f"vetting_person_{staff_id}"


class ClearanceRef(Metadata):
    """Whose clearance a button or the renewal form is about, and the expiry it showed: a
    renewal recorded meanwhile (or a new org chart) makes the button stale, not a second
    renewal."""

    staff_id: int
    expires: date | None = None


__all__ = [
    "ACTION_SUFFIX",
    "CALLBACK_ID",
    "RENEW_ACTION",
    "ClearanceRef",
    "Field",
    "action_id",
    "person_block",
]
