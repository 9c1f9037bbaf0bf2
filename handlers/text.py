"""Putting people's words into Slack safely."""

from __future__ import annotations

from datetime import datetime

from bot.ui.text import clip, escape

__all__ = ["clip", "escape", "slack_date"]


def slack_date(at: datetime) -> str:
    """A time Slack shows in each reader's own time zone, with a UTC fallback."""
    epoch = int(at.timestamp())
    fallback = at.strftime("%d %b %Y %H:%M UTC")
    return f"<!date^{epoch}^{{date_short_pretty}} at {{time}}|{fallback}>"
