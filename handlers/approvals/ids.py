"""Every Slack id the approval DMs and forms use: the neutral card's ids (bot/ui/approval.py)."""

from __future__ import annotations

from bot.ui.approval import DECIDE_PATTERN, DECIDE_PREFIX, Action, Block, Callback, decide_action

__all__ = [
    "DECIDE_PATTERN",
    "DECIDE_PREFIX",
    "Action",
    "Block",
    "Callback",
    "decide_action",
]
