"""Every Slack id /conduct's messages use."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    WITHDRAW = "conduct_withdraw"  # value: metadata.DeclarationRef
    END_INTEREST = "conduct_end_interest"  # value: metadata.DeclarationRef
