"""Reading the policy form and the "Mark reviewed" form back from a view's state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.rules.policies import Field, ReviewField, ReviewForm
from handlers.policies.ids import CODE_OF_CONDUCT, RETIRED, action_id


def _element(values: dict[str, Any], field: Field | ReviewField) -> dict[str, Any]:
    return values.get(field.value, {}).get(action_id(field), {}) or {}


def _date(values: dict[str, Any], field: Field | ReviewField) -> date | None:
    raw = _element(values, field).get("selected_date")
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


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
    ticked = {o.get("value") for o in _element(values, Field.FLAGS).get("selected_options") or []}
    channel = _element(values, Field.CHANNEL)
    return PolicyInput(
        title=_element(values, Field.TITLE).get("value"),
        owner_slack_id=_element(values, Field.OWNER).get("selected_user"),
        url=_element(values, Field.URL).get("value"),
        last_reviewed=_date(values, Field.LAST_REVIEWED),
        review_months=_element(values, Field.REVIEW_MONTHS).get("value"),
        next_review=_date(values, Field.NEXT_REVIEW),
        # conversations_select reports selected_conversation; channels_select, selected_channel.
        channel=channel.get("selected_conversation") or channel.get("selected_channel"),
        is_code_of_conduct=CODE_OF_CONDUCT in ticked,
        retired=RETIRED in ticked,
    )


def read_review_form(values: dict[str, Any]) -> ReviewForm:
    return ReviewForm(
        reviewed_on=_date(values, ReviewField.REVIEWED_ON),
        next_review=_date(values, ReviewField.NEXT_REVIEW),
        note=_element(values, ReviewField.NOTE).get("value"),
    )
