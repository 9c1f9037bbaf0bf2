"""/conduct delegate: an approver hands their approvals to a deputy for a period."""

from __future__ import annotations

from slack_bolt import App

from handlers.conduct import Subcommand
from handlers.delegation.ids import CALLBACK_ID, SUBCOMMAND
from handlers.delegation.jobs import JOBS as JOBS
from handlers.delegation.listeners import delegate, submit_delegation

SUBCOMMANDS: dict[str, Subcommand] = {SUBCOMMAND: delegate}


def register(app: App) -> None:
    app.view(CALLBACK_ID)(submit_delegation)
