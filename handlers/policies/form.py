"""Reading the policy form and the "Mark reviewed" form back from a view's state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.rules.policies import Field, ReviewField, ReviewForm
from handlers.forms import FormState
from handlers.policies.ids import CODE_OF_CONDUCT, RETIRED, action_id


@dataclass(frozen=True)
class PolicyInput:
    """The form as typed; the owner is a Slack id still to be found in the org chart."""

    title: str | None
    owner_slack_id: str | None
    url: str | None
    last_reviewed: date | None
    review_months: str | None
    next_review: date | None
    channel: str | None
    is_code_of_conduct: bool
    retired: bool


def read_policy_form(values: dict[str, Any]) -> PolicyInput:
    state = FormState(values, action_id)
    ticked = state.ticked(Field.FLAGS)
    channel = state.element(Field.CHANNEL)
    return PolicyInput(
        title=state.text(Field.TITLE),
        owner_slack_id=state.user(Field.OWNER),
        url=state.text(Field.URL),
        last_reviewed=state.date(Field.LAST_REVIEWED),
        review_months=state.text(Field.REVIEW_MONTHS),
        next_review=state.date(Field.NEXT_REVIEW),
        # conversations_select reports selected_conversation; channels_select, selected_channel.
        channel=channel.get("selected_conversation") or channel.get("selected_channel"),
        is_code_of_conduct=CODE_OF_CONDUCT in ticked,
        retired=RETIRED in ticked,
    )


def read_review_form(values: dict[str, Any]) -> ReviewForm:
    state = FormState(values, action_id)
    return ReviewForm(
        reviewed_on=state.date(ReviewField.REVIEWED_ON),
        next_review=state.date(ReviewField.NEXT_REVIEW),
        note=state.text(ReviewField.NOTE),
    )
