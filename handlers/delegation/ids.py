"""Every Slack id the delegation form uses (the neutral form: bot/ui/delegation.py). Block ids
are the rule's field names (bot.rules.delegation.Field), so a validation error lands on its own
field."""

from __future__ import annotations

from bot.rules.delegation import Field
from bot.ui.delegation import FORM_ID as CALLBACK_ID
from handlers.slack_ui import ACTION_SUFFIX
from handlers.slack_ui import action_id as _action_id

SUBCOMMAND = "delegate"


def action_id(field: Field) -> str:
    return _action_id(field.value)


__all__ = ["ACTION_SUFFIX", "CALLBACK_ID", "SUBCOMMAND", "Field", "action_id"]
