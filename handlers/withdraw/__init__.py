"""Withdraw a declaration still waiting, from the button beside it in /conduct mine."""

from __future__ import annotations

from slack_bolt import App

from bot.rules.refusal import STALE_IN_MINE
from handlers.conduct.ids import Action
from handlers.context import known, meta
from handlers.metadata import DeclarationRef
from handlers.withdraw.listeners import UNKNOWN, withdraw


def register(app: App) -> None:
    app.action(
        Action.WITHDRAW.value,
        middleware=[meta(DeclarationRef, stale=STALE_IN_MINE), known(UNKNOWN)],
    )(withdraw)
