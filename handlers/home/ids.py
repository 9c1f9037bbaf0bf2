"""Every Slack id the App Home uses. The buttons' ids and payloads are the neutral Home's
(bot.ui.home_model), so every platform's Home answers to the same ones."""

from __future__ import annotations

from bot.ui.home_model import Action, Elsewhere, Pages

__all__ = ["EVENT", "Action", "Elsewhere", "Pages"]

EVENT = "app_home_opened"
