"""Reading the policy form and the "Mark reviewed" form back from a view's state (the neutral
readers: bot.ui.policies)."""

from __future__ import annotations

from typing import Any

from bot.rules.policies import ReviewForm
from bot.ui.policies import PolicyAnswers, read_policy, read_review
from handlers import slack_ui


def read_policy_form(values: dict[str, Any]) -> PolicyAnswers:
    """The form as typed; the owner is a Slack id still to be found in the org chart."""
    return read_policy(slack_ui.answers(values))


def read_review_form(values: dict[str, Any]) -> ReviewForm:
    return read_review(slack_ui.answers(values))
