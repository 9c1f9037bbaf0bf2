"""The daily sweep's jobs, platform-neutral: each finds what falls due and queues the messages
it owes in the durable outbox (bot.outbox), which each platform's sender draws by card name
(Slack: handlers' `@card`, Teams: bot.teams' `@drawer`). One module per feature, each with its
`JOBS`; `all_jobs()` gives them in the order they run, to the Slack and the Teams runtime
alike (bot.runtime).
No job here knows a platform: a failure is reported in the outbox's words
(bot.outbox.describe_failure), working hours are bot.rules.calendar's."""

from __future__ import annotations

from bot.jobs import (
    annual,
    approvals,
    delegation,
    digest,
    housekeeping,
    policies,
    reviews,
    undertaking,
    vetting,
    waiting,
)
from bot.sweep import Job


def all_jobs() -> list[Job]:
    """The jobs in the order they run. Delegations first, so the day's steps are with whoever
    holds them today; the waiting-decisions digest just before the approvers' chase, so a
    reminder due today goes in the digest rather than a second DM; what the outbox still owes
    next to last, and the outbox's housekeeping last."""
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
        *housekeeping.JOBS,
    ]
