"""The /conduct delegate modal: the neutral form (bot/ui/delegation.py) rendered for Slack."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.views import View

from bot.ui.delegation import Current, delegate_form
from handlers import slack_ui
from handlers.delegation.ids import SUBCOMMAND

__all__ = ["Current", "delegate_modal"]


def delegate_modal(*, today: date, current: Current | None = None) -> View:
    return slack_ui.modal(
        delegate_form(today=today, current=current, end_command=f"`/conduct {SUBCOMMAND} end`")
    )
