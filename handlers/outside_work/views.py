"""The /outside-work modal: the neutral form (bot/ui/outside_work.py) rendered for Slack."""

from __future__ import annotations

from slack_sdk.models.views import View

from bot.ui.outside_work import outside_work_form
from handlers import slack_ui


def outside_work_modal(
    *, organisation: str = "", notes: str = "", ask_for_manager: bool, head_title: str
) -> View:
    return slack_ui.modal(
        outside_work_form(
            organisation=organisation,
            notes=notes,
            ask_for_manager=ask_for_manager,
            head_title=head_title,
        )
    )
