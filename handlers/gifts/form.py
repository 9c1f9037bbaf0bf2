"""Reading the /gift modal's state into the rule's plain form."""

from __future__ import annotations

from typing import Any

from bot.rules.gifts import GiftForm
from bot.ui.gifts import read_gift
from handlers import slack_ui


def read_gift_form(values: dict[str, Any]) -> tuple[GiftForm, str | None]:
    """Return the form and, when the picker was shown, the chosen manager's Slack id."""
    return read_gift(slack_ui.answers(values))
