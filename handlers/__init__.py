"""The Slack glue: one package per feature, each with `register(app)`, and where it has them
its scheduled jobs (`JOBS`) and its kinds of declaration (`KINDS`). This module gathers them
for the composition root (bot.app, bot.runtime); nothing registers itself at import time."""

from __future__ import annotations

from slack_bolt import App

from bot.sweep import Job
from bot.usecases import kinds
from handlers import (
    annual,
    approvals,
    conduct,
    delegation,
    digest,
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
    waiting,
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


def jobs() -> list[Job]:
    """The daily sweep's jobs, in the order they run. Delegations first, so the day's steps
    are with whoever holds them today; the waiting-decisions digest just before the chase, so
    a reminder due today goes in the digest rather than a second DM (bot.jobs.waiting);
    what the outbox still owes last (bot.jobs.approvals)."""
    return [
        *delegation.JOBS,
        approvals.REDELIVER,
        *waiting.JOBS,
        approvals.CHASE,
        *annual.JOBS,
        *undertaking.JOBS,
        *reviews.JOBS,
        *vetting.JOBS,
        *policies.JOBS,
        *digest.JOBS,
        approvals.DELIVER,
    ]


def install_kinds() -> None:
    """Tell the approval engine every kind of declaration the features add."""
    kinds.install({**gifts.KINDS, **interests.KINDS, **outside_work.KINDS, **notices.KINDS})
