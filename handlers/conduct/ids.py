"""Every Slack id /conduct's messages use."""

from __future__ import annotations

from enum import StrEnum

from bot.ui.withdraw import WITHDRAW as WITHDRAW_ID


class Action(StrEnum):
    WITHDRAW = WITHDRAW_ID  # value: metadata.DeclarationRef
    END_INTEREST = "conduct_end_interest"  # value: metadata.DeclarationRef
