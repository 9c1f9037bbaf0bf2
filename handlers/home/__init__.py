"""The App Home tab for every role (issue 5): what to declare, one's own declarations, the
decisions waiting (with their buttons), delegation, and for the monitoring officer and the
head of office the registers' counts and what has waited longest. Re-published after every
change that concerns the person: bot.usecases.homes queues the refresh in the outbox, and
handlers.home.publish draws and publishes it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_bolt import App

from bot.settings import Settings
from handlers.home import listeners
from handlers.home.ids import EVENT, Action
from handlers.home.publish import SlackHomes
from handlers.notifier import Notifier
from storage.db import Database
from storage.types import utcnow

__all__ = ["SlackHomes", "attach", "register"]


def attach(
    db: Database, notifier: Notifier, settings: Settings, clock: Callable[[], datetime] = utcnow
) -> SlackHomes:
    """The Slack Homes of `db`'s people, drawing its queued Home refreshes; keep the
    reference (it is held weakly)."""
    return SlackHomes(db, notifier, settings, clock).attach()


def register(app: App) -> None:
    app.event(EVENT)(listeners.home_opened)
    app.action(Action.MORE.value)(listeners.page)
    app.action(Action.PREVIOUS.value)(listeners.page)
    app.action(Action.DECLARE_GIFT.value)(listeners.declare_gift)
    app.action(Action.DECLARE_INTEREST.value)(listeners.declare_interest)
    app.action(Action.ASK_OUTSIDE_WORK.value)(listeners.ask_outside_work)
    app.action(Action.NOTIFY.value)(listeners.notify)
    app.action(Action.SET_DELEGATION.value)(listeners.set_delegation)
    app.action(Action.END_DELEGATION.value)(listeners.end_delegation)
