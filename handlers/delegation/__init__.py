"""/conduct delegate: an approver hands their approvals to a deputy for a period."""

from __future__ import annotations

from slack_bolt import App

from bot.rules.delegation import Field
from handlers.conduct import Subcommand
from handlers.context import known
from handlers.delegation import cards as cards
from handlers.delegation.ids import CALLBACK_ID, SUBCOMMAND
from handlers.delegation.listeners import NOT_KNOWN_ON_FORM, delegate, submit_delegation

SUBCOMMANDS: dict[str, Subcommand] = {SUBCOMMAND: delegate}


def register(app: App) -> None:
    app.view(CALLBACK_ID, middleware=[known(NOT_KNOWN_ON_FORM, field=Field.DEPUTY)])(
        submit_delegation
    )
