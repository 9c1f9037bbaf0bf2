"""Every Teams feature's handlers on the router, gathered for the composition root (the
Teams counterpart of `handlers.register(app)`); nothing registers itself at import time
except drawers (bot.teams.drawers), as the Slack cards do."""

from __future__ import annotations

from bot.teams import approvals, help_card, questions, withdraw
from bot.teams.router import Router


def register(router: Router) -> None:
    help_card.register(router)
    approvals.register(router)
    questions.register(router)
    withdraw.register(router)
