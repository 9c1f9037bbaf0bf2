"""The yearly review of outside-work permissions: on each anniversary of the grant the member
of staff confirms it continues unchanged, says it has changed (a new request), or that it
has ended. Sent from the daily sweep (bot.jobs.reviews)."""

from __future__ import annotations

from slack_bolt import App

from handlers.context import meta
from handlers.reviews.ids import Action, ReviewRef
from handlers.reviews.listeners import changed, ended, unchanged


def register(app: App) -> None:
    app.action(Action.UNCHANGED.value, middleware=[meta(ReviewRef)])(unchanged)
    app.action(Action.CHANGED.value, middleware=[meta(ReviewRef)])(changed)
    app.action(Action.ENDED.value, middleware=[meta(ReviewRef)])(ended)
