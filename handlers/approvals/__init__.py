"""Approvals in direct messages: decision buttons and the form for a decision's words."""

from __future__ import annotations

from slack_bolt import App

from handlers.approvals.ids import DECIDE_PATTERN, Callback
from handlers.approvals.jobs import JOBS as JOBS
from handlers.approvals.listeners import decide_by_button, submit_decision_text


def register(app: App) -> None:
    app.action(DECIDE_PATTERN)(decide_by_button)
    app.view(Callback.DECISION_TEXT.value)(submit_decision_text)
