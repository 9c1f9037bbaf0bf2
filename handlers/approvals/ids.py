"""Every Slack id the approval DMs and forms use."""

from __future__ import annotations

import re
from enum import StrEnum

# Decision buttons are "decide_<outcome>"; their value names the step (metadata.Decision).
DECIDE_PREFIX = "decide_"
DECIDE_PATTERN = re.compile(rf"^{DECIDE_PREFIX}[a-z_]+$")


def decide_action(outcome: str) -> str:
    return f"{DECIDE_PREFIX}{outcome}"


class Action(StrEnum):
    ASK = "approval_ask_question"


class Callback(StrEnum):
    DECISION_TEXT = "approval_decision_text"


class Block(StrEnum):
    ACTIONS = "approval_actions"
    TEXT = "text"


class TextAction(StrEnum):
    INPUT = "text_input"
