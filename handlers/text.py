"""Putting people's words into Slack safely."""

from __future__ import annotations

from datetime import datetime


def escape(text: str) -> str:
    """Escape mrkdwn control characters so typed text can't mention @channel or fake links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """Shorten to Slack's limit for a field, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_date(at: datetime) -> str:
    """A time Slack shows in each reader's own time zone, with a UTC fallback."""
    epoch = int(at.timestamp())
    fallback = at.strftime("%d %b %Y %H:%M UTC")
    return f"<!date^{epoch}^{{date_short_pretty}} at {{time}}|{fallback}>"
