"""Reading the /conduct notify modal's state into the rule's plain form."""

from __future__ import annotations

from typing import Any

from bot.rules.notices import NoticeForm
from bot.ui.notices import read_notice
from handlers import slack_ui


def read_notice_form(values: dict[str, Any]) -> NoticeForm:
    return read_notice(slack_ui.answers(values))
