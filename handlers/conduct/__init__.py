"""/conduct: help, the member of staff's own record, and the features' subcommands."""

from __future__ import annotations

from collections.abc import Mapping

from slack_bolt import App

from handlers.conduct.listeners import ConductRequest, Subcommand, make_conduct_command

__all__ = ["ConductRequest", "Subcommand", "register"]


def register(app: App, subcommands: Mapping[str, Subcommand] | None = None) -> None:
    app.command("/conduct")(make_conduct_command(subcommands or {}))
