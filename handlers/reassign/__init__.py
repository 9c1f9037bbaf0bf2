"""Reassignment on Slack: an admin moves any waiting item (`/conduct reassign`). The use
cases, and waiting items following a new line manager after an org chart import, are in
bot/usecases/reassign.py."""

from __future__ import annotations

from slack_bolt import App

from handlers.conduct import Subcommand
from handlers.reassign.ids import CALLBACK_ID
from handlers.reassign.listeners import reassign_command, submit_reassign

SUBCOMMANDS: dict[str, Subcommand] = {"reassign": reassign_command}


def register(app: App) -> None:
    app.view(CALLBACK_ID)(submit_reassign)
