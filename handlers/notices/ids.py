"""Every Slack id the /conduct notify form uses: the neutral form's (bot/ui/notices.py). Block
ids are the rule's field names, so a validation error from bot.rules.notices lands on its own
field."""

from __future__ import annotations

from bot.ui.notices import FORM_ID as CALLBACK_ID
from bot.ui.notices import NoticeField as Field
from handlers.slack_ui import action_id as _action_id

__all__ = ["CALLBACK_ID", "Field", "action_id"]


def action_id(field: Field) -> str:
    return _action_id(field.value)
