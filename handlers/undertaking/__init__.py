"""The code of conduct undertaking: new starters (and, on an admin's request, everyone) are
sent Cumbria's undertaking in the office's name, with a button to accept it; the acceptance
is recorded with its time. Sent from the daily sweep (bot.jobs.undertaking)."""

from __future__ import annotations

from slack_bolt import App

from handlers.conduct import Subcommand
from handlers.context import known, meta
from handlers.undertaking import owed as owed  # its Slack drawer, on import
from handlers.undertaking.ids import Action, UndertakingRef
from handlers.undertaking.listeners import accept, conduct_undertaking

SUBCOMMANDS: dict[str, Subcommand] = {"undertaking": conduct_undertaking}


def register(app: App) -> None:
    app.action(Action.ACCEPT.value, middleware=[meta(UndertakingRef), known()])(accept)
