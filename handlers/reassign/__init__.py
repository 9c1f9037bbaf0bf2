"""Reassignment: an admin moves any waiting item (`/conduct reassign`); waiting items follow
a new line manager after an org chart import (handlers.reassign.service, from
bot/staff_import.py)."""

from __future__ import annotations

from slack_bolt import App

from handlers.conduct import Subcommand
from handlers.reassign.ids import CALLBACK_ID
from handlers.reassign.listeners import reassign_command, submit_reassign

SUBCOMMANDS: dict[str, Subcommand] = {"reassign": reassign_command}


def register(app: App) -> None:
    app.view(CALLBACK_ID)(submit_reassign)
