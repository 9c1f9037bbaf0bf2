"""Every Teams feature's handlers on the router, gathered for the composition root (the
Teams counterpart of `handlers.register(app)`); nothing registers itself at import time
except drawers (bot.teams.drawers), as the Slack cards do."""

from __future__ import annotations

from bot.teams import (
    annual,
    approvals,
    channels,
    commands,
    conduct,
    declare,
    delegation,
    exports,
    file_consent,
    help_card,
    home_flow,
    interests,
    policies,
    questions,
    reassign,
    registers,
    report,
    reviews,
    undertaking,
    vetting,
    withdraw,
    withholding,
)
from bot.teams import digest as digest  # the governance digest's drawer, on import
from bot.teams import receipts as receipts  # the declaring messages' drawers, on import
from bot.teams import waiting as waiting  # the sweep's digest and reminder drawers, on import
from bot.teams.router import Router


def register(router: Router) -> None:
    help_card.register(router)
    home_flow.register(router)
    conduct.register(router)  # before the features that add `conduct` sub-commands
    commands.register(router)
    declare.register(router)
    interests.register(router)
    delegation.register(router)
    undertaking.register(router)
    annual.register(router)
    policies.register(router)
    approvals.register(router)
    questions.register(router)
    withdraw.register(router)
    file_consent.register(router)
    exports.register(router)
    report.register(router)
    vetting.register(router)
    reviews.register(router)
    registers.register(router)
    withholding.register(router)
    reassign.register(router)
    channels.register(router)
