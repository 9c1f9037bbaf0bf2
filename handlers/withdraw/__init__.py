"""Withdraw a declaration still waiting, from the button beside it in /conduct mine."""

from __future__ import annotations

from slack_bolt import App

from handlers.conduct.ids import Action
from handlers.withdraw.listeners import withdraw


def register(app: App) -> None:
    app.action(Action.WITHDRAW.value)(withdraw)
