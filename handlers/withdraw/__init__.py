"""Withdraw a declaration still waiting, from the button beside it in /conduct mine."""

from __future__ import annotations

from slack_bolt import App

from handlers.conduct.ids import Action
from handlers.context import known, meta
from handlers.metadata import DeclarationRef
from handlers.withdraw.listeners import STALE, UNKNOWN, withdraw


def register(app: App) -> None:
    app.action(
        Action.WITHDRAW.value, middleware=[meta(DeclarationRef, stale=STALE), known(UNKNOWN)]
    )(withdraw)
