"""The "Renewed on…" form (bot/ui/vetting.py) rendered for Slack."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.views import View

from bot.ui.vetting import ClearanceRef, renewal_form
from handlers import slack_ui


def renewal_modal(
    *, ref: ClearanceRef, name: str, level: str | None, years: int, today: date
) -> View:
    return slack_ui.modal(renewal_form(ref=ref, name=name, level=level, years=years, today=today))
