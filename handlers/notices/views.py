"""The /conduct notify modal: the neutral form (bot/ui/notices.py) rendered for Slack."""

from __future__ import annotations

from slack_sdk.models.views import View

from bot.ui.notices import notice_form
from handlers import slack_ui


def notice_modal(*, audience: str) -> View:
    """`audience`: who it goes to, in words ("the Chief Executive and the Vetting Officer")."""
    return slack_ui.modal(notice_form(audience=audience))
