"""Reading the interest forms' state into the rule's plain form."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.rules.interests import InterestForm
from bot.ui.interests import END_DATE, read_interest
from handlers import slack_ui


def read_interest_form(values: dict[str, Any]) -> InterestForm:
    return read_interest(slack_ui.answers(values))


def read_end_date(values: dict[str, Any]) -> date | None:
    return slack_ui.answers(values).date(END_DATE)
