"""What every register file writer (CSV, XLSX) does to a cell: times in UTC, and text that a
spreadsheet would run as a formula defused. Its own module so that bot.xlsx (loaded only when
a spreadsheet is made) and bot.export share it without importing each other."""

from __future__ import annotations

from datetime import UTC, datetime

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def neutralise(text: str) -> str:
    """A leading apostrophe makes a spreadsheet show the text rather than run it."""
    return "'" + text if is_formula_like(text) else text


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
