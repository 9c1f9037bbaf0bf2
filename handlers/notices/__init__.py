"""/conduct notify: confidential notifications that cannot wait (criminal charges, legal
proceedings, changes that could affect vetting), sent only to the officers the notice chain
names and acknowledged by them from their DMs."""

from __future__ import annotations

from slack_bolt import App

from bot.usecases.kinds import Kind
from handlers.conduct import Subcommand
from handlers.context import known
from handlers.notices.ids import CALLBACK_ID, Field
from handlers.notices.kind import KIND
from handlers.notices.listeners import NOT_IN_ORG_CHART, open_notice_modal, submit_notice

# The kind of declaration this feature adds, for the approval engine (bot.usecases.kinds).
KINDS: dict[str, Kind] = {"notice": KIND}
SUBCOMMANDS: dict[str, Subcommand] = {"notify": open_notice_modal}


def register(app: App) -> None:
    app.view(CALLBACK_ID, middleware=[known(NOT_IN_ORG_CHART, field=Field.CATEGORY)])(submit_notice)
