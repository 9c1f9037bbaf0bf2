"""Every Slack id the policy list, its form, the reminders and the "Mark reviewed" form use.
Block ids are the rule's field names (bot.rules.policies.Field / ReviewField), so a
validation error lands on its own field."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from bot.rules.policies import Field, ReviewField
from handlers.metadata import Metadata


class Callback(StrEnum):
    LIST = "policies_list"
    FORM = "policy_form"
    REVIEW = "policy_review"


class Action(StrEnum):
    ADD = "policy_add"
    EDIT = "policy_edit"
    MARK_REVIEWED = "policy_mark_reviewed"


# Checkbox values of the form's FLAGS block.
CODE_OF_CONDUCT = "code_of_conduct"
RETIRED = "retired"


def action_id(field: Field | ReviewField) -> str:
    """Each input's action id is its field name with this suffix."""
    return f"{field.value}_input"


# -- what buttons and modals carry (handlers.metadata round-trips them) -----------------------


class PolicyRef(Metadata):
    """The Edit button of the list: which policy."""

    policy_id: int


class FormMeta(Metadata):
    """The policy form: which policy (none: a new one), and the list it was opened from,
    refreshed after a save."""

    policy_id: int | None = None
    list_view_id: str | None = None


class ReviewRef(Metadata):
    """The "Mark reviewed" button of a reminder: which policy, and the review date it was
    about (if the policy has moved on since, the button is out of date)."""

    policy_id: int
    due: date | None = None


class ReviewMeta(Metadata):
    """The "Mark reviewed" form: the reminder it came from, so the message can be updated."""

    policy_id: int
    due: date | None = None
    channel: str | None = None
    ts: str | None = None
