"""Approvals in direct messages: decision buttons and the decline form."""

from __future__ import annotations

from slack_bolt import App

from handlers.approvals.ids import Action, Callback
from handlers.approvals.listeners import approve, dispose, open_decline_form, submit_decline


def register(app: App) -> None:
    app.action(Action.APPROVE.value)(approve)
    app.action(Action.DECLINE.value)(open_decline_form)
    for action in (Action.DISPOSE_RETURN, Action.DISPOSE_KEEP, Action.DISPOSE_HAND_ON):
        app.action(action.value)(dispose)
    app.view(Callback.DECLINE_REASON.value)(submit_decline)
