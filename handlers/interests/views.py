"""The /interest modal and the end-an-interest form: the neutral forms (bot/ui/interests.py)
rendered for Slack."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.views import View

from bot.ui.interests import CATEGORY_OPTIONS, end_form, interest_form
from handlers import slack_ui

__all__ = ["CATEGORY_OPTIONS", "end_modal", "interest_modal"]


def interest_modal(*, description: str = "") -> View:
    """The declaration form; `description` pre-fills from `/interest <text>`."""
    return slack_ui.modal(interest_form(description=description))


def end_modal(*, declaration_id: int, reference: str, what: str, today: date) -> View:
    """Asks when an interest ended; the record stays on the register."""
    return slack_ui.modal(
        end_form(declaration_id=declaration_id, reference=reference, what=what, today=today)
    )
