"""Every Teams feature's handlers on the router, gathered for the composition root (the
Teams counterpart of `handlers.register(app)`); nothing registers itself at import time
except drawers (bot.teams.drawers), as the Slack cards do."""

from __future__ import annotations

from bot.teams import (
    approvals,
    commands,
    conduct,
    declare,
    delegation,
    help_card,
    home_flow,
    interests,
    policies,
    questions,
    undertaking,
    withdraw,
)
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
    policies.register(router)
    approvals.register(router)
    questions.register(router)
    withdraw.register(router)
