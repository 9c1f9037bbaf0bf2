"""Register export from Slack for the officers who keep the registers: `/conduct export`,
or the Export button on their App Home; the file arrives in their DM."""

from __future__ import annotations

from slack_bolt import App

from handlers.conduct import Subcommand
from handlers.register_export import owed as owed  # its Slack drawer, on import
from handlers.register_export.ids import Action, Callback
from handlers.register_export.listeners import conduct_export, open_export, submit_export

SUBCOMMANDS: dict[str, Subcommand] = {"export": conduct_export}


def register(app: App) -> None:
    app.action(Action.OPEN.value)(open_export)
    app.view(Callback.FORM.value)(submit_export)
