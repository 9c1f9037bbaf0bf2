"""How the report words kinds and statuses: the same words staff see in /conduct mine."""

from __future__ import annotations

from bot.rules.words import status_word

__all__ = ["days", "kind_word", "percent", "pounds", "status_word"]

# Plural headings for the report's tables.
KIND_PLURALS = {
    "gift": "Gifts and hospitality",
    "interest": "Interests",
    "outside_work": "Outside work",
}


def kind_word(kind: str) -> str:
    return KIND_PLURALS.get(kind) or kind.replace("_", " ").capitalize()


def pounds(pence: int) -> str:
    return f"£{pence // 100:,}.{pence % 100:02d}"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} days"
