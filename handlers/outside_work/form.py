"""Reading the /outside-work modal's state into the rule's plain form."""

from __future__ import annotations

from typing import Any

from bot.rules.outside_work import OutsideWorkForm
from bot.ui.outside_work import read_outside_work
from handlers import slack_ui


def read_outside_work_form(values: dict[str, Any]) -> tuple[OutsideWorkForm, str | None]:
    """Return the form and, when the picker was shown, the chosen manager's Slack id."""
    return read_outside_work(slack_ui.answers(values))
