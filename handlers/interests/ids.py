"""Every Slack id the interest forms use: the neutral forms' (bot/ui/interests.py). Block ids
are the rule's field names, so a validation error from bot.rules.interests lands on its own
field."""

from __future__ import annotations

from bot.ui.interests import END_DATE
from bot.ui.interests import END_FORM_ID as END_CALLBACK_ID
from bot.ui.interests import FORM_ID as CALLBACK_ID
from bot.ui.interests import InterestField as Field
from handlers.conduct.ids import Action as ConductAction
from handlers.slack_ui import ACTION_SUFFIX, action_id

# The button beside a noted interest in /conduct mine (value: metadata.DeclarationRef).
END_ACTION = ConductAction.END_INTEREST.value

__all__ = [
    "ACTION_SUFFIX",
    "CALLBACK_ID",
    "END_ACTION",
    "END_CALLBACK_ID",
    "END_DATE",
    "Field",
    "action_id",
]
