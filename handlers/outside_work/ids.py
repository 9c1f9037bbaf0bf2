"""Every Slack id the outside-work form uses: the neutral form's (bot/ui/outside_work.py).
Block ids are the rule's field names, so a validation error from bot.rules.outside_work lands
on its own field."""

from __future__ import annotations

from bot.ui.outside_work import FORM_ID as CALLBACK_ID
from bot.ui.outside_work import NO, YES
from bot.ui.outside_work import OutsideWorkField as Field
from handlers.slack_ui import ACTION_SUFFIX
from handlers.slack_ui import action_id as _action_id

__all__ = ["ACTION_SUFFIX", "CALLBACK_ID", "NO", "YES", "Field", "action_id"]


def action_id(field: Field) -> str:
    return _action_id(field.value)
