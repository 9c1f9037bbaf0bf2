"""Every Slack id the questions use, and the payloads their buttons and forms carry: the
neutral ones (bot/ui/questions.py)."""

from __future__ import annotations

from bot.ui.questions import ANSWER_MAX, ASK, QUESTION_MAX, Action, Block, Callback, QuestionRef

__all__ = [
    "ANSWER_MAX",
    "ASK",
    "QUESTION_MAX",
    "Action",
    "Block",
    "Callback",
    "QuestionRef",
]
