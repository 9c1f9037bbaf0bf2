"""Every Slack id the /conduct reassign form uses: the neutral form's (bot/ui/reassign.py)."""

from __future__ import annotations

from bot.ui.reassign import FORM_ID as CALLBACK_ID
from bot.ui.reassign import REASON_MAX
from bot.ui.reassign import ReassignField as Field
from handlers.slack_ui import action_id as _action_id

__all__ = ["CALLBACK_ID", "REASON_MAX", "Field", "action_id"]


def action_id(field: Field) -> str:
    return _action_id(field.value)
