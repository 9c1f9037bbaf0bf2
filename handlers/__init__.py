"""The Slack glue: one package per feature, each with `register(app)`, and where it has them
its kinds of declaration (`KINDS`) and the Slack drawers of the sweep's messages (the jobs
themselves are platform-neutral: bot.jobs). This module gathers them for the composition
root (bot.app, bot.runtime); nothing registers itself at import time but drawers."""

from __future__ import annotations

from slack_bolt import App

from bot.usecases import kinds
from handlers import (
    annual,
    approvals,
    conduct,
    delegation,
    gifts,
    home,
    interests,
    notices,
    outside_work,
    policies,
    questions,
    reassign,
    register_export,
    registers,
    report,
    reviews,
    undertaking,
    vetting,
    withdraw,
)
from handlers import digest as digest  # the governance digest's Slack drawer, on import
from handlers import waiting as waiting  # the waiting digest's Slack drawer, on import


def register(app: App) -> None:
    gifts.register(app)
    interests.register(app)
    outside_work.register(app)
    approvals.register(app)
    notices.register(app)
    questions.register(app)
    withdraw.register(app)
    reassign.register(app)
    delegation.register(app)
    annual.register(app)
    undertaking.register(app)
    reviews.register(app)
    policies.register(app)
    vetting.register(app)
    registers.register(app)
    register_export.register(app)
    home.register(app)
    conduct.register(
        app,
        subcommands={
            **notices.SUBCOMMANDS,
            **reassign.SUBCOMMANDS,
            **delegation.SUBCOMMANDS,
            **annual.SUBCOMMANDS,
            **undertaking.SUBCOMMANDS,
            **policies.SUBCOMMANDS,
            **registers.SUBCOMMANDS,
            **report.SUBCOMMANDS,
            **register_export.SUBCOMMANDS,
        },
    )


def install_kinds() -> None:
    """Tell the approval engine every kind of declaration the features add."""
    kinds.install({**gifts.KINDS, **interests.KINDS, **outside_work.KINDS, **notices.KINDS})
