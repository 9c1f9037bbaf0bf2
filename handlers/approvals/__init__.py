"""Approvals in direct messages: decision buttons and the form for a decision's words."""

from __future__ import annotations

from slack_bolt import App

# The Slack drawers of the approval messages the use cases owe, registered on import.
from handlers.approvals import moves as moves
from handlers.approvals import owed as owed
from handlers.approvals import reminders as reminders
from handlers.approvals.ids import DECIDE_PATTERN, Block, Callback
from handlers.approvals.listeners import decide_by_button, submit_decision_text
from handlers.context import meta
from handlers.metadata import Decision


def register(app: App) -> None:
    app.action(DECIDE_PATTERN, middleware=[meta(Decision)])(decide_by_button)
    app.view(Callback.DECISION_TEXT.value, middleware=[meta(Decision, field=Block.TEXT)])(
        submit_decision_text
    )
