"""Every Slack id the outside-work anniversary review uses: the buttons' ids and payload are
the neutral ones (bot/ui/reviews.py), shared with Teams."""

from __future__ import annotations

from bot.ui.reviews import Action, ReviewRef

__all__ = ["Action", "ReviewRef"]
