"""/conduct: help, and the member of staff's own record."""

from __future__ import annotations

from slack_bolt import App

from handlers.conduct.listeners import conduct_command

COMMAND = "/conduct"


def register(app: App) -> None:
    app.command(COMMAND)(conduct_command)
