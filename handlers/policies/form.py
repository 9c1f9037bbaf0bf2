"""Reading the policy form and the "Mark reviewed" form back from a view's state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.rules.policies import Field, ReviewField, ReviewForm
from handlers import slack_ui
from handlers.policies.ids import CODE_OF_CONDUCT, RETIRED


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
    answers = slack_ui.answers(values)
    ticked = answers.choices(Field.FLAGS)
    return PolicyInput(
        title=answers.text(Field.TITLE),
        owner_slack_id=answers.person(Field.OWNER),
        url=answers.text(Field.URL),
        last_reviewed=answers.date(Field.LAST_REVIEWED),
        review_months=answers.text(Field.REVIEW_MONTHS),
        next_review=answers.date(Field.NEXT_REVIEW),
        channel=answers.channel(Field.CHANNEL),
        is_code_of_conduct=CODE_OF_CONDUCT in ticked,
        retired=RETIRED in ticked,
    )


def read_review_form(values: dict[str, Any]) -> ReviewForm:
    answers = slack_ui.answers(values)
    return ReviewForm(
        reviewed_on=answers.date(ReviewField.REVIEWED_ON),
        next_review=answers.date(ReviewField.NEXT_REVIEW),
        note=answers.text(ReviewField.NOTE),
    )
