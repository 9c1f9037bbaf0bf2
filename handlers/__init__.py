"""The Slack glue: one package per feature, each with `register(app)`."""

from __future__ import annotations

from slack_bolt import App

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
    vetting,
    withdraw,
)


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
    annual.register(app)  # with the undertaking and outside-work reviews
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
            **policies.SUBCOMMANDS,
            **registers.SUBCOMMANDS,
            **report.SUBCOMMANDS,
            **register_export.SUBCOMMANDS,
        },
    )
