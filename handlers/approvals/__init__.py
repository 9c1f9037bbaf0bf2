"""Approvals in direct messages: decision buttons and the decline form."""

from __future__ import annotations

from slack_bolt import App

from handlers.approvals.ids import Action, Callback
from handlers.approvals.listeners import (
    BUTTON_OUTCOMES,
    decide_by_button,
    open_decline_form,
    submit_decline,
)


def register(app: App) -> None:
    for action in BUTTON_OUTCOMES:
        app.action(action.value)(decide_by_button)
    app.action(Action.DECLINE.value)(open_decline_form)
    app.view(Callback.DECLINE_REASON.value)(submit_decline)
