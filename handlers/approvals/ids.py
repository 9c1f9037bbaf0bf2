"""Every Slack id the approval DMs and forms use."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    APPROVE = "approval_approve"
    DECLINE = "approval_decline"
    DISPOSE_RETURN = "approval_dispose_returned"
    DISPOSE_KEEP = "approval_dispose_kept"
    DISPOSE_HAND_ON = "approval_dispose_handed_on"


class Callback(StrEnum):
    DECLINE_REASON = "approval_decline_reason"


class Block(StrEnum):
    ACTIONS = "approval_actions"
    REASON = "reason"


class ReasonAction(StrEnum):
    INPUT = "reason_input"
