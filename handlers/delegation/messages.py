"""What people are told about a delegation (bot.ui.delegation), in Slack's words."""

from __future__ import annotations

from datetime import date

from bot.ui import delegation as told
from bot.ui.delegation import deputy_notice, ended_for_delegator, ended_for_deputy
from bot.ui.text import long_day
from handlers.delegation.ids import SUBCOMMAND

__all__ = ["confirmation", "deputy_notice", "ended_for_delegator", "ended_for_deputy", "long_day"]


def confirmation(
    *, deputy_name: str, starts_on: date, ends_on: date, moved: int, today: date
) -> str:
    """To the person who delegated."""
    return told.confirmation(
        deputy_name=deputy_name,
        starts_on=starts_on,
        ends_on=ends_on,
        moved=moved,
        today=today,
        end_command=f"`/conduct {SUBCOMMAND} end`",
    )
