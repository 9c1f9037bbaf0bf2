"""The yearly round. The annual declaration: once a year everyone confirms their interests
and outside work are current, or updates them (bot.jobs.annual, from the daily sweep);
`/conduct annual` shows the monitoring officer who has not answered. Its siblings, the code of
conduct undertaking for new starters (handlers.undertaking, `/conduct undertaking`) and the
anniversary review of outside-work permissions (handlers.reviews), share its small pieces
(handlers.annual.common) and are registered beside it (handlers.register)."""

from __future__ import annotations

from slack_bolt import App

from handlers.annual import owed as owed  # its Slack drawers, on import
from handlers.annual.ids import Action, AnnualRef
from handlers.annual.listeners import (
    ask_outside_work,
    conduct_annual,
    declare_interest,
    nothing_changed,
)
from handlers.conduct import Subcommand
from handlers.context import known, meta

SUBCOMMANDS: dict[str, Subcommand] = {"annual": conduct_annual}


def register(app: App) -> None:
    app.action(Action.NOTHING_CHANGED.value, middleware=[meta(AnnualRef), known()])(nothing_changed)
    app.action(Action.DECLARE_INTEREST.value, middleware=[known()])(declare_interest)
    app.action(Action.ASK_OUTSIDE_WORK.value, middleware=[known()])(ask_outside_work)
