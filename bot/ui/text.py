"""Marked text: the small markup a card's intro, notes, warnings and outcome may carry.

`*bold*`, a line starting with `>` (a quotation), `:name:` (an icon, e.g. `:warning:`),
`<https://address|words>` (a link) and the escapes `&amp;` `&lt;` `&gt;` for people's words
(`escape`). It is Slack's mrkdwn subset, so the Slack renderer passes it through; other
renderers translate it (`plain` below).
Fields that are not marked (titles, facts, sections, history) are plain text, escaped by the
renderer that needs it.
"""

from __future__ import annotations

import re
from datetime import date


def escape(text: str) -> str:
    """Escape the markup's control characters so typed text can't mention @channel or fake
    links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """Shorten to a field's limit, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


ICONS = {
    "warning": "⚠",
    "lock": "🔒",
    "arrow_right": "→",
    "heavy_minus_sign": "—",
    "wastebasket": "🗑",
    "white_check_mark": "✔",
    "x": "✘",
    "speech_balloon": "💬",
    "red_circle": "🔴",
    "large_orange_circle": "🟠",
    "scroll": "📜",
    "bell": "🔔",
    "hourglass_flowing_sand": "⏳",
    "pencil2": "✏",
    "spiral_calendar_pad": "🗓",
    "exclamation": "❗",
}
_ICON = re.compile(r":([a-z_]+):")
_BOLD = re.compile(r"\*([^*\n]+)\*")
_LINK = re.compile(r"<(https?://[^|>\s]+)\|([^>]+)>")


def plain(marked: str) -> str:
    """Marked text as plain text: icons as symbols, no bold marks, quotes indented."""
    text = _ICON.sub(lambda m: ICONS.get(m.group(1), ""), marked)
    text = _BOLD.sub(r"\1", text)
    text = _LINK.sub(r"\2 (\1)", text)
    text = re.sub(r"^>", "    ", text, flags=re.MULTILINE)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return re.sub(r"^ (?=\S)", "", text, flags=re.MULTILINE)


def short_day(value: date) -> str:
    """ "Mon 30 Nov": a day of the current year, as staff read it."""
    return f"{value:%a} {value.day} {value:%b}"


def full_date(value: date) -> str:
    """ "30 November 2026"."""
    return f"{value.day} {value:%B %Y}"


def long_day(value: date) -> str:
    """ "Thu 5 Mar 2026"."""
    return f"{value:%a} {value.day} {value:%b %Y}"


def long_date(value: date) -> str:
    """ "Wednesday 1 April 2026"."""
    return f"{value:%A} {value.day} {value:%B %Y}"


def relative(day: date, today: date) -> str:
    """ "in 30 days", "tomorrow", "today", "yesterday", "3 days ago"."""
    days = (day - today).days
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days == -1:
        return "yesterday"
    return f"in {days} days" if days > 0 else f"{-days} days ago"
