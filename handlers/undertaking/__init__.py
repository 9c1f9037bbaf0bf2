"""The code of conduct undertaking: new starters (and, on an admin's request, everyone) are
sent Cumbria's undertaking in the office's name, with a button to accept it; the acceptance
is recorded with its time. Sent from the daily sweep (handlers.undertaking.jobs)."""

from __future__ import annotations

from slack_bolt import App

from handlers.conduct import Subcommand
from handlers.undertaking.ids import Action
from handlers.undertaking.jobs import JOBS as JOBS
from handlers.undertaking.listeners import accept, conduct_undertaking

SUBCOMMANDS: dict[str, Subcommand] = {"undertaking": conduct_undertaking}


def register(app: App) -> None:
    app.action(Action.ACCEPT.value)(accept)
