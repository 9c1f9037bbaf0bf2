"""The Slack glue: one package per feature, each with `register(app)`."""

from __future__ import annotations

from slack_bolt import App

from handlers import approvals, conduct, gifts


def register(app: App) -> None:
    gifts.register(app)
    approvals.register(app)
    conduct.register(app, subcommands={})
