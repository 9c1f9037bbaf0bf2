"""An audit trail in words: bot.usecases.trail_words (both platforms word it the same)."""

from __future__ import annotations

from bot.usecases.trail_words import entry_words

__all__ = ["entry_words"]
