"""Every Slack id of the register export: the Home button, and the neutral form's
(bot/ui/register_export.py)."""

from __future__ import annotations

from enum import StrEnum

from bot.ui.register_export import FORM_ID, FULL, PUBLIC
from bot.ui.register_export import ExportField as Field
from handlers.slack_ui import action_id as _action_id

__all__ = ["FULL", "PUBLIC", "Action", "Callback", "Field", "action_id"]


class Action(StrEnum):
    # The officers' "Export" button on App Home (placed by handlers.home).
    OPEN = "registers_export"


class Callback(StrEnum):
    FORM = FORM_ID


def action_id(field: Field) -> str:
    return _action_id(field.value)
