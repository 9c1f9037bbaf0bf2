"""Every Slack id the policy list, its form, the reminders and the "Mark reviewed" form use (the
forms are described in bot/ui/policies.py). Block ids are the rule's field names
(bot.rules.policies.Field / ReviewField), so a validation error lands on its own field."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from bot.rules.policies import Field, ReviewField
from bot.ui.policies import CODE_OF_CONDUCT as CODE_OF_CONDUCT
from bot.ui.policies import FORM_ID, REVIEW_FORM_ID
from bot.ui.policies import RETIRED as RETIRED
from handlers.metadata import Metadata
from handlers.slack_ui import action_id as _action_id


class Callback(StrEnum):
    LIST = "policies_list"
    FORM = FORM_ID
    REVIEW = REVIEW_FORM_ID


class Action(StrEnum):
    ADD = "policy_add"
    EDIT = "policy_edit"
    MARK_REVIEWED = "policy_mark_reviewed"


def action_id(field: Field | ReviewField) -> str:
    return _action_id(field.value)


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
