"""The /conduct reassign modal and its confirmation (bot/ui/reassign.py) rendered for Slack."""

from __future__ import annotations

from slack_sdk.models.views import View

from bot.ui.reassign import done_form, reassign_form
from handlers import slack_ui


def reassign_modal(*, reference: str = "") -> View:
    return slack_ui.modal(reassign_form(reference=reference))


def done_view(text: str) -> View:
    return slack_ui.modal(done_form(text))
