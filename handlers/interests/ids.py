"""Every Slack id the interest forms use. Block ids are the rule's field names, so a
validation error from bot.rules.interests lands on its own field."""

from __future__ import annotations

from enum import StrEnum

from handlers.conduct.ids import Action as ConductAction

CALLBACK_ID = "interest_declare"
END_CALLBACK_ID = "interest_end"

# The button beside a noted interest in /conduct mine (value: metadata.DeclarationRef).
END_ACTION = ConductAction.END_INTEREST.value


class Field(StrEnum):
    CATEGORY = "category"
    ORGANISATION = "organisation"
    COLLEAGUE = "colleague"
    DESCRIPTION = "description"
    STARTED_ON = "started_on"
    ENDED_ON = "ended_on"
    CONFLICT = "conflict"
    PROPOSAL = "proposal"


# The end-an-interest form's one field.
END_DATE = "end_date"

# Each input's action id is its field name with this suffix.
ACTION_SUFFIX = "_input"


def action_id(field: str) -> str:
    return f"{field}{ACTION_SUFFIX}"
