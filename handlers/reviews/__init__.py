"""The yearly review of outside-work permissions: on each anniversary of the grant the member
of staff confirms it continues unchanged, says it has changed (a new request), or that it
has ended. Sent from the daily sweep (handlers.reviews.jobs)."""

from __future__ import annotations

from slack_bolt import App

from handlers.reviews.ids import Action
from handlers.reviews.jobs import JOBS as JOBS
from handlers.reviews.listeners import changed, ended, unchanged


def register(app: App) -> None:
    app.action(Action.UNCHANGED.value)(unchanged)
    app.action(Action.CHANGED.value)(changed)
    app.action(Action.ENDED.value)(ended)
