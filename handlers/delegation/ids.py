"""Every Slack id the delegation form uses. Block ids are the rule's field names
(bot.rules.delegation.Field), so a validation error lands on its own field."""

from __future__ import annotations

from bot.rules.delegation import Field

CALLBACK_ID = "delegation_create"
SUBCOMMAND = "delegate"

# Each input's action id is its field name with this suffix.
ACTION_SUFFIX = "_input"


def action_id(field: Field) -> str:
    return f"{field.value}{ACTION_SUFFIX}"


__all__ = ["ACTION_SUFFIX", "CALLBACK_ID", "SUBCOMMAND", "Field", "action_id"]
